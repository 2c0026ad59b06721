"""The notification outbox and its send task: atomic with the caller, each channel sent once,
failures retried with backoff, and the database backend's worker.

Most tests run on the immediate backend of the test settings (a task runs when it is
enqueued, i.e. on commit; a retry runs at once); the last ones switch to the database
backend and run the real worker command.
"""

import datetime as dt
import logging
import signal

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from musaned.accounts.tests.factories import UserFactory
from musaned.notifications import sms, tasks
from musaned.notifications.models import Notification, NotificationState
from musaned.notifications.services import notify
from musaned.notifications.sms.backends.locmem import SmsBackend as LocmemSmsBackend
from musaned.notifications.tasks import send_notification

# Real commits: the send task is enqueued only when the caller's transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)

HERE = "musaned.notifications.tests.test_tasks"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

failures = {"sms": 0, "email": 0}


class FlakySmsBackend(LocmemSmsBackend):
    """Fails while ``failures["sms"]`` is above zero, counting down."""

    def send_messages(self, messages) -> int:
        if failures["sms"] > 0:
            failures["sms"] -= 1
            raise ConnectionError("SMS gateway unreachable")
        return super().send_messages(messages)


class FlakyEmailBackend(LocmemEmailBackend):
    def send_messages(self, messages) -> int:
        if failures["email"] > 0:
            failures["email"] -= 1
            raise ConnectionError("SMTP server unreachable")
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def flaky_backends(settings):
    failures.update(sms=0, email=0)
    settings.SMS_BACKEND = f"{HERE}.FlakySmsBackend"
    settings.EMAIL_BACKEND = f"{HERE}.FlakyEmailBackend"
    yield
    failures.update(sms=0, email=0)


@pytest.fixture
def person():
    return UserFactory(username="salem", mobile="+966500000091", preferred_language="en")


def tell(person, **kwargs) -> Notification:
    with transaction.atomic():
        return notify(user=person, subject="Visa 123", body="Your visa is issued.", **kwargs)


def sent_sms() -> list[tuple[str, str]]:
    return [(m.to, m.body) for m in sms.outbox]


def test_the_outbox_row_is_part_of_the_callers_transaction(person):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(user=person, subject="Visa 123", body="Your visa is issued.")
        raise RuntimeError("the business change fails")
    assert Notification.objects.count() == 0
    assert sms.outbox == [] and mail.outbox == []


def test_nothing_is_sent_before_the_transaction_commits(person):
    with transaction.atomic():
        notify(user=person, subject="Visa 123", body="Your visa is issued.")
        assert Notification.objects.get().state == NotificationState.PENDING
        assert sms.outbox == [] and mail.outbox == []
    assert len(sms.outbox) == 1 and len(mail.outbox) == 1


def test_the_task_sends_the_sms_and_the_email_once(person):
    notification = tell(person)
    assert sent_sms() == [("+966500000091", "Visa 123: Your visa is issued.")]
    assert [(m.subject, m.body, m.to) for m in mail.outbox] == [
        ("Visa 123", "Your visa is issued.", ["salem@example.com"])
    ]
    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT
    assert notification.sms_sent_at and notification.email_sent_at
    assert notification.attempts == 1 and notification.last_error == ""
    # The same Message-ID on every attempt lets a mail system drop a duplicate.
    assert mail.outbox[0].extra_headers["Message-ID"] == (
        f"<notification-{notification.key}@musaned.example>"
    )


def test_the_message_is_stored_in_the_recipients_language(person):
    from django.utils.translation import gettext_lazy as _

    subject = _("Musaned visa request %(ref)s")
    for language, expected in (
        ("ar", "مساند: طلب التأشيرة رقم %(ref)s"),
        ("en", "Musaned visa request %(ref)s"),
    ):
        person.preferred_language = language
        with transaction.atomic():
            notification = notify(user=person, subject=subject, body="-")
        notification.refresh_from_db()
        assert notification.subject == expected


def test_running_the_task_again_sends_nothing_again(person):
    notification = tell(person)
    assert send_notification.call(notification.pk) == NotificationState.SENT
    send_notification.enqueue(notification.pk)
    assert len(sms.outbox) == 1 and len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.attempts == 1


def test_the_same_key_queues_one_message(person):
    first = tell(person, key="visa-123-issued")
    second = tell(person, key="visa-123-issued")
    assert first.pk == second.pk
    assert Notification.objects.count() == 1 and len(sms.outbox) == 1


def test_a_person_without_mobile_or_email_gets_no_row():
    nobody = UserFactory(username="nobody", email="")
    with transaction.atomic():
        assert notify(user=nobody, subject="s", body="b") is None
    assert Notification.objects.count() == 0


def test_an_sms_gateway_that_fails_once_is_retried_and_sends_once(person):
    failures["sms"] = 1
    notification = tell(person)
    assert len(sms.outbox) == 1 and len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT
    assert notification.attempts == 2
    assert notification.last_error == "ConnectionError: SMS gateway unreachable"


def test_an_email_failure_after_the_sms_went_does_not_send_the_sms_again(person):
    failures["email"] = 2
    notification = tell(person)
    assert len(sms.outbox) == 1  # sent on the first attempt, never again
    assert len(mail.outbox) == 1  # sent on the third
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (NotificationState.SENT, 3)


