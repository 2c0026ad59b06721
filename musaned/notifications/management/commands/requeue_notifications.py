"""Queue again the notifications that are still waiting long after they were written (a
worker killed in the middle of one) and, with ``--failed``, the ones that gave up (after
the SMS gateway or the mail server is fixed). Safe to run at any time: each channel is
marked sent under the row's lock, so nothing already sent is sent again."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from musaned.notifications.services import notifications_requeue
from musaned.notifications.tasks import send_notification


class Command(BaseCommand):
    help = "Re-queue notifications stuck waiting (and, with --failed, failed ones)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=15,
            help="minutes a waiting notification may be without a next attempt (default 15)",
        )
        parser.add_argument("--failed", action="store_true", help="also re-queue failed ones")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = notifications_requeue(
            older_than=dt.timedelta(minutes=options["older_than"]), failed=options["failed"]
        )
        for pk in rows:
            send_notification.enqueue(pk)
        self.stdout.write(f"Queued {len(rows)} notification(s) again.")
