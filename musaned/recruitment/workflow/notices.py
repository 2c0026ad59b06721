"""What the recruitment workflows' notices are made of: dates in both calendars, amounts,
names in the reader's language, and who an office is (its people). A notice is written in
its recipient's language (``core/workflow.py``'s ``Formatted``): the values are objects
whose ``str()`` is read then."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from musaned.accounts.models import User
from musaned.core.workflow import Effect, Formatted, Step, Text
from musaned.notifications.services import notify
from musaned.offices.ceilings import amount_text
from musaned.offices.models import Office
from musaned.offices.workflow import Bilingual, Dual, members_of

__all__ = ["Bilingual", "Dual", "Money", "When", "office_people", "tell_office"]


class Money:
    """An amount in SAR as people read it: ``10,752.50``."""

    def __init__(self, amount: Decimal | None):
        self.amount = amount or Decimal("0")

    def __str__(self) -> str:
        return amount_text(self.amount)


class When:
    """A moment, said as its Riyadh day in both calendars."""

    def __init__(self, moment: dt.datetime | dt.date | None):
        self.moment = moment

    def __str__(self) -> str:
        if self.moment is None:
            return ""
        day = (
            timezone.localdate(self.moment) if isinstance(self.moment, dt.datetime) else self.moment
        )
        return str(Dual(day))


def office_people(office: Office) -> list[User]:
    """Everyone who works for the office now (each receives the office's notices)."""
    return members_of(office)


def tell_office(
    body: Text,
    *,
    office: Callable[[Any], Office],
    values: Callable[[Step[Any]], dict[str, Any]],
    subject: Text,
) -> Effect:
    """An ``after_save`` effect: the office's people are told ``body`` (the row's own notice
    goes to the beneficiary)."""

    def tell_the_office(step: Step[Any]) -> None:
        filled = values(step)
        target = office(step.obj)
        for person in office_people(target):
            notify(
                user=person,
                subject=Formatted(subject, filled),
                body=Formatted(body, filled),
                key=f"{step.row.action}-{type(step.obj).__name__}-{step.obj.pk}-{person.pk}",
            )

    return tell_the_office


def to_people(office: Callable[[Any], Office]) -> Callable[[Any], Iterable[User]]:
    """A notice's ``to``: the people of the object's office."""

    def recipients(obj: Any) -> Iterable[User]:
        return office_people(office(obj))

    return recipients
