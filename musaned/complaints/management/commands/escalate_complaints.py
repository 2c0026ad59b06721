"""Escalate overdue complaints. Run every few minutes (cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from musaned.complaints.services import complaints_escalate_overdue


class Command(BaseCommand):
    help = "Escalate open complaints past their service-level time (safe to run twice)."

    def handle(self, *args, **options):
        self.stdout.write(f"Escalated {complaints_escalate_overdue()} complaint(s).")
