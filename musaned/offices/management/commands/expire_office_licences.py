"""Offices whose licence's last day has passed expire; suspensions whose last day has
passed end (the office is active again, or expired if its licence lapsed meanwhile). Run
daily, after midnight Riyadh time (docs/operations.md). Safe to run twice."""

from django.core.management.base import BaseCommand

from musaned.offices.services import offices_expire


class Command(BaseCommand):
    help = (
        "Expire lapsed office licences and end suspensions whose end date has passed "
        "(safe to run more than once)."
    )

    def handle(self, *args, **options):
        done = offices_expire()
        self.stdout.write(
            f"Expired {done['expire']} office licence(s); ended {done['end_suspension']} "
            "suspension(s)."
        )
