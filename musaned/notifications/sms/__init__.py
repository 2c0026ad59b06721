"""Sending SMS through the configured backend, as django.core.mail does for email.

``SMS_BACKEND`` is a dotted path; the shipped backends are ``console``,
``filebased`` (one file per message in ``SMS_FILE_PATH``) and ``locmem``
(messages collect in ``musaned.notifications.sms.outbox`` for tests).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

outbox: list["SmsMessage"] = []


@dataclass
class SmsMessage:
    to: str
    body: str
    sent_at: object = field(default_factory=timezone.now)


def get_backend():
    return import_string(settings.SMS_BACKEND)()


def send_sms(to: str, body: str) -> None:
    get_backend().send_messages([SmsMessage(to=to, body=body)])
