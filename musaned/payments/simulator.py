"""The provider's side of the local simulator: build, sign and deliver a payment callback.

It plays the bank: it reads the bill the payer asks about (only with the per-bill key
from the owner's payment link), and reports the payment to the platform the way a real
provider does, by a signed HTTP POST to the callback URL configured for this site. It
never writes to the platform's tables itself.
"""

import json
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from musaned.payments.models import Bill, PaymentMethod
from musaned.payments.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

BILLER_CODE = "090"
# The languages the provider's pages speak and send the payer back in (``?lang=``).
LANGUAGES = ("ar", "en")
DELIVERY_TIMEOUT_SECONDS = 15
KEY_SALT = "musaned.payments.simulator.bill_key"


class DeliveryFailed(Exception):
    """The platform did not confirm the callback (unreachable, or it answered an error)."""

    def __init__(self, message: str, *, status: int | None = None, code: str = ""):
        super().__init__(message)
        self.status = status
        self.code = code


def callback_url() -> str:
    """Where the simulator delivers callbacks: ``PAYMENT_CALLBACK_URL``, else this site's
    ``MUSANED_SITE_URL`` + ``/payments/callback/``.

    Never a host taken from the request: a ``Host`` header is the client's to choose, and
    the callback carries a valid signature. With neither set, raises ``DeliveryFailed``.
    """
    if settings.PAYMENT_CALLBACK_URL:
        return settings.PAYMENT_CALLBACK_URL
    if settings.MUSANED_SITE_URL:
        return settings.MUSANED_SITE_URL.rstrip("/") + reverse("payments:callback")
    raise DeliveryFailed(
        "neither PAYMENT_CALLBACK_URL nor MUSANED_SITE_URL is set, so the simulator does "
        "not know where this site is"
    )


def bill_key(bill: Bill) -> str:
    """The per-bill secret in the payment link the owner's page shows (``payment_url``).

    The simulator's pages answer "no such bill" without it, so a bill number alone (on a
    printout, in a screenshot) pays nothing. It is an HMAC of the bill number under
    ``SECRET_KEY``: nothing is stored, and nobody can make one without the key.
    """
    return salted_hmac(KEY_SALT, bill.number, algorithm="sha256").hexdigest()[:32]


def bill_key_ok(bill: Bill, key: str) -> bool:
    return constant_time_compare(bill_key(bill), key or "")


def payment_event_id(bill: Bill) -> str:
    """One payment per bill: a retried or double-clicked payment is the same event."""
    return f"SIM-{bill.number}-PAY"


def payment_callback(
    bill: Bill, *, secret: str, method: str = PaymentMethod.SADAD
) -> tuple[bytes, dict[str, str]]:
    """The raw body and headers of the callback reporting that ``bill`` was paid in full
    with ``method`` (the card itself is never in it)."""
    body = {
        "event_id": payment_event_id(bill),
        "bill_number": bill.number,
        "amount": str(bill.amount),
        "kind": "payment",
        "method": str(method),
        "paid_at": timezone.now().isoformat(),
    }
    raw_body = json.dumps(body, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(secret, timestamp, raw_body),
    }
    return raw_body, headers


def deliver(url: str, raw_body: bytes, headers: dict[str, str]) -> dict:
    """POST the callback; returns the platform's JSON answer or raises ``DeliveryFailed``."""
    if urlsplit(url).scheme not in {"http", "https"}:
        raise DeliveryFailed(f"not an http(s) callback URL: {url!r}")
    request = urllib.request.Request(url, data=raw_body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=DELIVERY_TIMEOUT_SECONDS) as response:  # noqa: S310
            return _json(response.read())
    except urllib.error.HTTPError as error:
        answer = _json(error.read())
        raise DeliveryFailed(
            f"the platform answered {error.code}", status=error.code, code=answer.get("code", "")
        ) from None
    except (urllib.error.URLError, OSError) as error:
        raise DeliveryFailed(f"the platform could not be reached: {error}") from None


def pay(bill: Bill, *, url: str, method: str = PaymentMethod.SADAD) -> dict:
    raw_body, headers = payment_callback(
        bill, secret=settings.PAYMENT_WEBHOOK_SECRET, method=method
    )
    return deliver(url, raw_body, headers)


# --- Test cards ---------------------------------------------------------------------------

# The card page's test numbers, as a real provider's sandbox publishes them, with what the
# "issuer" answers: "" approves; every other number that passes the Luhn check is approved.
TEST_CARDS = {
    "4111111111111111": "",
    "4000000000000002": "declined",
    "4000000000009995": "insufficient_funds",
}


def card_refusal(number: str) -> str:
    """Why the issuer refuses the card (``declined``, ``insufficient_funds``), or ``""``
    when it approves. ``number`` is digits only, already checked by the form."""
    return TEST_CARDS.get(number, "")


def page_query(bill: Bill, language: str = "") -> str:
    """The query string of the provider's pages for ``bill`` and of their forms: the
    bill's key and, when the portal said it, the payer's language."""
    query = {"key": bill_key(bill)}
    if language in LANGUAGES:
        query["lang"] = language
    return urlencode(query)


def _json(raw: bytes) -> dict:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
