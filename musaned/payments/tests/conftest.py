"""Fixtures for the payments tests: a subject type with a recording handler, and bills.
The provider's signed callbacks are made by ``fakes.py``."""

import time
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from musaned.accounts.tests.factories import UserFactory
from musaned.payments import handlers, services
from musaned.payments.models import Bill, BillState, PaymentEvent
from musaned.payments.tests import fakes

SUBJECT_TYPE = "accounts.user"
FEE = Decimal("2000.00")


@dataclass
class Recorder:
    """Stands in for the visas app: records what the payments app told it."""

    paid: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)
    fail_on_paid: Exception | None = None
    fail_on_expired: Exception | None = None
    delay: float = 0.0
    tell_owner: bool = False  # queue a notice first, as the visas app does

    def on_paid(self, bill: Bill) -> None:
        assert bill.state == BillState.PAID
        if self.delay:
            time.sleep(self.delay)
        self._tell(bill, "Paid")
        if self.fail_on_paid is not None:
            raise self.fail_on_paid
        self.paid.append(bill.pk)

    def on_expired(self, bill: Bill) -> None:
        assert bill.state == BillState.EXPIRED
        self._tell(bill, "Expired")
        if self.fail_on_expired is not None:
            raise self.fail_on_expired
        self.expired.append(bill.pk)

    def _tell(self, bill: Bill, what: str) -> None:
        if self.tell_owner:
            from musaned.notifications.services import notify

            notify(user=bill.owner, subject=what, body=f"Bill {bill.number}: {what}.")

    @staticmethod
    def return_url(bill: Bill) -> str:
        """In the active language, as the portal's ``reverse`` gives it (Arabic, the
        default, without a prefix)."""
        from django.conf import settings
        from django.utils import translation

        language = translation.get_language()
        prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
        return f"{prefix}/done/{bill.number}/"


@pytest.fixture
def recorder():
    recorder = Recorder()
    handlers.register(
        SUBJECT_TYPE,
        on_paid=recorder.on_paid,
        return_url=recorder.return_url,
        on_expired=recorder.on_expired,
    )
    fakes.calls.clear()
    yield recorder
    handlers.unregister(SUBJECT_TYPE)


@pytest.fixture
def make_user(db):
    """A new user (a payer, a stranger, staff): ``make_user(is_staff=True)``."""
    return UserFactory


@pytest.fixture
def make_bill(recorder, make_user):
    """A fresh unpaid bill for a new subject (a user who is also its owner)."""

    def make(*, amount=FEE, due_in=timedelta(days=3), subject=None) -> Bill:
        subject = subject or make_user()
        return services.bill_create(
            owner=subject,
            subject=subject,
            amount=amount,
            description="Domestic worker visa fee",
            due_at=timezone.now() + due_in,
        )

    return make


@pytest.fixture
def bill(make_bill) -> Bill:
    return make_bill()


def assert_unchanged(bill: Bill, recorder: Recorder) -> None:
    bill.refresh_from_db()
    assert bill.state == BillState.UNPAID
    assert bill.paid_at is None
    assert not PaymentEvent.objects.filter(bill=bill).exists()
    assert recorder.paid == []
