"""The expiry job and refunds through the gateway port."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.management import call_command

from musaned.core.models import AuditEvent
from musaned.payments import services
from musaned.payments.models import BillState, PaymentEvent
from musaned.payments.services import PaymentError
from musaned.payments.tests import fakes
from musaned.payments.tests.fakes import callback_for


def test_bills_expire_expires_due_bills_once_and_calls_on_expired_once(make_bill, recorder):
    due = make_bill(due_in=timedelta(hours=1))
    later = make_bill(due_in=timedelta(days=2))
    paid = make_bill(due_in=timedelta(hours=1))
    services.bill_payment_callback(**callback_for(paid))
    now = due.due_at + timedelta(minutes=1)

    assert services.bills_expire(now=now) == 1
    assert services.bills_expire(now=now) == 0

    due.refresh_from_db()
    later.refresh_from_db()
    paid.refresh_from_db()
    assert (due.state, later.state, paid.state) == ("expired", "unpaid", "paid")
    assert recorder.expired == [due.pk]
    audit = AuditEvent.objects.get(action="bill.expired")
    assert audit.target_id == str(due.pk)


def test_a_failing_on_expired_keeps_the_bill_unpaid_for_the_next_run(make_bill, recorder):
    first, second = make_bill(due_in=timedelta(hours=1)), make_bill(due_in=timedelta(hours=1))
    recorder.fail_on_expired = RuntimeError("visa app is down")
    now = first.due_at + timedelta(hours=1)
    assert services.bills_expire(now=now) == 0
    first.refresh_from_db()
    assert first.state == BillState.UNPAID
    assert not AuditEvent.objects.filter(action="bill.expired").exists()
    recorder.fail_on_expired = None
    assert services.bills_expire(now=now) == 2
    assert sorted(recorder.expired) == sorted([first.pk, second.pk])


def test_the_expire_bills_command(make_bill, recorder):
    bill = make_bill(due_in=timedelta(minutes=5))
    out = StringIO()
    with time_machine.travel(bill.due_at + timedelta(minutes=1)):
        call_command("expire_bills", stdout=out)
        call_command("expire_bills", stdout=out)
    assert out.getvalue().splitlines() == ["Expired 1 bill(s).", "Expired 0 bill(s)."]
    bill.refresh_from_db()
    assert bill.state == BillState.EXPIRED
    assert recorder.expired == [bill.pk]


@pytest.fixture
def recording_gateway(settings):
    settings.PAYMENT_GATEWAY_BACKEND = "musaned.payments.tests.fakes.RecordingGateway"


@pytest.fixture
def paid_bill(recording_gateway, bill):
    services.bill_payment_callback(**callback_for(bill))
    bill.refresh_from_db()
    return bill


def test_refund_goes_through_the_port_and_is_audited(paid_bill, make_user):
    staff = make_user(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="refund_bill"))
    refunded = services.bill_refund(bill=paid_bill, actor=staff, reason="Visa declined")
    assert refunded.state == BillState.REFUNDED
    assert refunded.refunded_at is not None
    assert fakes.calls[-1] == ("refund", paid_bill.number)
    event = PaymentEvent.objects.get(kind="refund")
    assert (event.provider_event_id, event.amount) == (
        f"REC-REFUND-{paid_bill.number}",
        paid_bill.amount,
    )
    audit = AuditEvent.objects.get(action="bill.refunded")
    assert audit.actor == staff
    assert audit.data["reason"] == "Visa declined"
    assert (audit.data["old_state"], audit.data["new_state"]) == ("paid", "refunded")


def test_only_a_paid_bill_can_be_refunded(recording_gateway, bill, make_user):
    with pytest.raises(PaymentError) as caught:
        services.bill_refund(bill=bill, actor=make_user(), reason="x")
    assert (caught.value.code, caught.value.status) == ("not_paid", 409)
    assert ("refund", bill.number) not in fakes.calls
    bill.refresh_from_db()
    assert bill.state == BillState.UNPAID


def test_a_bill_is_refunded_once(paid_bill, make_user):
    services.bill_refund(bill=paid_bill, actor=None, reason="Cancelled")
    with pytest.raises(PaymentError) as caught:
        services.bill_refund(bill=paid_bill, actor=None, reason="Cancelled again")
    assert caught.value.code == "not_paid"
    assert fakes.calls.count(("refund", paid_bill.number)) == 1
    assert PaymentEvent.objects.filter(kind="refund").count() == 1


def test_a_refund_needs_a_reason(paid_bill):
    with pytest.raises(PaymentError) as caught:
        services.bill_refund(bill=paid_bill, actor=None, reason="  ")
    assert caught.value.code == "reason_required"


def test_a_refund_the_gateway_refuses_changes_nothing(settings, paid_bill):
    settings.PAYMENT_GATEWAY_BACKEND = "musaned.payments.tests.fakes.DownGateway"
    with pytest.raises(PaymentError) as caught:
        services.bill_refund(bill=paid_bill, actor=None, reason="Cancelled")
    assert caught.value.code == "gateway_unavailable"
    paid_bill.refresh_from_db()
    assert paid_bill.state == BillState.PAID
    assert not PaymentEvent.objects.filter(kind="refund").exists()
    assert not AuditEvent.objects.filter(action="bill.refunded").exists()


def test_only_the_owner_the_platform_or_a_refunder_may_refund(paid_bill, make_user):
    from musaned.core.errors import InvalidTransition

    for someone in (make_user(), make_user(is_staff=True)):  # a stranger, staff without it
        with pytest.raises(InvalidTransition) as refused:
            services.bill_refund(bill=paid_bill, actor=someone, reason="Not theirs")
        assert refused.value.status == 409
    assert ("refund", paid_bill.number) not in fakes.calls
    paid_bill.refresh_from_db()
    assert paid_bill.state == BillState.PAID
    refunded = services.bill_refund(bill=paid_bill, actor=paid_bill.owner, reason="Cancelled")
    assert refunded.state == BillState.REFUNDED
    assert AuditEvent.objects.get(action="bill.refunded").actor == paid_bill.owner
