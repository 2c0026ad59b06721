"""Reads of bills.

Bills are owner-scoped data: a page that shows a bill to a signed-in person
gets it through the subject it belongs to (which the subject's app has already
fetched through its own actor-scoped selector), never by id alone.
"""

from django.db import models

from musaned.payments.handlers import subject_type_of
from musaned.payments.models import Bill


def bill_for(subject: models.Model) -> Bill | None:
    """The newest bill of a subject (e.g. a visa application), or None."""
    return (
        Bill.objects.filter(subject_type=subject_type_of(subject), subject_id=str(subject.pk))
        .order_by("-created_at", "-id")
        .first()
    )


def bill_by_number(number: str) -> Bill | None:
    """The provider's view of a bill, by its number alone (the simulator's pages also ask
    for the bill's key, ``simulator.bill_key``, before they show or pay it)."""
    return Bill.objects.filter(number=number).first()
