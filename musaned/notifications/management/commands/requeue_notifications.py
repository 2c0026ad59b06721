"""Queue again the notifications that are still waiting long after they were written (a
worker killed in the middle of one) and, with ``--failed``, the ones that gave up (after
the SMS gateway or the mail server is fixed). Safe to run at any time: each channel is
marked sent under the row's lock, so nothing already sent is sent again."""

import datetime as dt

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from musaned.notifications.models import Notification, NotificationState
from musaned.notifications.tasks import send_notification


class Command(BaseCommand):
    help = "Re-queue notifications stuck waiting (and, with --failed, failed ones)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=15,
            help="minutes a waiting notification may be without a next attempt (default 15)",
        )
        parser.add_argument("--failed", action="store_true", help="also re-queue failed ones")

    def handle(self, *args, **options):
        now = timezone.now()
        cutoff = now - dt.timedelta(minutes=options["older_than"])
        stuck = Notification.objects.filter(
            state=NotificationState.PENDING, updated_at__lt=cutoff
        ).exclude(next_attempt_at__gt=now)
        rows = list(stuck.values_list("pk", flat=True))
        if options["failed"]:
            failed = Notification.objects.filter(state=NotificationState.FAILED)
            rows += list(failed.values_list("pk", flat=True))
            with transaction.atomic():
                failed.update(state=NotificationState.PENDING, attempts=0, updated_at=now)
        for pk in rows:
            send_notification.enqueue(pk)
        self.stdout.write(f"Queued {len(rows)} notification(s) again.")
