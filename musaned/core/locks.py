"""The only place rows are locked (``SELECT … FOR UPDATE``).

Two transactions that lock the same rows in different orders can deadlock, so every
lock is taken here, in one order, from the widest record to the narrowest:

1. ``accounts.user`` — the person (limits that count a person's records lock them first)
2. ``offices.office`` — a recruitment office
3. ``visas.visaapplication`` — a visa request (a visa decision then moves the recruitment
   request that waits for it)
4. ``recruitment.recruitmentrequest`` — a recruitment request
5. ``recruitment.requestoffice`` — the request as one office received it
6. ``recruitment.offer`` — an office's offer (after its request: accepting one withdraws
   the others)
7. ``accounts.onetimecode`` — a one-time code (before the contract it signs: the
   signature is written once the code matched, in the code's transaction)
8. ``recruitment.contract`` — a recruitment contract (after its request and offer, which
   its cancellation moves too)
9. ``payments.bill`` — a bill (after what it pays for: the subject's handler runs inside)
10. ``complaints.complaint`` — a complaint
11. ``notifications.notification`` — an outbox row

A service that needs several rows asks for them together (``lock_all``), or one after
another in this order. Locks last until the outermost transaction ends; SQLite has no
row locks (it locks the whole database for writing, ``transaction_mode=IMMEDIATE``),
so there these are plain reads.
"""

from collections.abc import Iterable
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.db import models

M = TypeVar("M", bound=models.Model)

ORDER: tuple[str, ...] = (
    "accounts.user",
    "offices.office",
    "visas.visaapplication",
    "recruitment.recruitmentrequest",
    "recruitment.requestoffice",
    "recruitment.offer",
    "accounts.onetimecode",
    "recruitment.contract",
    "payments.bill",
    "complaints.complaint",
    "notifications.notification",
)


def rank(model: type[models.Model]) -> int:
    """Where a model's rows come in the lock order (unknown models last, by name)."""
    label = model._meta.label_lower
    return ORDER.index(label) if label in ORDER else len(ORDER)


def lock(obj: M) -> M:
    """The row of ``obj`` read again under a lock: the caller works on the fresh copy."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def lock_pk(model: type[M], pk: object) -> M:
    """The row with primary key ``pk``, locked; ``model.DoesNotExist`` when it is gone."""
    return model._default_manager.select_for_update().get(pk=pk)


def lock_where(queryset: models.QuerySet[M], *, skip_locked: bool = False) -> M | None:
    """The first row of ``queryset`` (ordered by primary key), locked, or ``None``.

    ``skip_locked``: a row another transaction holds is passed over instead of waited
    for (jobs that will see it again on their next run).
    """
    return queryset.select_for_update(skip_locked=skip_locked).order_by("pk").first()


def lock_all(objs: Iterable[models.Model]) -> list[models.Model]:
    """Lock several rows in the documented order; returns fresh copies in that order."""
    unique = {(type(obj), obj.pk): obj for obj in objs if obj is not None and obj.pk}
    ordered = sorted(unique.values(), key=lambda obj: (rank(type(obj)), str(obj.pk)))
    return [lock(obj) for obj in ordered]


def person_row(user_id: int | str) -> models.Model:
    """The person's row (``accounts.user``, first in the order) as ``lock_all`` and a
    workflow row's ``lock_first`` take it: a stand-in holding the primary key, nothing
    read until it is locked. A limit that counts a person's records locks it first
    (``lock_all([person_row(owner.pk)])``), so two requests of one person wait for each
    other instead of passing the limit together."""
    return get_user_model()(pk=user_id)
