"""The payment-gateway contract: what every adapter of ``PaymentGateway`` must do.

Written once, run against the local SADAD simulator in CI
(``test_gateway_contract.py``) and, by an operator, against the real adapter before it
goes live (docs/payments.md, "Testing an adapter"). Two ways to use it:

* name the adapter in the environment and run the module::

      MUSANED_TEST_PAYMENT_GATEWAY=sadad_adapter.gateway.SadadGateway \\
      MUSANED_TEST_PAYMENT_PAY=sadad_adapter.testing.pay_in_sandbox \\
        .venv/bin/python -m pytest musaned/payments/tests/test_gateway_contract.py -v

* or subclass ``PaymentGatewayContract`` in a test module of your own and override the
  ``gateway`` fixture (and ``pay_at_provider`` / ``unreachable_gateway`` where you can).

The kit runs under the test settings (a throw-away database); the adapter reads its own
configuration (URLs, credentials) as it does in production. Bills are made through
``services.bill_create`` with the adapter configured, exactly as the visas app makes them.
"""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from musaned.accounts.tests.factories import StaffFactory, UserFactory
from musaned.payments import handlers, services
from musaned.payments.gateway import GatewayError, PaymentGateway
from musaned.payments.models import Bill, BillState, PaymentEvent, PaymentEventKind, PaymentMethod
from musaned.payments.tests import fakes

SUBJECT_TYPE = "accounts.user"
REFERENCE_MAX = Bill._meta.get_field("provider_reference").max_length
EVENT_ID_MAX = PaymentEvent._meta.get_field("provider_event_id").max_length


def dotted_path(obj) -> str:
    cls = type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_reference(value, max_length: int) -> bool:
    return (
        isinstance(value, str)
        and 0 < len(value) <= max_length
        and value == value.strip()
        and value.isprintable()
    )


