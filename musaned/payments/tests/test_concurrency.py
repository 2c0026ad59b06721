"""Duplicate callbacks racing each other, on PostgreSQL with real threads (SQLite ignores
``select_for_update``)."""

import pytest

from musaned.core.tests import threads
from musaned.payments import services
from musaned.payments.models import BillState, PaymentEvent
from musaned.payments.tests.fakes import callback_for

THREADS = 10


def race(calls: list[dict]) -> tuple[list, list]:
    """One callback per thread, all released at once. Returns (applied?, errors)."""
    return threads.race(
        [
            (lambda kwargs=kwargs: services.bill_payment_callback_apply(**kwargs).applied)
            for kwargs in calls
        ]
    )


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_copies_of_one_callback_apply_once(postgresql, bill, recorder):
    recorder.delay = 0.05  # hold the lock a while so the copies really wait on it
    kwargs = callback_for(bill, event_id="EVT-RACE")
    results, errors = race([kwargs] * THREADS)
    assert errors == []
    assert sorted(results) == [False] * (THREADS - 1) + [True]
    assert PaymentEvent.objects.filter(bill=bill).count() == 1
    assert recorder.paid == [bill.pk]
    bill.refresh_from_db()
    assert bill.state == BillState.PAID


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_payments_of_one_bill_apply_once(postgresql, bill, recorder):
    calls = [callback_for(bill, event_id=f"EVT-{n}") for n in range(THREADS)]
    results, errors = race(calls)
    assert results == [True]
    assert [e.code for e in errors] == ["already_paid"] * (THREADS - 1)
    assert PaymentEvent.objects.filter(bill=bill).count() == 1
    assert recorder.paid == [bill.pk]
