"""Sending SMS through the configured backend, as django.core.mail does for email.

``SMS_BACKEND`` is a dotted path; the shipped backends are ``console``,
``filebased`` (one file per message in ``SMS_FILE_PATH``) and ``locmem``
(messages collect in ``musaned.notifications.sms.outbox`` for tests). They are local
implementations: production refuses them unless ``MUSANED_DEMO_DEPLOYMENT=1``
(docs/sms.md); a real gateway's adapter subclasses ``backends.base.BaseSmsBackend``.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from musaned.notifications.sms.backends.base import BaseSmsBackend

outbox: list["SmsMessage"] = []


@dataclass
class SmsMessage:
    to: str
    body: str
    sent_at: dt.datetime = field(default_factory=timezone.now)


def get_backend() -> "BaseSmsBackend":
    return import_string(settings.SMS_BACKEND)()


class SmsNotSent(Exception):
    """The gateway did not take a message (the outbox retries it)."""


def send_sms(to: str, body: str) -> None:
    """Send one SMS; raises if the gateway did not take it (so it is never marked sent)."""
    sent = get_backend().send_messages([SmsMessage(to=to, body=body)])
    if sent != 1:
        raise SmsNotSent(f"the SMS backend reported {sent!r} of 1 message sent")
