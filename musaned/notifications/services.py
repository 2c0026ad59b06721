"""Telling a person that something happened: SMS and email, sent after the transaction commits.

``notify()`` writes an outbox row (``Notification``) in the caller's transaction and,
once that commits, enqueues the ``send_notification`` task (``musaned/notifications/tasks.py``),
which a worker runs off the request path (docs/configuration.md, "Task worker").
"""

from django.conf import settings
from django.db import transaction
from django.utils import translation

from musaned.notifications.models import Notification, new_key
from musaned.notifications.tasks import send_notification


def notify(*, user, subject, body, key: str | None = None) -> Notification | None:
    """Queue an SMS and an email in the user's language; ``subject``/``body`` may be lazy strings.

    Must be called inside the transaction whose result it reports: the outbox row
    is written in it, so a rollback leaves no row and sends nothing; the send task
    is enqueued only after commit. ``key`` (optional) names the message: a second
    call with the same key returns the first row and queues nothing more. Returns
    the row, or ``None`` when the user has neither a mobile nor an email.
    """
    mobile, email = user.mobile or "", user.email or ""
    if not (mobile or email):
        return None
    if key is not None and (existing := Notification.objects.filter(key=key).first()):
        return existing
    with translation.override(getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE):
        subject_text, body_text = str(subject), str(body)
    notification = Notification.objects.create(
        key=key or new_key(),
        user=user,
        mobile=mobile,
        email=email,
        subject=subject_text[:255],
        body=body_text,
    )
    transaction.on_commit(lambda: send_notification.enqueue(notification.pk))
    return notification
