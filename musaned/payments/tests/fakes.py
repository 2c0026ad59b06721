"""The payment provider's side, for tests: gateways chosen with
``settings.PAYMENT_GATEWAY_BACKEND``, and the callbacks the provider sends, signed as it
signs them (``signed``, ``callback_for``), told to the service (``pay``) or posted to the
callback URL (``post_callback``)."""

import json
import time
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from musaned.payments.gateway import GatewayError, LocalSadadGateway, PaymentGateway
from musaned.payments.models import Bill
from musaned.payments.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

calls: list[tuple[str, str]] = []


class RecordingGateway(LocalSadadGateway):
    def register_bill(self, bill):
        calls.append(("register_bill", bill.number))
        return f"REC-{bill.number}"

    def refund(self, bill):
        calls.append(("refund", bill.number))
        return f"REC-REFUND-{bill.number}"


class DownGateway(LocalSadadGateway):
    def register_bill(self, bill):
        raise GatewayError("provider unreachable")

    def refund(self, bill):
        raise GatewayError("provider unreachable")


class RealProviderGateway(PaymentGateway):
    """Stands for a production adapter: the simulator's pages must not exist with it."""

    def register_bill(self, bill):
        return f"REAL-{bill.number}"

    def payment_url(self, bill, *, method="sadad", language=""):
        return f"https://pay.example.com/{bill.number}?method={method}&lang={language}"


class CarelessGateway(LocalSadadGateway):
    """Breaks the contract (musaned/payments/tests/contract.py) twice: a repeated refund
    is a new refund, and it refunds money it never took. The kit must catch both."""

    def refund(self, bill):
        import secrets

        return f"CARELESS-REFUND-{secrets.token_hex(4)}"


def pay_at_the_simulator(bill) -> None:
    """``MUSANED_TEST_PAYMENT_PAY`` for a simulator-based gateway: the simulator holds a
    payment once the platform's row says paid, which the kit's callback does."""


# --- callbacks ---------------------------------------------------------------------------

CALLBACK_URL = "/payments/callback/"


def signed(raw_body: bytes, *, timestamp: int | str | None = None, secret: str | None = None):
    """Keyword arguments of ``bill_payment_callback`` for ``raw_body`` as the provider sends
    it: signed now (or at ``timestamp``) with the platform's secret (or ``secret``)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    key = settings.PAYMENT_WEBHOOK_SECRET if secret is None else secret
    return {"raw_body": raw_body, "timestamp": ts, "signature": sign(key, ts, raw_body)}


def callback_for(
    bill: Bill,
    *,
    event_id: str = "EVT-0001",
    amount=None,
    kind: str = "payment",
    paid_at: datetime | str | None = None,
    timestamp: int | None = None,
    secret: str | None = None,
    method: str | None = None,
) -> dict:
    """The provider's signed word that ``bill`` was paid (in full, now, unless told; by
    SADAD unless ``method`` says otherwise: a SADAD-only provider leaves it out)."""
    body = {
        "event_id": event_id,
        "bill_number": bill.number,
        "amount": str(bill.amount if amount is None else amount),
        "kind": kind,
        "paid_at": paid_at if isinstance(paid_at, str) else (paid_at or timezone.now()).isoformat(),
    }
    if method is not None:
        body["method"] = method
    return signed(json.dumps(body).encode(), timestamp=timestamp, secret=secret)


def pay(bill: Bill, **callback) -> Bill:
    """The provider tells the platform ``bill`` is paid (``callback_for``'s keywords)."""
    from musaned.payments.services import bill_payment_callback

    return bill_payment_callback(**callback_for(bill, **callback))


def post_callback(client, kwargs: dict):
    """POST a callback (``signed``'s keywords) to the callback URL, with the provider's
    headers."""
    return client.post(
        CALLBACK_URL,
        data=kwargs["raw_body"],
        content_type="application/json",
        headers={TIMESTAMP_HEADER: kwargs["timestamp"], SIGNATURE_HEADER: kwargs["signature"]},
    )