class PaymentGatewayContract:
    """Subclass it, override ``gateway``; every ``test_`` method is one promise."""

    # --- what a subclass provides ----------------------------------------------------------

    @pytest.fixture
    def gateway(self) -> PaymentGateway:
        """The adapter under test, built as ``get_gateway()`` builds it (no arguments)."""
        raise NotImplementedError("override the gateway fixture with your adapter")

    @pytest.fixture
    def unreachable_gateway(self) -> PaymentGateway | None:
        """The adapter pointed at a provider that does not answer (e.g. a closed port on
        127.0.0.1), or None when it has no network to lose (its test is then skipped)."""
        return None

    def pay_at_provider(self, bill: Bill) -> None:
        """Make the provider hold a full payment of ``bill`` (in its test environment),
        as a payer at a bank would. The kit then tells the platform with a signed
        callback, unless this already did (the bill is paid in the database)."""
        pytest.skip(
            "pay_at_provider is not provided: a refund needs a bill the provider holds a "
            "payment for (set MUSANED_TEST_PAYMENT_PAY or override pay_at_provider)"
        )

    # --- the kit's own fixtures -------------------------------------------------------

    @pytest.fixture(autouse=True)
    def _subject_handler(self, db):
        """Bills are made for a user (any model would do); the handler does nothing."""
        handlers.register(
            SUBJECT_TYPE, on_paid=lambda bill: None, return_url=lambda bill: "/services/"
        )
        yield
        handlers.unregister(SUBJECT_TYPE)

    @pytest.fixture
    def configured(self, gateway, settings):
        """The adapter is ``PAYMENT_GATEWAY_BACKEND``, so the services call it."""
        settings.PAYMENT_GATEWAY_BACKEND = dotted_path(gateway)
        return gateway

    @pytest.fixture
    def make_bill(self, configured):
        def make(amount: str = "2000.00") -> Bill:
            owner = UserFactory()
            return services.bill_create(
                owner=owner,
                subject=owner,
                amount=Decimal(amount),
                description="Domestic worker visa fee",
                due_at=timezone.now() + timedelta(days=3),
            )

        return make

    @pytest.fixture
    def bill(self, make_bill) -> Bill:
        return make_bill()

    def pay(self, bill: Bill) -> Bill:
        """The payer pays at the provider, and the platform hears of it by callback."""
        self.pay_at_provider(bill)
        bill.refresh_from_db()
        if bill.state == BillState.UNPAID:
            fakes.pay(bill, event_id=f"CONTRACT-{bill.number}-PAY")
            bill.refresh_from_db()
        assert bill.state == BillState.PAID
        return bill

    # --- register_bill ------------------------------------------------------------------

    def test_a_new_bill_is_registered_and_keeps_the_providers_reference(self, bill):
        assert bill.state == BillState.UNPAID
        assert _is_reference(bill.provider_reference, REFERENCE_MAX), (
            f"register_bill must return a non-empty printable string of at most "
            f"{REFERENCE_MAX} characters, got {bill.provider_reference!r}"
        )

    def test_two_bills_get_two_references(self, make_bill):
        first, second = make_bill(), make_bill(amount="150.50")
        assert first.provider_reference != second.provider_reference

    # --- payment_url ----------------------------------------------------------------------

    def test_the_provider_offers_sadad_and_only_methods_the_platform_knows(self, gateway):
        methods = tuple(gateway.methods)
        assert PaymentMethod.SADAD in methods, "a SADAD bill is always payable online"
        assert set(methods) <= set(PaymentMethod.values), methods
        assert len(set(methods)) == len(methods), f"a method offered twice: {methods}"

    def test_the_payment_url_is_https_at_the_provider_or_a_path_on_this_site(self, gateway, bill):
        for method in gateway.methods:
            for language in ("", "ar", "en"):
                url = gateway.payment_url(bill, method=method, language=language)
                assert isinstance(url, str) and url == url.strip() and " " not in url
                parts = urlsplit(url)
                at_provider = parts.scheme == "https" and bool(parts.netloc)
                on_this_site = not parts.scheme and not parts.netloc and parts.path.startswith("/")
                assert at_provider or on_this_site, f"not https and not a path here: {url!r}"

    def test_each_method_has_its_own_page(self, gateway, bill):
        urls = [gateway.payment_url(bill, method=method) for method in gateway.methods]
        assert len(set(urls)) == len(urls), urls

    def test_asking_for_the_payment_url_changes_nothing(self, gateway, bill):
        before = Bill.objects.values().get(pk=bill.pk)
        for method in gateway.methods:
            assert gateway.payment_url(bill, method=method, language="en")
        assert gateway.payment_url(bill) and gateway.payment_url(bill)
        assert Bill.objects.values().get(pk=bill.pk) == before
        assert not PaymentEvent.objects.filter(bill=bill).exists()

    # --- refund ----------------------------------------------------------------------------

    def test_a_paid_bill_is_refunded_with_a_reference(self, gateway, bill):
        self.pay(bill)
        reference = gateway.refund(bill)
        assert _is_reference(reference, EVENT_ID_MAX), (
            f"refund must return a non-empty printable string of at most {EVENT_ID_MAX} "
            f"characters, got {reference!r}"
        )

    def test_a_refund_is_safe_to_repeat_and_answers_the_same_reference(self, gateway, bill):
        self.pay(bill)
        first = gateway.refund(bill)
        assert gateway.refund(bill) == first

    def test_refund_references_are_unique_across_bills(self, gateway, make_bill):
        # They are stored as unique provider event ids, beside the payments' own ids.
        first, second = self.pay(make_bill()), self.pay(make_bill())
        references = {gateway.refund(first), gateway.refund(second)}
        assert len(references) == 2
        payment_ids = set(PaymentEvent.objects.values_list("provider_event_id", flat=True))
        assert not references & payment_ids

    def test_the_refund_service_goes_through_the_adapter(self, bill):
        self.pay(bill)
        staff = StaffFactory(username="contract-reviewer", permissions=["refund_bill"])
        refunded = services.bill_refund(bill=bill, actor=staff, reason="Visa declined")
        assert refunded.state == BillState.REFUNDED
        event = PaymentEvent.objects.get(bill=bill, kind=PaymentEventKind.REFUND)
        assert _is_reference(event.provider_event_id, EVENT_ID_MAX)

    def test_refunding_a_bill_nobody_paid_is_refused_with_gateway_error(self, gateway, bill):
        with pytest.raises(GatewayError) as refused:
            gateway.refund(bill)
        assert str(refused.value), "a GatewayError says why (it is logged)"
        bill.refresh_from_db()
        assert bill.state == BillState.UNPAID

    # --- a provider that does not answer -------------------------------------------------

    def test_an_unreachable_provider_is_a_gateway_error(self, unreachable_gateway, bill):
        # Not a socket error or a timeout of the HTTP library: the services catch
        # GatewayError, roll back and tell the payer to try later.
        if unreachable_gateway is None:
            pytest.skip("this adapter has no network to lose")
        with pytest.raises(GatewayError):
            unreachable_gateway.register_bill(bill)
        with pytest.raises(GatewayError):
            unreachable_gateway.refund(bill)
