"""What the apps above accounts hold about a person, for the PDPL download
(``/profile/my-data.json``, ``selectors.personal_data_export``).

Accounts sit below visas, offices, recruitment and complaints in the layers
(``pyproject.toml``): they may not import them. So each app that keeps records about a
person *registers a section* here when it starts (``AppConfig.ready``), as the visas app
registers its bill handlers with payments::

    from musaned.accounts import personal_data
    personal_data.register("visa_applications", selectors.applications_in_personal_data)

A reader takes the person and returns JSON-ready data (a list of dicts, or a dict: dates
and times as ISO strings, amounts as strings). It reads through a query scoped to that
person, in a fixed number of queries however many records they have, and gives only what
the person may already see on their own pages (never another person's data).
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from musaned.accounts.models import User

Reader = Callable[[User], list[dict[str, Any]] | dict[str, Any]]

# The download's own sections (``selectors.personal_data_export``): no app may take them.
RESERVED = frozenset({"account", "activity"})

_readers: dict[str, Reader] = {}


def register(section: str, reader: Reader) -> None:
    """Register (or replace) the reader of one section, e.g. ``"visa_applications"``."""
    if section in RESERVED:
        raise ImproperlyConfigured(f"{section!r} is the download's own section.")
    _readers[section] = reader


def unregister(section: str) -> None:
    _readers.pop(section, None)


def sections() -> list[tuple[str, Reader]]:
    """The registered sections in a stable order (by name), whatever order the apps
    started in."""
    return sorted(_readers.items())


def iso(value: dt.date | dt.datetime | None) -> str | None:
    """A date or a time as the download writes it (ISO 8601), or ``None``."""
    return value.isoformat() if value is not None else None


def amount(value: Decimal | None) -> str | None:
    """An amount as the download writes it (``"11500.00"``: a string, never a float)."""
    return str(value) if value is not None else None
