"""Price ceilings whose date has come suspend the prices above them and tell their
offices. Run daily, after midnight Riyadh time (docs/operations.md). Safe to run twice."""

from django.core.management.base import BaseCommand

from musaned.offices.services import price_ceilings_apply


class Command(BaseCommand):
    help = "Apply price ceilings that take effect today (safe to run more than once)."

    def handle(self, *args, **options):
        count = price_ceilings_apply()
        self.stdout.write(f"Suspended {count} price(s) above a ceiling now in force.")
