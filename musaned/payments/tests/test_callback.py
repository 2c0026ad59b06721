"""The provider's payment callback: signature, freshness, replay, conflicts, atomicity."""

import json
import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from musaned.core.models import AuditEvent
from musaned.payments import services
from musaned.payments.models import BillState, PaymentEvent
from musaned.payments.services import PaymentError
from musaned.payments.tests.conftest import assert_unchanged
from musaned.payments.tests.fakes import callback_for, signed


def rejection(code: str) -> AuditEvent:
    return AuditEvent.objects.get(action="bill.callback_rejected", data__reason=code)


def test_a_signed_callback_pays_the_bill_and_calls_on_paid_once(bill, recorder):
    paid_at = timezone.now().replace(microsecond=0)
    result = services.bill_payment_callback_apply(**callback_for(bill, paid_at=paid_at))
    assert result.applied
    bill.refresh_from_db()
    assert bill.state == BillState.PAID
    assert bill.paid_at == paid_at
    assert recorder.paid == [bill.pk]
    event = PaymentEvent.objects.get()
    assert (event.bill, event.kind, event.amount) == (bill, "payment", bill.amount)
    assert event.payload["event_id"] == "EVT-0001"
    audit = AuditEvent.objects.get(action="bill.paid")
    assert audit.target_id == str(bill.pk)
    assert audit.data["old_state"] == "unpaid" and audit.data["new_state"] == "paid"


def test_the_contract_function_returns_the_bill(bill):
    paid = services.bill_payment_callback(**callback_for(bill))
    assert paid.pk == bill.pk and paid.state == BillState.PAID


def test_a_replayed_callback_changes_nothing_twice(bill, recorder):
    kwargs = callback_for(bill)
    assert services.bill_payment_callback_apply(**kwargs).applied
    again = services.bill_payment_callback_apply(**kwargs)
    assert not again.applied
    assert again.bill.state == BillState.PAID
    assert PaymentEvent.objects.count() == 1
    assert recorder.paid == [bill.pk]
    assert AuditEvent.objects.filter(action="bill.paid").count() == 1


def test_a_second_payment_event_for_a_paid_bill_is_a_conflict(bill, recorder):
    services.bill_payment_callback(**callback_for(bill, event_id="EVT-A"))
    with pytest.raises(PaymentError) as caught:
        services.bill_payment_callback(**callback_for(bill, event_id="EVT-B"))
    assert (caught.value.code, caught.value.status) == ("already_paid", 409)
    assert PaymentEvent.objects.count() == 1
    assert recorder.paid == [bill.pk]


def test_an_event_id_reused_for_another_bill_is_a_conflict(make_bill, recorder):
    first, second = make_bill(), make_bill()
    services.bill_payment_callback(**callback_for(first, event_id="EVT-X"))
    with pytest.raises(PaymentError) as caught:
        services.bill_payment_callback(**callback_for(second, event_id="EVT-X"))
    assert caught.value.code == "event_conflict"
    second.refresh_from_db()
    assert second.state == BillState.UNPAID
    assert not PaymentEvent.objects.filter(bill=second).exists()
    assert recorder.paid == [first.pk]


@pytest.mark.parametrize(
    ("change", "code", "status"),
    [
        (lambda bill: callback_for(bill, secret="not-the-secret"), "bad_signature", 401),
        (
            lambda bill: {**callback_for(bill), "signature": "0" * 64},
            "bad_signature",
            401,
        ),
        (lambda bill: {**callback_for(bill), "signature": ""}, "bad_signature", 401),
        (lambda bill: {**callback_for(bill), "signature": "ä" * 64}, "bad_signature", 401),
        (
            lambda bill: callback_for(bill, timestamp=int(time.time()) - 301),
            "stale_timestamp",
            401,
        ),
        (
            lambda bill: callback_for(bill, timestamp=int(time.time()) + 301),
            "stale_timestamp",
            401,
        ),
        (lambda bill: callback_for(bill, amount="1999.99"), "amount_mismatch", 409),
        (lambda bill: callback_for(bill, amount="20000.00"), "amount_mismatch", 409),
        (lambda bill: callback_for(bill, kind="refund"), "unsupported_kind", 400),
    ],
    ids=[
        "wrong-secret",
        "forged-signature",
        "no-signature",
        "non-ascii-signature",
        "old-timestamp",
        "future-timestamp",
        "less-money",
        "more-money",
        "wrong-kind",
    ],
)
def test_a_bad_callback_is_rejected_changes_nothing_and_is_audited(
    settings, bill, recorder, change, code, status
):
    kwargs = change(bill)
    with pytest.raises(PaymentError) as caught:
        services.bill_payment_callback(**kwargs)
    assert (caught.value.code, caught.value.status) == (code, status)
    assert_unchanged(bill, recorder)
    audit = rejection(code)
    assert audit.target_id == str(bill.pk)
    assert audit.data["bill_number"] == bill.number
    recorded = json.dumps(audit.data)
    assert not kwargs["signature"] or kwargs["signature"] not in recorded
    assert settings.PAYMENT_WEBHOOK_SECRET not in recorded


