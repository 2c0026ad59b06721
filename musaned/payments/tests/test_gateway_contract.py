"""The payment-gateway contract (``contract.py``), run against the local SADAD simulator,
or against the adapter named by ``MUSANED_TEST_PAYMENT_GATEWAY`` (docs/payments.md):

    MUSANED_TEST_PAYMENT_GATEWAY=sadad_adapter.gateway.SadadGateway \\
    MUSANED_TEST_PAYMENT_PAY=sadad_adapter.testing.pay_in_sandbox \\
      .venv/bin/python -m pytest musaned/payments/tests/test_gateway_contract.py -v

``MUSANED_TEST_PAYMENT_PAY`` (optional) names a function ``pay(bill)`` that pays the bill
in the provider's test environment; without it the refund tests are skipped.
``MUSANED_TEST_PAYMENT_UNREACHABLE`` (optional) names an adapter class, or a function
returning an adapter, that points at a provider that does not answer.
"""

import os

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from musaned.payments import services, simulator
from musaned.payments.gateway import LocalSadadGateway
from musaned.payments.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER
from musaned.payments.tests.contract import PaymentGatewayContract

ADAPTER = os.environ.get("MUSANED_TEST_PAYMENT_GATEWAY", "").strip()
PAY = os.environ.get("MUSANED_TEST_PAYMENT_PAY", "").strip()
UNREACHABLE = os.environ.get("MUSANED_TEST_PAYMENT_UNREACHABLE", "").strip()


if ADAPTER:

    class TestNamedGateway(PaymentGatewayContract):
        """The adapter the operator named."""

        @pytest.fixture
        def gateway(self):
            return import_string(ADAPTER)()

        @pytest.fixture
        def unreachable_gateway(self):
            return import_string(UNREACHABLE)() if UNREACHABLE else None

        def pay_at_provider(self, bill):
            if not PAY:
                super().pay_at_provider(bill)
            import_string(PAY)(bill)

else:

    class TestLocalSadadGateway(PaymentGatewayContract):
        """The simulator, the default gateway of development and demonstrations."""

        @pytest.fixture
        def gateway(self):
            return LocalSadadGateway()

        def pay_at_provider(self, bill):
            # The simulator's own "Pay": its signed callback, applied by the platform (the
            # HTTP delivery is tested in test_views.py).
            raw_body, headers = simulator.payment_callback(
                bill, secret=settings.PAYMENT_WEBHOOK_SECRET
            )
            services.bill_payment_callback(
                raw_body=raw_body,
                timestamp=headers[TIMESTAMP_HEADER],
                signature=headers[SIGNATURE_HEADER],
            )
