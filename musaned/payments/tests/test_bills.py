"""Creating bills: numbers, amounts, one open bill per subject, the gateway port."""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone

from musaned.core.models import AuditEvent
from musaned.identity.saudi_id import luhn_ok
from musaned.payments import selectors, services
from musaned.payments.gateway import LocalSadadGateway, get_gateway
from musaned.payments.models import Bill, BillState
from musaned.payments.services import PaymentError
from musaned.payments.tests import fakes


def test_bill_numbers_are_12_luhn_digits_unique_and_not_sequential(make_bill):
    numbers = [make_bill().number for _ in range(25)]
    assert all(len(n) == 12 and n.isascii() and n.isdigit() and n[0] != "0" for n in numbers)
    assert all(luhn_ok(n) for n in numbers)
    assert len(set(numbers)) == len(numbers)
    values = sorted(int(n) for n in numbers)
    # Random numbers: no two are neighbours (a counter would give steps of 1 to 10).
    assert min(b - a for a, b in itertools.pairwise(values)) > 10


def test_create_registers_with_the_gateway_and_audits(settings, make_user, recorder):
    settings.PAYMENT_GATEWAY_BACKEND = "musaned.payments.tests.fakes.RecordingGateway"
    user = make_user()
    bill = services.bill_create(
        owner=user,
        subject=user,
        amount=Decimal("150.5"),
        description="Visa fee",
        due_at=timezone.now() + timedelta(days=1),
    )
    bill.refresh_from_db()
    assert bill.state == BillState.UNPAID
    assert bill.amount == Decimal("150.50")
    assert (bill.subject_type, bill.subject_id) == ("accounts.user", str(user.pk))
    assert bill.provider_reference == f"REC-{bill.number}"
    assert fakes.calls == [("register_bill", bill.number)]
    event = AuditEvent.objects.get(action="bill.created")
    assert (event.actor, event.target_id) == (user, str(bill.pk))
    assert event.data["amount"] == "150.50"


@pytest.mark.urls("musaned.payments.tests.urls")
def test_the_local_gateway_is_the_default_and_links_to_the_simulator(bill):
    gateway = get_gateway()
    assert isinstance(gateway, LocalSadadGateway)
    assert bill.provider_reference == f"SIM-{bill.number}"
    assert gateway.payment_url(bill).startswith(f"/sadad/bills/{bill.number}/?key=")


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5"), Decimal("1.005"), 10.5, "abc"])
def test_a_bad_amount_is_refused(make_bill, amount):
    with pytest.raises(PaymentError) as caught:
        make_bill(amount=amount)
    assert caught.value.code == "invalid_amount"
    assert not Bill.objects.exists()


def test_a_due_date_in_the_past_is_refused(make_bill):
    with pytest.raises(PaymentError) as caught:
        make_bill(due_in=timedelta(seconds=-1))
    assert caught.value.code == "invalid_due_date"


def test_the_database_refuses_a_non_positive_amount(bill):
    with pytest.raises(IntegrityError), transaction.atomic():
        Bill.objects.filter(pk=bill.pk).update(amount=Decimal("0"))


def test_a_subject_has_one_open_bill(make_bill, make_user):
    subject = make_user()
    first = make_bill(subject=subject)
    with pytest.raises(PaymentError) as caught:
        make_bill(subject=subject)
    assert caught.value.code == "open_bill_exists"
    assert caught.value.status == 409
    assert list(Bill.objects.all()) == [first]


def test_the_database_refuses_a_second_open_bill(bill):
    clone = Bill(
        number="123456789015",
        owner=bill.owner,
        subject_type=bill.subject_type,
        subject_id=bill.subject_id,
        description="again",
        amount=bill.amount,
        due_at=bill.due_at,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


def test_an_expired_bill_can_be_issued_again(make_bill, make_user):
    subject = make_user()
    old = make_bill(subject=subject)
    services.bills_expire(now=old.due_at + timedelta(seconds=1))
    new = make_bill(subject=subject)
    assert new.number != old.number
    assert selectors.bill_for(subject) == new


def test_a_gateway_that_is_down_leaves_no_bill(settings, make_bill):
    settings.PAYMENT_GATEWAY_BACKEND = "musaned.payments.tests.fakes.DownGateway"
    with pytest.raises(PaymentError) as caught:
        make_bill()
    assert caught.value.code == "gateway_unavailable"
    assert not Bill.objects.exists()
    assert not AuditEvent.objects.filter(action="bill.created").exists()


def test_bill_create_runs_in_the_callers_transaction(make_bill):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_bill()
        raise RuntimeError("the caller fails after billing")
    assert not Bill.objects.exists()


def test_an_unregistered_subject_type_cannot_be_billed(make_user):
    user = make_user()
    with pytest.raises(ImproperlyConfigured):
        services.bill_create(
            owner=user,
            subject=user,
            amount=Decimal("1"),
            description="x",
            due_at=timezone.now() + timedelta(days=1),
        )


def test_bill_for_is_the_newest_bill_of_the_subject(make_bill, make_user):
    subject = make_user()
    assert selectors.bill_for(subject) is None
    bill = make_bill(subject=subject)
    make_bill()  # someone else's
    assert selectors.bill_for(subject) == bill
