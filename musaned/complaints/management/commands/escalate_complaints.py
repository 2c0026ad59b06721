"""Escalate overdue complaints, move to the ministry the complaints an office left
unanswered, resolve those whose office answer the beneficiary let stand, and close
resolved ones whose reopening window passed. Run every few minutes (cron or a systemd
timer); running it twice does nothing twice."""

from django.core.management.base import BaseCommand

from musaned.complaints.services import (
    complaints_close_resolved,
    complaints_escalate_overdue,
    complaints_office_answers_stand,
    complaints_office_window_ended,
)


class Command(BaseCommand):
    help = (
        "Escalate complaints past their service-level time; send to the ministry those an"
        " office did not answer in time; resolve unanswered office answers; close resolved"
        " ones (idempotent)."
    )

    def handle(self, *args, **options):
        to_ministry = complaints_office_window_ended()
        escalated = complaints_escalate_overdue()
        stood = complaints_office_answers_stand()
        closed = complaints_close_resolved()
        self.stdout.write(
            f"Escalated {escalated} complaint(s); sent {to_ministry} to the ministry from"
            f" their office; resolved {stood} with the office's answer; closed {closed}."
        )
