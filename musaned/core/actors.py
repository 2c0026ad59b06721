"""Who acts, as the services and selectors below and beside accounts type it.

``User`` is ``musaned.accounts.models.User`` to mypy — django-stubs' placeholder for
``AUTH_USER_MODEL`` (``django.contrib.auth.models._User``), which its plugin reads as the
configured model — without importing accounts, which sits above core, identity and
notifications and beside api and payments (``pyproject.toml``, ``[tool.importlinter]``).
At run time it is Django's ``AbstractBaseUser``. ``Actor`` is ``User | None``: ``None``
is the platform itself (a job, a callback).

Accounts and the apps above it import ``User`` from ``musaned.accounts.models``.
"""

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import _User as User
else:
    from django.contrib.auth.base_user import AbstractBaseUser as User

Actor: TypeAlias = "User | None"

__all__ = ["Actor", "User"]