def test_after_the_last_attempt_it_is_left_failed_and_logged(person, caplog):
    failures["sms"] = 100
    with caplog.at_level(logging.WARNING, logger="musaned.notifications.tasks"):
        notification = tell(person)
    notification.refresh_from_db()
    assert notification.state == NotificationState.FAILED
    assert notification.attempts == tasks.MAX_ATTEMPTS
    assert sms.outbox == []
    assert len(mail.outbox) == 1  # the email went on the first attempt, and only then
    assert failures["sms"] == 100 - tasks.MAX_ATTEMPTS
    assert any(r.levelno == logging.ERROR and "giving up" in r.getMessage() for r in caplog.records)
    # A failed row is not sent by a late duplicate of the task either.
    failures["sms"] = 0
    assert send_notification.call(notification.pk) == NotificationState.FAILED
    assert sms.outbox == []


def test_when_both_channels_fail_both_errors_are_recorded(person):
    failures.update(sms=1, email=1)
    notification = tell(person)
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (NotificationState.SENT, 2)
    assert notification.last_error == (
        "ConnectionError: SMS gateway unreachable; ConnectionError: SMTP server unreachable"
    )
    assert len(sms.outbox) == 1 and len(mail.outbox) == 1


def test_the_backoff_grows_fourfold_from_thirty_seconds():
    assert [tasks.retry_delay(n).total_seconds() for n in range(1, 5)] == [30, 120, 480, 1920]


def test_the_outbox_is_read_only_in_the_admin(person):
    notification = tell(person)
    admin = UserFactory(username="root", email="root@x.test", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    assert client.get("/en/admin/notifications/notification/?state=sent").status_code == 200
    page = client.get(f"/en/admin/notifications/notification/{notification.pk}/change/")
    assert page.status_code == 200 and b"salem@example.com" in page.content
    assert client.get("/en/admin/notifications/notification/add/").status_code == 403
    assert client.post(
        f"/en/admin/notifications/notification/{notification.pk}/delete/", {"post": "yes"}
    ).status_code in (403, 302)
    assert Notification.objects.filter(pk=notification.pk).exists()


# --- the database backend and its worker ------------------------------------------------


@pytest.fixture
def database_backend(settings):
    settings.TASKS = DATABASE_TASKS
    # The worker installs its own signal handlers; give the test process its own back.
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


def run_worker() -> None:
    """The documented worker, draining the queue once and exiting."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_with_the_database_backend_a_task_row_waits_for_the_worker(person, database_backend):
    notification = tell(person)
    task_row = DBTaskResult.objects.get()
    assert task_row.task_path == "musaned.notifications.tasks.send_notification"
    assert task_row.args_kwargs == {"args": [notification.pk], "kwargs": {}}
    assert task_row.status == "READY"
    assert sms.outbox == [] and mail.outbox == []

    run_worker()

    assert len(sms.outbox) == 1 and len(mail.outbox) == 1
    task_row.refresh_from_db()
    assert task_row.status == "SUCCESSFUL"
    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT


def test_with_the_database_backend_a_failure_is_retried_later(person, database_backend):
    failures["sms"] = 1
    notification = tell(person)
    before = timezone.now()
    run_worker()

    first, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert first.status == "FAILED"
    assert first.exception_class_path == "builtins.ConnectionError"
    assert retry.status == "READY"  # waiting: the worker did not run it yet
    delay = retry.run_after - before
    assert dt.timedelta(seconds=25) < delay < dt.timedelta(seconds=35)
    notification.refresh_from_db()
    assert notification.next_attempt_at == retry.run_after
    assert sms.outbox == []

    # Thirty seconds later, the worker sends it once.
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()
    retry.refresh_from_db()
    assert retry.status == "SUCCESSFUL"
    assert len(sms.outbox) == 1 and len(mail.outbox) == 1
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (NotificationState.SENT, 2)


def test_requeue_sends_a_stuck_notification_once_and_a_failed_one_on_request(
    django_user_model,
):
    import io

    import time_machine
    from django.core.management import call_command

    from musaned.notifications import sms
    from musaned.notifications.models import Notification, NotificationState

    user = UserFactory(username="stuck", mobile="+966500000071", email="")
    stuck = Notification.objects.create(
        user=user, mobile=user.mobile, subject="S", body="stuck one"
    )
    failed = Notification.objects.create(
        user=user,
        mobile=user.mobile,
        subject="S",
        body="failed one",
        state=NotificationState.FAILED,
    )
    sms.outbox.clear()
    call_command("requeue_notifications", stdout=io.StringIO())
    assert not sms.outbox  # not old enough yet
    with time_machine.travel(dt.timedelta(minutes=20)):
        call_command("requeue_notifications", stdout=io.StringIO())
        call_command("requeue_notifications", stdout=io.StringIO())
    assert [m.body for m in sms.outbox].count("S: stuck one") == 1
    call_command("requeue_notifications", "--failed", stdout=io.StringIO())
    assert [m.body for m in sms.outbox].count("S: failed one") == 1
    stuck.refresh_from_db()
    failed.refresh_from_db()
    assert stuck.state == failed.state == NotificationState.SENT
