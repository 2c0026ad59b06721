"""The payment callback and JSON it cannot use: nested past the documented depth, or with a
NUL or a lone surrogate in a string (musaned/core/json_input.py). Signed or not, the
answer is the callback's own 400/401 and an audit row, never a 500. (PostgreSQL refuses
NUL in ``jsonb``: the rejection's audit row used to fail there.)"""

import json

import pytest
from django.test import Client

from musaned.core.json_input import MAX_DEPTH
from musaned.core.models import AuditEvent
from musaned.payments import services
from musaned.payments.models import PaymentEvent
from musaned.payments.tests import fakes
from musaned.payments.tests.conftest import assert_unchanged
from musaned.payments.tests.fakes import post_callback


def _post(raw_body: bytes, *, signed: bool):
    secret = None if signed else "not-the-secret"
    return post_callback(
        Client(raise_request_exception=False), fakes.signed(raw_body, secret=secret)
    )


def _reasons() -> list[str]:
    return list(
        AuditEvent.objects.filter(action="bill.callback_rejected").values_list(
            "data__reason", flat=True
        )
    )


def _payment(bill, **changes) -> dict:
    body = {
        "event_id": "EVT-LIMITS",
        "bill_number": bill.number,
        "amount": str(bill.amount),
        "kind": "payment",
        "paid_at": "2026-01-01T10:00:00+03:00",
    }
    body.update(changes)
    return body


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
def test_a_body_nested_5000_levels_deep_is_refused_not_a_500(bill, recorder, signed):
    deep = b'{"kind": ' * 5000 + b'"payment"' + b"}" * 5000
    response = _post(deep, signed=signed)
    expected = (400, "malformed") if signed else (401, "bad_signature")
    assert (response.status_code, response.json()["code"]) == expected
    assert _reasons() == [expected[1]]
    assert_unchanged(bill, recorder)


def _nested(levels: int) -> dict:
    value: dict = {}
    for _ in range(levels - 1):
        value = {"x": value}
    return value


def test_the_limit_is_the_documented_depth(bill, recorder):
    # The payment object is the first level; "extra" brings the rest.
    past = json.dumps(_payment(bill, extra=_nested(MAX_DEPTH))).encode()
    response = _post(past, signed=True)
    assert (response.status_code, response.json()["code"]) == (400, "malformed")
    assert_unchanged(bill, recorder)
    at_limit = json.dumps(_payment(bill, extra=_nested(MAX_DEPTH - 1))).encode()
    response = _post(at_limit, signed=True)
    assert (response.status_code, response.json()["code"]) == (200, "ok")


@pytest.mark.parametrize("escape", ["\\u0000", "\\ud800"], ids=["nul", "lone-surrogate"])
@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
def test_nul_or_a_lone_surrogate_in_the_body_is_refused_and_audited(bill, recorder, signed, escape):
    raw = (
        json.dumps(_payment(bill, event_id="EVT-1", note="x"))
        .replace('"x"', f'"{escape}"')
        .replace('"EVT-1"', f'"EVT-{escape}"')
        .encode()
    )
    response = _post(raw, signed=signed)
    expected = (400, "malformed") if signed else (401, "bad_signature")
    assert (response.status_code, response.json()["code"]) == expected
    assert _reasons() == [expected[1]]
    assert not PaymentEvent.objects.exists()
    assert_unchanged(bill, recorder)


def test_the_service_refuses_a_deep_body_as_malformed(bill, recorder):
    deep = b"[" * 5000 + b"]" * 5000
    with pytest.raises(services.PaymentError) as caught:
        services.bill_payment_callback_apply(**fakes.signed(deep))
    assert (caught.value.code, caught.value.status) == ("malformed", 400)
