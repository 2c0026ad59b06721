"""Telling a person that something happened: SMS and email, after the transaction commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation

from musaned.notifications.sms import send_sms


def notify(*, user, subject, body) -> None:
    """Schedule an SMS and an email in the user's language; ``subject``/``body`` are lazy strings.

    Must be called inside the transaction whose result it reports: nothing is
    sent if that transaction rolls back.
    """
    with translation.override(getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE):
        subject_text, body_text = str(subject), str(body)
    mobile, email = user.mobile, user.email

    def send() -> None:
        if mobile:
            send_sms(mobile, f"{subject_text}: {body_text}")
        if email:
            send_mail(subject_text, body_text, None, [email], fail_silently=True)

    transaction.on_commit(send)
