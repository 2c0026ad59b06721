"""Gateways for tests, chosen with ``settings.PAYMENT_GATEWAY_BACKEND``."""

from musaned.payments.gateway import GatewayError, LocalSadadGateway, PaymentGateway

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

    def payment_url(self, bill):
        return f"https://pay.example.com/{bill.number}"


class CarelessGateway(LocalSadadGateway):
    """Breaks the contract (musaned/payments/tests/contract.py) twice: a repeated refund
    is a new refund, and it refunds money it never took. The kit must catch both."""

    def refund(self, bill):
        import secrets

        return f"CARELESS-REFUND-{secrets.token_hex(4)}"


def pay_at_the_simulator(bill) -> None:
    """``MUSANED_TEST_PAYMENT_PAY`` for a simulator-based gateway: the simulator holds a
    payment once the platform's row says paid, which the kit's callback does."""
