"""SMS backends for tests, chosen with ``settings.SMS_BACKEND``."""

from musaned.notifications.sms import SmsNotSent
from musaned.notifications.sms.backends.base import BaseSmsBackend


class GatewaySmsBackend(BaseSmsBackend):
    """Stands for a production adapter (an SMS gateway) that is not a local
    implementation; in the tests there is no gateway, so nothing is taken."""

    def send_messages(self, messages) -> int:
        if messages:
            raise SmsNotSent("no SMS gateway in the tests")
        return 0


class QuietlyFailingBackend(BaseSmsBackend):
    """Breaks the contract (musaned/notifications/tests/contract.py): the gateway takes
    nothing and the backend says so only in its count. The kit must catch it."""

    def send_messages(self, messages) -> int:
        return 0
