from __future__ import annotations

import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

from musaned.notifications.sms.backends.base import BaseSmsBackend

if TYPE_CHECKING:
    from musaned.notifications.sms import SmsMessage


class SmsBackend(BaseSmsBackend):
    """One UTF-8 text file per message in ``SMS_FILE_PATH`` (default ``var/sms/``).

    File name: ``<UTC time>-<mobile>-<random>.txt``, so ``ls`` lists them in
    the order they were sent.
    """

    def __init__(self, file_path: str | Path | None = None) -> None:
        self.path = Path(file_path or settings.SMS_FILE_PATH)

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        self.path.mkdir(parents=True, exist_ok=True)
        for message in messages:
            stamp = message.sent_at.strftime("%Y%m%dT%H%M%S.%f")
            name = f"{stamp}-{message.to.lstrip('+')}-{secrets.token_hex(3)}.txt"
            (self.path / name).write_text(
                f"To: {message.to}\nDate: {message.sent_at.isoformat()}\n\n{message.body}\n",
                encoding="utf-8",
            )
        return len(messages)
