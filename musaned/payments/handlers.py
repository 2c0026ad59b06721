"""What a paid or expired bill means to the app that asked for it.

An app that bills for something registers its subject type once, usually in
its ``AppConfig.ready()``::

    handlers.register(
        "visas.visaapplication",
        on_paid=lambda bill: ...,        # inside the callback's transaction
        return_url=lambda bill: "...",   # where the provider sends the payer back
        on_expired=lambda bill: ...,     # inside the expiry transaction
    )

``on_paid`` runs after the bill is marked paid, in the same transaction: if it
raises, the payment is rolled back and the provider is answered 500, so it
retries. ``on_expired`` works the same way for the expiry job. Both find the
subject's row already locked: the payments app locks it before the bill
(``subject_row``; the order in ``musaned/core/locks.py``).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@dataclass(frozen=True)
class SubjectHandler:
    subject_type: str
    on_paid: Callable
    return_url: Callable
    on_expired: Callable | None = None


_handlers: dict[str, SubjectHandler] = {}


def subject_type_of(subject: models.Model) -> str:
    return subject._meta.label_lower


def register(subject_type: str, *, on_paid, return_url, on_expired=None) -> None:
    """Register (or replace) the handler of one subject type, e.g. ``"visas.visaapplication"``."""
    subject_type = subject_type.lower()
    _handlers[subject_type] = SubjectHandler(
        subject_type=subject_type, on_paid=on_paid, return_url=return_url, on_expired=on_expired
    )


def unregister(subject_type: str) -> None:
    _handlers.pop(subject_type.lower(), None)


def is_registered(subject_type: str) -> bool:
    return subject_type.lower() in _handlers


def handler_for(subject_type: str) -> SubjectHandler:
    try:
        return _handlers[subject_type.lower()]
    except KeyError:
        raise ImproperlyConfigured(
            f"No payment handler is registered for {subject_type!r}; "
            "call musaned.payments.handlers.register() in the app's ready()."
        ) from None


def subject_row(bill) -> models.Model:
    """A stand-in for the row a bill pays for (its model and primary key; nothing is read),
    for ``core.locks`` to lock before the bill: the subject's handler moves the subject
    inside the bill's transaction, so the subject comes first (core/locks.py)."""
    model = apps.get_model(bill.subject_type)
    return model(pk=model._meta.pk.to_python(bill.subject_id))
