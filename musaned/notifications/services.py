"""Telling a person that something happened: SMS and email, sent after the transaction
commits; and every write to the outbox as it is sent.

``notify()`` writes an outbox row (``Notification``) in the caller's transaction and,
once that commits, enqueues the ``send_notification`` task (``musaned/notifications/tasks.py``),
which a worker runs off the request path (docs/configuration.md, "Task worker"). The task
sends through the functions below: each locks the row (``core/locks.py``), changes it and
lets go, so two workers on one row wait for each other and a channel marked sent is never
sent again.
"""

import datetime as dt
import logging
from collections.abc import Callable
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise

from musaned.core import locks
from musaned.core.actors import User
from musaned.notifications import tasks
from musaned.notifications.models import Notification, NotificationState, new_key
from musaned.notifications.sms import send_sms

logger = logging.getLogger("musaned.notifications.tasks")


def notify(
    *,
    user: User,
    subject: str | Promise | object,
    body: str | Promise | object,
    key: str | None = None,
) -> Notification | None:
    """Queue an SMS and an email in the user's language; ``subject``/``body`` may be lazy
    strings (or anything whose ``str()`` is the text, rendered in that language).

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
    transaction.on_commit(lambda: tasks.send_notification.enqueue(notification.pk))
    return notification


def _locked(notification_id: int) -> Notification | None:
    return locks.lock_where(Notification.objects.filter(pk=notification_id))


def notification_attempt_begin(*, notification_id: int) -> str | None:
    """Count one more attempt on a pending row; ``None`` then (send it), else what the
    task answers without sending: ``missing``, or the state of a row already sent or
    given up on (never sent again)."""
    with transaction.atomic():
        notification = _locked(notification_id)
        if notification is None:
            return "missing"
        if notification.state != NotificationState.PENDING:
            return str(notification.state)
        notification.attempts += 1
        notification.next_attempt_at = None
        notification.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
    return None


def notification_sms_send(*, notification_id: int) -> None:
    """Send the SMS if it is still due, and mark it sent in the same locked transaction."""
    with transaction.atomic():
        notification = _locked(notification_id)
        if notification is None or not notification.sms_due:
            return
        send_sms(notification.mobile, f"{notification.subject}: {notification.body}")
        notification.sms_sent_at = timezone.now()
        notification.save(update_fields=["sms_sent_at", "updated_at"])


def notification_email_send(*, notification_id: int) -> None:
    """Send the email if it is still due, and mark it sent in the same locked transaction."""
    with transaction.atomic():
        notification = _locked(notification_id)
        if notification is None or not notification.email_due:
            return
        EmailMessage(
            notification.subject,
            notification.body,
            None,
            [notification.email],
            headers={"Message-ID": _message_id(notification)},
        ).send(fail_silently=False)
        notification.email_sent_at = timezone.now()
        notification.save(update_fields=["email_sent_at", "updated_at"])


CHANNELS: tuple[Callable[..., None], ...] = (notification_sms_send, notification_email_send)


def notification_finish(*, notification_id: int) -> str:
    """Mark a pending row sent once no channel is due; returns its state (or ``missing``)."""
    with transaction.atomic():
        notification = _locked(notification_id)
        if notification is None:
            return "missing"
        if notification.state == NotificationState.PENDING and not (
            notification.sms_due or notification.email_due
        ):
            notification.state = NotificationState.SENT
            notification.save(update_fields=["state", "updated_at"])
        return str(notification.state)


def _message_id(notification: Notification) -> str:
    """The same on every attempt, so a receiving mail system can drop a duplicate."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "musaned.example"
    return f"<notification-{notification.key}@{domain}>"


def notification_failure_record(*, notification_id: int, error: Exception) -> dt.datetime | None:
    """Keep why the attempt failed. Past ``tasks.MAX_ATTEMPTS`` the row is marked failed
    (logged at ERROR, shown in the admin) and ``None`` is returned; otherwise the time
    of the next attempt, which the caller schedules."""
    with transaction.atomic():
        notification = _locked(notification_id)
        if notification is None or notification.state != NotificationState.PENDING:
            return None
        notification.last_error = _describe(error)[:2000]
        run_after: dt.datetime | None = None
        if notification.attempts >= tasks.MAX_ATTEMPTS:
            notification.state = NotificationState.FAILED
            logger.error(
                "Notification %s failed after %s attempts, giving up: %s",
                notification.pk,
                notification.attempts,
                notification.last_error,
            )
        else:
            run_after = timezone.now() + tasks.retry_delay(notification.attempts)
            notification.next_attempt_at = run_after
            logger.warning(
                "Notification %s attempt %s failed, retrying at %s: %s",
                notification.pk,
                notification.attempts,
                run_after.isoformat(),
                notification.last_error,
            )
        notification.save(update_fields=["state", "last_error", "next_attempt_at", "updated_at"])
    return run_after


def _describe(exc: BaseException) -> str:
    if isinstance(exc, BaseExceptionGroup):
        return "; ".join(_describe(e) for e in exc.exceptions)
    return f"{type(exc).__name__}: {exc}"


def notifications_requeue(*, older_than: dt.timedelta, failed: bool = False) -> list[int]:
    """The rows to queue again: pending ones untouched for ``older_than`` with no attempt
    scheduled (a worker killed in the middle of one) and, with ``failed``, the failed ones,
    which start their attempts afresh. Returns their ids; the caller enqueues them."""
    now = timezone.now()
    stuck = Notification.objects.filter(
        state=NotificationState.PENDING, updated_at__lt=now - older_than
    ).exclude(next_attempt_at__gt=now)
    rows = list(stuck.values_list("pk", flat=True))
    if failed:
        with transaction.atomic():
            gave_up = Notification.objects.filter(state=NotificationState.FAILED)
            rows += list(gave_up.values_list("pk", flat=True))
            gave_up.update(state=NotificationState.PENDING, attempts=0, updated_at=now)
    return rows
