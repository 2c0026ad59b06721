"""Sending the notification outbox off the request path, with django-tasks.

Each channel is sent at most once. The task takes the outbox row's id, and for
each channel locks the row (``select_for_update``), skips the channel if it is
already marked sent, sends it and marks it in that same transaction; a failing
channel does not stop the other. A retry after an email failure therefore does
not send the SMS again, and two workers running the same row wait for each
other instead of both sending. (If the process dies between the gateway
accepting a message and the commit, that one message can go twice: no outbox
can rule that out without the gateway's help; the email carries a
``Message-ID`` made from the row's key so mail systems can drop a duplicate.)

Retries: django-tasks (0.12) and its database backend (django-tasks-db 0.13) run
a task once and record a failure; they do not retry. So the task retries
itself: on failure it counts the attempt on the row, enqueues itself again with
``run_after`` = now + 30 s × 4^(attempt-1) (30 s, 2 min, 8 min, 32 min) and
re-raises, so the task result shows the failure. After ``MAX_ATTEMPTS`` the row
is marked failed, logged at ERROR and shown in the admin. A backend that cannot
defer (the immediate backend of the tests) retries at once.
"""

import datetime as dt
import logging
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from musaned.notifications.models import Notification, NotificationState
from musaned.notifications.sms import send_sms

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_BASE_SECONDS = 30
RETRY_FACTOR = 4


@task(priority=10)
def send_notification(notification_id: int) -> str:
    """Send what is still unsent of one outbox row; returns the row's state (or ``missing``)."""
    try:
        return deliver(notification_id)
    except Exception as exc:
        _record_failure(notification_id, exc)
        raise


def deliver(notification_id: int) -> str:
    with transaction.atomic():
        notification = _locked(notification_id)
        if notification is None:
            return "missing"
        if notification.state != NotificationState.PENDING:
            return notification.state  # already sent, or given up: never send again
        notification.attempts += 1
        notification.next_attempt_at = None
        notification.save(update_fields=["attempts", "next_attempt_at", "updated_at"])

    # Each channel on its own: an SMS gateway that is down does not hold back the email.
    errors = []
    for send in (_send_sms_once, _send_email_once):
        try:
            send(notification_id)
        except Exception as exc:
            errors.append(exc)
    if errors:
        raise errors[0] if len(errors) == 1 else ExceptionGroup("no channel went", errors)

    with transaction.atomic():
        notification = _locked(notification_id)
        if notification is None:
            return "missing"
        if notification.state == NotificationState.PENDING and not (
            notification.sms_due or notification.email_due
        ):
            notification.state = NotificationState.SENT
            notification.save(update_fields=["state", "updated_at"])
        return notification.state


def _locked(notification_id: int) -> Notification | None:
    return Notification.objects.select_for_update().filter(pk=notification_id).first()


def _send_sms_once(notification_id: int) -> None:
    with transaction.atomic():
        notification = _locked(notification_id)
        if notification is None or not notification.sms_due:
            return
        send_sms(notification.mobile, f"{notification.subject}: {notification.body}")
        notification.sms_sent_at = timezone.now()
        notification.save(update_fields=["sms_sent_at", "updated_at"])


def _send_email_once(notification_id: int) -> None:
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


def _message_id(notification: Notification) -> str:
    """The same on every attempt, so a receiving mail system can drop a duplicate."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "musaned.example"
    return f"<notification-{notification.key}@{domain}>"


def retry_delay(attempt: int) -> dt.timedelta:
    return dt.timedelta(seconds=RETRY_BASE_SECONDS * RETRY_FACTOR ** (max(attempt, 1) - 1))


def _record_failure(notification_id: int, exc: Exception) -> None:
    with transaction.atomic():
        notification = _locked(notification_id)
        if notification is None or notification.state != NotificationState.PENDING:
            return
        notification.last_error = _describe(exc)[:2000]
        if notification.attempts >= MAX_ATTEMPTS:
            notification.state = NotificationState.FAILED
            logger.error(
                "Notification %s failed after %s attempts, giving up: %s",
                notification.pk,
                notification.attempts,
                notification.last_error,
            )
        else:
            run_after = timezone.now() + retry_delay(notification.attempts)
            notification.next_attempt_at = run_after
            logger.warning(
                "Notification %s attempt %s failed, retrying at %s: %s",
                notification.pk,
                notification.attempts,
                run_after.isoformat(),
                notification.last_error,
            )
            transaction.on_commit(lambda: _enqueue_retry(notification_id, run_after))
        notification.save(update_fields=["state", "last_error", "next_attempt_at", "updated_at"])


def _describe(exc: Exception) -> str:
    if isinstance(exc, ExceptionGroup):
        return "; ".join(_describe(e) for e in exc.exceptions)
    return f"{type(exc).__name__}: {exc}"


def _enqueue_retry(notification_id: int, run_after: dt.datetime) -> None:
    retry = send_notification
    if retry.get_backend().supports_defer:
        retry = retry.using(run_after=run_after)
    retry.enqueue(notification_id)
