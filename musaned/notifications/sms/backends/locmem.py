from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from musaned.notifications import sms
from musaned.notifications.sms.backends.base import BaseSmsBackend

if TYPE_CHECKING:
    from musaned.notifications.sms import SmsMessage


class SmsBackend(BaseSmsBackend):
    """Keeps messages in ``musaned.notifications.sms.outbox`` (tests empty it)."""

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        sms.outbox.extend(messages)
        return len(messages)
