from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from musaned.notifications.sms import SmsMessage


class BaseSmsBackend:
    """The SMS-gateway port: an adapter sends a list of ``SmsMessage`` (``to`` in E.164,
    ``body`` in Arabic or English, any length) and returns how many the gateway took.

    A message the gateway did not take raises (any exception; ``SmsNotSent`` when the
    adapter has nothing better), so the outbox retries it; never return a smaller count
    quietly. ``musaned/notifications/tests/contract.py`` is the behaviour every adapter
    must show (docs/sms.md says how to run it against yours).
    """

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        raise NotImplementedError
