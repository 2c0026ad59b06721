"""Reads of complaints for their owner. Internal notes are never selected here."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from musaned.complaints.models import Complaint, ComplaintAttachment, ComplaintMessage, MessageKind
from musaned.core.errors import NotFound
from musaned.core.models import AuditEvent


def complaints_for(*, actor) -> QuerySet[Complaint]:
    return Complaint.objects.filter(owner=actor).order_by("-created_at")


def complaint_get_for(*, actor, number: str) -> Complaint:
    """One of the actor's complaints by number; anyone else's is NotFound."""
    complaint = (
        complaints_for(actor=actor)
        .select_related("visa", "visa__occupation", "service_level")
        .filter(number=number)
        .first()
    )
    if complaint is None:
        raise NotFound("not_found", _("There is no such complaint in your account."))
    return complaint


def messages_for_owner(complaint: Complaint) -> QuerySet[ComplaintMessage]:
    """The conversation as the beneficiary sees it: every message but internal notes."""
    return (
        ComplaintMessage.objects.filter(complaint=complaint)
        .exclude(kind=MessageKind.NOTE)
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def attachment_for_owner(*, complaint: Complaint, pk: int) -> ComplaintAttachment:
    attachment = (
        ComplaintAttachment.objects.filter(complaint=complaint, pk=pk)
        .exclude(message__kind=MessageKind.NOTE)
        .first()
    )
    if attachment is None:
        raise NotFound("not_found", _("There is no such file."))
    return attachment


TIMELINE_LABELS = {
    "complaint.submitted": _("Complaint filed"),
    "complaint.take": _("An officer took it"),
    "complaint.reassign": _("Passed to another officer"),
    "complaint.answer": _("Answered"),
    "complaint.ask_info": _("More information asked of you"),
    "complaint.reply": _("You replied"),
    "complaint.escalate": _("Escalated to a supervisor"),
    "complaint.resolve": _("Resolved"),
    "complaint.reject": _("Rejected as out of scope"),
    "complaint.reopen": _("You reopened it"),
    "complaint.close": _("Closed"),
    "complaint.rated": _("You rated the resolution"),
}


def timeline_for_owner(complaint: Complaint) -> list[dict]:
    """What happened, oldest first; staff-only events (notes, views) are left out."""
    events = AuditEvent.objects.filter(
        target_type="complaints.complaint",
        target_id=str(complaint.pk),
        action__in=list(TIMELINE_LABELS),
    ).order_by("created_at", "id")
    return [
        {"at": event.created_at, "label": TIMELINE_LABELS[event.action]}
        for event in events.only("created_at", "action")
    ]
