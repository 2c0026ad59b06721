"""Parallel submissions against the visa limit and duplicate payment callbacks, with real
threads on PostgreSQL (SQLite ignores ``select_for_update``, so these tests skip there)."""

from decimal import Decimal

import pytest
from django.conf import settings

from musaned.core.errors import InvalidTransition
from musaned.core.models import AuditEvent
from musaned.core.tests.threads import race
from musaned.payments.models import Bill, BillState, PaymentEvent
from musaned.payments.selectors import bill_for
from musaned.payments.services import bill_payment_callback
from musaned.payments.tests.fakes import callback_for
from musaned.visas import services
from musaned.visas.models import ArrivalPoint, Nationality, Occupation, VisaApplication, VisaState
from musaned.visas.services import VisaError, VisaErrorCode
from musaned.visas.tests.factories import complete_draft

THREADS = 10

pytestmark = pytest.mark.usefixtures("postgresql")


def give_active_visas(owner, count: int) -> None:
    for n in range(count):
        VisaApplication.objects.create(
            owner=owner,
            reference=f"88888888{n}0",
            state=VisaState.ISSUED,
            visa_number=f"98888888{n}0",
            issued_number=f"48888888{n}0",
            occupation=Occupation.objects.get(code="cook"),
            nationality=Nationality.objects.get(code="IND"),
            worker_gender="M",
            arrival_point=ArrivalPoint.objects.get(code="JED"),
        )


@pytest.mark.django_db(transaction=True)
def test_ten_parallel_submissions_with_room_for_one_more_visa_make_exactly_one_bill(
    citizen, settings
):
    settings.MUSANED_MAX_DRAFTS_PER_ACCOUNT = THREADS  # ten drafts at once, for the race
    # A citizen may hold three active visas; with two already, only one more fits.
    give_active_visas(citizen, 2)
    # 200,000 SAR meets the third visa's tier: each draft alone would be accepted.
    drafts = [complete_draft(citizen, bank_balance=Decimal("200000")) for _ in range(THREADS)]

    results, errors = race(
        [
            (lambda draft=draft: services.visa_application_submit(application=draft, actor=citizen))
            for draft in drafts
        ]
    )

    assert len(results) == 1, errors
    assert results[0].state == VisaState.AWAITING_PAYMENT
    assert len(errors) == THREADS - 1
    for error in errors:
        assert isinstance(error, VisaError | InvalidTransition), repr(error)
        if isinstance(error, VisaError):
            assert error.code == VisaErrorCode.RULE_FAILED
    assert Bill.objects.count() == 1
    assert Bill.objects.get().subject_id == str(results[0].pk)
    states = VisaApplication.objects.filter(pk__in=[d.pk for d in drafts]).values_list(
        "state", flat=True
    )
    assert sorted(states) == [VisaState.AWAITING_PAYMENT] + [VisaState.DRAFT] * (THREADS - 1)
    assert VisaApplication.objects.filter(owner=citizen, state=VisaState.ISSUED).count() == 2


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_copies_of_one_payment_callback_give_one_payment_and_one_visa(citizen):
    application = services.visa_application_submit(
        application=complete_draft(citizen), actor=citizen
    )
    bill = bill_for(application)
    signed = callback_for(bill, event_id="EVT-VISA-COPIES", paid_at="2026-11-25T10:00:00Z")

    results, errors = race([(lambda: bill_payment_callback(**signed)) for _ in range(THREADS)])

    assert errors == []
    assert len(results) == THREADS  # every copy is answered (a copy is not an error)
    assert all(result.pk == bill.pk for result in results)
    assert PaymentEvent.objects.filter(bill=bill).count() == 1
    bill.refresh_from_db()
    assert bill.state == BillState.PAID
    application.refresh_from_db()
    assert application.state == VisaState.ISSUED
    assert application.visa_number and application.issued_number
    assert VisaApplication.objects.exclude(visa_number=None).count() == 1
    issue_events = AuditEvent.objects.filter(action="visa.issue", target_id=str(application.pk))
    assert issue_events.count() == 1
    assert AuditEvent.objects.filter(action="visa.pay", target_id=str(application.pk)).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_parallel_rechecks_with_room_for_one_more_visa_issue_exactly_one(citizen, settings):
    """Issue 10: a re-check locks the owner's row as submit does (the capacity rule counts
    the other active visas, which a parallel re-check is about to add)."""
    import datetime as dt

    from django.utils import timezone

    from musaned.visas.selectors import rule_set_in_effect

    give_active_visas(citizen, 2)
    rejected = []
    for n in range(2):
        draft = complete_draft(citizen, bank_balance=Decimal("200000"))
        VisaApplication.objects.filter(pk=draft.pk).update(
            state=VisaState.REJECTED,
            fee=Decimal("2000"),
            rule_set=rule_set_in_effect(timezone.localdate()),
            fix_by=timezone.localdate() + dt.timedelta(days=4),
            reference=f"77777777{n}0",
        )
        rejected.append(VisaApplication.objects.get(pk=draft.pk))

    results, errors = race(
        [
            (lambda a=a: services.visa_application_recheck(application=a, actor=citizen))
            for a in rejected
        ]
    )

    assert errors == []
    states = sorted(r.state for r in results)
    assert states == [VisaState.ISSUED, VisaState.REJECTED]
    assert VisaApplication.objects.filter(owner=citizen, state=VisaState.ISSUED).count() == 3


@pytest.mark.django_db(transaction=True)
def test_ten_parallel_draft_creations_against_a_cap_of_five_make_five(citizen):
    """Issue 10: the draft cap is counted under the owner's row lock."""
    from musaned.visas.services import VisaLimitReached

    results, errors = race(
        [(lambda: services.visa_application_create(owner=citizen)) for _ in range(THREADS)]
    )

    assert len(results) == settings.MUSANED_MAX_DRAFTS_PER_ACCOUNT == 5
    assert len(errors) == 5 and all(isinstance(e, VisaLimitReached) for e in errors), errors
    assert VisaApplication.objects.filter(owner=citizen, state=VisaState.DRAFT).count() == 5


@pytest.mark.django_db(transaction=True)
def test_a_payment_and_the_expiry_job_racing_on_one_bill_end_one_way_without_deadlock(citizen):
    """Both lock the application before the bill (core/locks.py): one of them wins, the
    other sees what it did, and the bill and the request agree."""
    import datetime as dt

    from musaned.payments.services import bills_expire

    application = services.visa_application_submit(
        application=complete_draft(citizen), actor=citizen
    )
    bill = bill_for(application)
    paid_in_time = (bill.due_at - dt.timedelta(minutes=1)).isoformat()
    signed = callback_for(bill, event_id="EVT-RACE-EXPIRY", paid_at=paid_in_time)

    results, errors = race(
        [
            lambda: bill_payment_callback(**signed),
            lambda: bills_expire(now=bill.due_at + dt.timedelta(seconds=1)),
        ]
    )

    bill.refresh_from_db()
    application.refresh_from_db()
    if bill.state == BillState.PAID:
        assert errors == [] and 0 in results  # the job passed over the held rows
        assert application.state == VisaState.ISSUED
    else:
        assert bill.state == BillState.EXPIRED
        assert [getattr(e, "code", repr(e)) for e in errors] == ["bill_expired"]
        assert application.state == VisaState.DRAFT
        assert not PaymentEvent.objects.filter(bill=bill).exists()
