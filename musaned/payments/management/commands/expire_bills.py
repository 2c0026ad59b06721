"""Expire unpaid bills whose due time has passed.

Run it every few minutes from cron or a systemd timer (docs/payments.md), e.g.
``*/5 * * * * cd /srv/musaned && .venv/bin/python manage.py expire_bills``.
Safe to run twice or on two machines at once.
"""

from django.core.management.base import BaseCommand

from musaned.payments.services import bills_expire


class Command(BaseCommand):
    help = "Expire unpaid bills past their due time (run every few minutes)."

    def handle(self, *args, **options):
        count = bills_expire()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Expired {count} bill(s).")
