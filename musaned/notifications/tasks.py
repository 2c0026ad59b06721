"""Sending the notification outbox off the request path, with django-tasks.

Each channel is sent at most once. The task takes the outbox row's id, and for
each channel (``musaned/notifications/services.py``) locks the row, skips the channel if it is
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

from django.db import transaction
from django_tasks import task

from musaned.notifications import services

MAX_ATTEMPTS = 5
RETRY_BASE_SECONDS = 30
RETRY_FACTOR = 4


def retry_delay(attempt: int) -> dt.timedelta:
    return dt.timedelta(seconds=RETRY_BASE_SECONDS * RETRY_FACTOR ** (max(attempt, 1) - 1))


@task(priority=10)
def send_notification(notification_id: int) -> str:
    """Send what is still unsent of one outbox row; returns the row's state (or ``missing``)."""
    try:
        return deliver(notification_id)
    except Exception as exc:
        run_after = services.notification_failure_record(notification_id=notification_id, error=exc)
        if run_after is not None:
            transaction.on_commit(lambda: _enqueue_retry(notification_id, run_after))
        raise


def deliver(notification_id: int) -> str:
    """One attempt: count it, send each channel still due, mark the row sent."""
    answer = services.notification_attempt_begin(notification_id=notification_id)
    if answer is not None:
        return answer
    # Each channel on its own: an SMS gateway that is down does not hold back the email.
    errors = []
    for send in services.CHANNELS:
        try:
            send(notification_id=notification_id)
        except Exception as exc:
            errors.append(exc)
    if errors:
        raise errors[0] if len(errors) == 1 else ExceptionGroup("no channel went", errors)
    return services.notification_finish(notification_id=notification_id)


def _enqueue_retry(notification_id: int, run_after: dt.datetime) -> None:
    retry = send_notification
    if retry.get_backend().supports_defer:
        retry = retry.using(run_after=run_after)
    retry.enqueue(notification_id)
