"""The payment-gateway port, chosen by ``settings.PAYMENT_GATEWAY_BACKEND``
(a dotted path, like ``EMAIL_BACKEND``).

The platform asks the provider for three things: to register a bill (so the
payer's bank knows its number and amount), where to send a payer who wants
to pay online (with the SADAD bill, or by card on the provider's hosted page:
``methods`` says which the provider offers), and to refund a paid bill. Payments themselves arrive as signed
callbacks (``services.bill_payment_callback``), never as return values.

A production adapter subclasses ``PaymentGateway`` and raises ``GatewayError``
when the provider refuses or cannot be reached; the services then roll back.
``musaned/payments/tests/contract.py`` is the behaviour every adapter must show
(docs/payments.md says how to run it against yours).
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from musaned.payments import simulator
from musaned.payments.models import Bill, BillState, PaymentMethod


class GatewayError(Exception):
    """The provider refused or could not be reached. The message may be logged; no secrets."""


class PaymentGateway:
    # The ways the provider lets a payer pay online, in the order the portal offers them.
    methods: tuple[str, ...] = (PaymentMethod.SADAD,)

    def register_bill(self, bill: Bill) -> str:
        """Tell the provider about a new bill; returns the provider's reference for it."""
        raise NotImplementedError

    def payment_url(
        self, bill: Bill, *, method: str = PaymentMethod.SADAD, language: str = ""
    ) -> str:
        """Where the payer pays this bill online with ``method`` (one of ``methods``), on
        a page in ``language`` (``ar``, ``en``; empty: the provider's default) that sends
        the payer back to the portal in that language."""
        raise NotImplementedError

    def refund(self, bill: Bill) -> str:
        """Give a paid bill's money back; returns the provider's refund reference.

        Must be safe to repeat for the same bill (the bill number is the
        idempotency key), because a crash after the provider's answer and
        before the commit makes the caller try again: a repeat refunds nothing more
        and returns the same reference. Raises ``GatewayError`` for a bill the
        provider holds no payment for.
        """
        raise NotImplementedError


class LocalSadadGateway(PaymentGateway):
    """The local simulator: this site plays the provider. For development and
    demonstrations only: production refuses it unless ``MUSANED_DEMO_DEPLOYMENT=1``.

    Its pages live under ``/sadad/`` (``views.sadad_bill``) and open only with the
    per-bill key in ``payment_url`` (``simulator.bill_key``), which only the owner's pages
    show. Its "Pay" button signs a callback with ``PAYMENT_WEBHOOK_SECRET`` and delivers
    it over real HTTP to ``PAYMENT_CALLBACK_URL``, or to ``MUSANED_SITE_URL``'s callback
    path; never to a host named by the request.
    """

    methods = (PaymentMethod.CARD, PaymentMethod.SADAD)

    def register_bill(self, bill: Bill) -> str:
        return f"SIM-{bill.number}"

    def payment_url(
        self, bill: Bill, *, method: str = PaymentMethod.SADAD, language: str = ""
    ) -> str:
        page = {PaymentMethod.SADAD: "payments:sadad_bill", PaymentMethod.CARD: "payments:card"}
        path = reverse(page[PaymentMethod(method)], kwargs={"number": bill.number})
        return f"{path}?{simulator.page_query(bill, language)}"

    def refund(self, bill: Bill) -> str:
        # The provider gives back only money it took: it holds the payment when the
        # platform's row says paid (the simulator's payments are the platform's callbacks).
        if not Bill.objects.filter(
            number=bill.number, state__in=[BillState.PAID, BillState.REFUNDED]
        ).exists():
            raise GatewayError(f"no payment was made for bill {bill.number}")
        return f"SIM-REFUND-{bill.number}"


def get_gateway() -> PaymentGateway:
    return import_string(settings.PAYMENT_GATEWAY_BACKEND)()


@dataclass(frozen=True)
class PaymentLink:
    method: str
    label: str
    url: str


def payment_links(bill: Bill, *, language: str = "") -> list[PaymentLink]:
    """The owner's ways to pay ``bill`` online, one per method the provider offers, each to
    a page in ``language`` that comes back to the portal in it. Show them only to the
    bill's owner: each link carries what opens the bill at the provider."""
    gateway = get_gateway()
    return [
        PaymentLink(
            method=method,
            label=str(PAY_LABELS[PaymentMethod(method)]),
            url=gateway.payment_url(bill, method=method, language=language),
        )
        for method in gateway.methods
    ]


def pay_urls(bill: Bill, *, language: str = "") -> dict[str, str]:
    """``{method: url}`` for an unpaid bill, else ``{}``. The owner's answers only, as for
    ``payment_links``."""
    if bill.state != BillState.UNPAID:
        return {}
    return {link.method: link.url for link in payment_links(bill, language=language)}


def pay_links_out(bill: Bill) -> dict[str, object]:
    """A bill's ``pay_url`` (the SADAD page) and ``pay_urls`` (each way to pay) in the
    owner's API answers, in the caller's language; empty once it is not unpaid."""
    urls = pay_urls(bill, language=get_language() or "")
    return {"pay_url": urls.get(PaymentMethod.SADAD, ""), "pay_urls": urls}


PAY_LABELS = {
    PaymentMethod.CARD: _("Pay by card"),
    PaymentMethod.SADAD: _("Pay by SADAD"),
}
