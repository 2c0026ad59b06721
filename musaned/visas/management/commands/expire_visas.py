"""Issued visas past their expiry date become expired. Run daily (cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from musaned.visas.services import visas_expire


class Command(BaseCommand):
    help = "Expire issued visas whose validity has ended (safe to run more than once)."

    def handle(self, *args, **options):
        count = visas_expire()
        self.stdout.write(f"Expired {count} visa(s).")
