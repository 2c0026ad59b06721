"""The payment-gateway port, chosen by ``settings.PAYMENT_GATEWAY_BACKEND``
(a dotted path, like ``EMAIL_BACKEND``).

The platform asks the provider for three things: to register a bill (so the
payer's bank knows its number and amount), where to send a payer who wants
to pay online, and to refund a paid bill. Payments themselves arrive as signed
callbacks (``services.bill_payment_callback``), never as return values.

A production adapter subclasses ``PaymentGateway`` and raises ``GatewayError``
when the provider refuses or cannot be reached; the services then roll back.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

from musaned.payments.models import Bill


class GatewayError(Exception):
    """The provider refused or could not be reached. The message may be logged; no secrets."""


class PaymentGateway:
    def register_bill(self, bill: Bill) -> str:
        """Tell the provider about a new bill; returns the provider's reference for it."""
        raise NotImplementedError

    def payment_url(self, bill: Bill) -> str:
        """Where the payer pays this bill online."""
        raise NotImplementedError

    def refund(self, bill: Bill) -> str:
        """Give a paid bill's money back; returns the provider's refund reference.

        Must be safe to repeat for the same bill (the bill number is the
        idempotency key), because a crash after the provider's answer and
        before the commit makes the caller try again.
        """
        raise NotImplementedError


class LocalSadadGateway(PaymentGateway):
    """The local simulator: this site plays the provider.

    Its pages live under ``/sadad/`` (``views.sadad_bill``); its "Pay" button
    signs a callback with ``PAYMENT_WEBHOOK_SECRET`` and delivers it over real
    HTTP to ``PAYMENT_CALLBACK_URL`` (or this site's own callback URL).
    """

    def register_bill(self, bill: Bill) -> str:
        return f"SIM-{bill.number}"

    def payment_url(self, bill: Bill) -> str:
        return reverse("payments:sadad_bill", kwargs={"number": bill.number})

    def refund(self, bill: Bill) -> str:
        return f"SIM-REFUND-{bill.number}"


def get_gateway() -> PaymentGateway:
    return import_string(settings.PAYMENT_GATEWAY_BACKEND)()
