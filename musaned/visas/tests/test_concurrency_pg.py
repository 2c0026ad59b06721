"""Limits and payments under real concurrency, on PostgreSQL with threads
(SQLite ignores ``select_for_update``; CI runs this file on PostgreSQL)."""

import json
import threading
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

from musaned.core.errors import ApplicationError
from musaned.core.models import AuditEvent
from musaned.payments.models import Bill, PaymentEvent
from musaned.payments.selectors import bill_for
from musaned.payments.services import bill_payment_callback
from musaned.payments.signatures import sign
from musaned.visas import services
from musaned.visas.models import ArrivalPoint, Nationality, Occupation, VisaApplication, VisaState
from musaned.visas.tests.conftest import complete_draft

THREADS = 10
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")


def race(functions) -> tuple[list, list]:
    """Run each function in its own thread, all released at once; (results, errors)."""
    barrier = threading.Barrier(len(functions))
    results, errors = [], []

    def run(function):
        try:
            barrier.wait()
            results.append(function())
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def test_ten_parallel_submissions_against_a_limit_of_one_make_exactly_one_bill(citizen):
    # Two active visas already: a citizen's third (and last) one is all that is left.
    for n in range(2):
        VisaApplication.objects.create(
            owner=citizen,
            reference=f"77777777{n}0",
            state=VisaState.ISSUED,
            visa_number=f"97777777{n}0",
            issued_number=f"47777777{n}0",
            occupation=Occupation.objects.get(code="cook"),
            nationality=Nationality.objects.get(code="IND"),
            arrival_point=ArrivalPoint.objects.get(code="JED"),
        )
    drafts = [
        complete_draft(citizen, monthly_salary=Decimal("30000"), bank_balance=None)
        for _ in range(THREADS)
    ]
    results, errors = race(
        [
            (lambda d=d: services.visa_application_submit(application=d, actor=citizen))
            for d in drafts
        ]
    )
    assert len(results) == 1, errors
    assert len(errors) == THREADS - 1
    assert all(isinstance(e, ApplicationError) for e in errors)
    assert Bill.objects.count() == 1
    states = sorted(
        VisaApplication.objects.filter(pk__in=[d.pk for d in drafts]).values_list(
            "state", flat=True
        )
    )
    assert states == [VisaState.AWAITING_PAYMENT] + [VisaState.DRAFT] * (THREADS - 1)


def test_ten_concurrent_copies_of_one_payment_callback_give_one_payment_and_one_visa(citizen):
    application = services.visa_application_submit(
        application=complete_draft(citizen), actor=citizen
    )
    bill = bill_for(application)
    body = json.dumps(
        {
            "event_id": "EVT-VISA-RACE",
            "bill_number": bill.number,
            "amount": str(bill.amount),
            "kind": "payment",
            "paid_at": "2026-11-25T10:00:00Z",
        }
    ).encode()
    stamp = str(int(time.time()))
    signature = sign(settings.PAYMENT_WEBHOOK_SECRET, stamp, body)
    results, errors = race(
        [
            (lambda: bill_payment_callback(raw_body=body, timestamp=stamp, signature=signature))
            for _ in range(THREADS)
        ]
    )
    assert errors == []
    assert len(results) == THREADS
    assert PaymentEvent.objects.filter(bill=bill).count() == 1
    application.refresh_from_db()
    assert application.state == VisaState.ISSUED
    assert VisaApplication.objects.exclude(visa_number=None).filter(pk=application.pk).count() == 1
    assert (
        AuditEvent.objects.filter(action="visa.issue", target_id=str(application.pk)).count() == 1
    )