def test_a_timestamp_at_the_edge_of_the_window_is_accepted(bill):
    services.bill_payment_callback(**callback_for(bill, timestamp=int(time.time()) - 290))
    bill.refresh_from_db()
    assert bill.state == BillState.PAID


def test_the_signature_covers_the_timestamp(bill, recorder):
    kwargs = callback_for(bill)
    kwargs["timestamp"] = str(int(kwargs["timestamp"]) - 1)
    with pytest.raises(PaymentError) as caught:
        services.bill_payment_callback(**kwargs)
    assert caught.value.code == "bad_signature"
    assert_unchanged(bill, recorder)


def test_the_signature_covers_the_raw_body(bill, recorder):
    kwargs = callback_for(bill)
    # The same JSON re-serialised with other spacing is not what was signed.
    kwargs["raw_body"] = json.dumps(json.loads(kwargs["raw_body"]), indent=1).encode()
    with pytest.raises(PaymentError) as caught:
        services.bill_payment_callback(**kwargs)
    assert caught.value.code == "bad_signature"
    assert_unchanged(bill, recorder)


def test_an_empty_secret_accepts_nothing(settings, bill, recorder):
    settings.PAYMENT_WEBHOOK_SECRET = ""
    with pytest.raises(PaymentError) as caught:
        services.bill_payment_callback(**callback_for(bill, secret=""))
    assert caught.value.code == "bad_signature"
    assert_unchanged(bill, recorder)


def test_an_unknown_bill_is_rejected(bill, recorder):
    kwargs = callback_for(bill)
    raw = kwargs["raw_body"].replace(bill.number.encode(), b"123456789015")
    with pytest.raises(PaymentError) as caught:
        services.bill_payment_callback(**signed(raw, timestamp=kwargs["timestamp"]))
    assert (caught.value.code, caught.value.status) == ("unknown_bill", 404)
    assert_unchanged(bill, recorder)
    audit = rejection("unknown_bill")
    assert (audit.target_id, audit.data["bill_number"]) == ("", "123456789015")


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"kind": "payment"}',
        b'{"event_id": "E1", "bill_number": "12", "amount": "1", "kind": "payment", '
        b'"paid_at": "2026-01-01T00:00:00+00:00"}',
        b'{"event_id": "E1", "bill_number": "123456789015", "amount": "1", "kind": "payment", '
        b'"paid_at": "yesterday"}',
        b'{"event_id": "E1", "bill_number": "123456789015", "amount": "1", "kind": "payment", '
        b'"paid_at": "2026-01-01T00:00:00"}',
        b'{"event_id": "E1", "bill_number": "123456789015", "amount": "NaN", "kind": "payment", '
        b'"paid_at": "2026-01-01T00:00:00+00:00"}',
        "\xff".encode("latin-1"),
    ],
)
def test_a_malformed_body_is_rejected(db, body):
    with pytest.raises(PaymentError) as caught:
        services.bill_payment_callback(**signed(body))
    assert (caught.value.code, caught.value.status) == ("malformed", 400)
    assert not PaymentEvent.objects.exists()
    assert AuditEvent.objects.filter(action="bill.callback_rejected").count() == 1


def test_an_expired_bill_is_not_paid(bill, recorder):
    services.bills_expire(now=bill.due_at + timedelta(minutes=1))
    recorder.expired.clear()
    with pytest.raises(PaymentError) as caught:
        services.bill_payment_callback(**callback_for(bill))
    assert (caught.value.code, caught.value.status) == ("bill_expired", 409)
    bill.refresh_from_db()
    assert bill.state == BillState.EXPIRED and bill.paid_at is None
    assert not PaymentEvent.objects.exists()
    assert recorder.paid == []
    assert rejection("bill_expired").target_id == str(bill.pk)


def test_a_payment_made_after_the_due_time_is_not_accepted(bill, recorder):
    # The expiry job has not run yet, but the provider says it took the money too late.
    with (
        time_machine.travel(bill.due_at + timedelta(minutes=2), tick=False),
        pytest.raises(PaymentError) as caught,
    ):
        services.bill_payment_callback(**callback_for(bill))
    assert caught.value.code == "bill_expired"
    assert_unchanged(bill, recorder)


def test_a_payment_made_in_time_and_reported_late_is_accepted(bill, recorder):
    paid_at = bill.due_at - timedelta(minutes=1)
    with time_machine.travel(bill.due_at + timedelta(minutes=2), tick=False):
        services.bill_payment_callback(**callback_for(bill, paid_at=paid_at))
    bill.refresh_from_db()
    assert bill.state == BillState.PAID
    assert recorder.paid == [bill.pk]


def test_when_on_paid_fails_nothing_is_kept(bill, recorder):
    recorder.fail_on_paid = RuntimeError("the visa could not be updated")
    kwargs = callback_for(bill)
    with pytest.raises(RuntimeError):
        services.bill_payment_callback(**kwargs)
    assert_unchanged(bill, recorder)
    assert not AuditEvent.objects.filter(action="bill.paid").exists()
    # The provider retries the same event, and this time it goes through.
    recorder.fail_on_paid = None
    assert services.bill_payment_callback_apply(**kwargs).applied
    assert recorder.paid == [bill.pk]
    assert PaymentEvent.objects.count() == 1
