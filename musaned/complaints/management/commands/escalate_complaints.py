"""Escalate overdue complaints and close resolved ones whose reopening window passed.
Run every few minutes (cron or a systemd timer); running it twice does nothing twice."""

from django.core.management.base import BaseCommand

from musaned.complaints.services import complaints_close_resolved, complaints_escalate_overdue


class Command(BaseCommand):
    help = "Escalate complaints past their service-level time; close resolved ones (idempotent)."

    def handle(self, *args, **options):
        escalated = complaints_escalate_overdue()
        closed = complaints_close_resolved()
        self.stdout.write(f"Escalated {escalated} complaint(s); closed {closed}.")
