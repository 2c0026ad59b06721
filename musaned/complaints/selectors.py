"""Reads of complaints for their owner (internal notes are never selected here), and the
clock's one definition of "overdue". The history a complaint shows is read by
``musaned.core.timeline`` with the workflow's labels."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from musaned.accounts.models import User
from musaned.complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintMessage,
    ComplaintState,
    MessageKind,
)
from musaned.complaints.workflow import CLOCK_STATES
from musaned.core.errors import NotFound
from musaned.offices.selectors import membership_for


def complaints_for(*, actor: User) -> QuerySet[Complaint]:
    return Complaint.objects.filter(owner=actor).order_by("-created_at")


def complaint_get_for(*, actor: User, number: str) -> Complaint:
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


def filed_with(complaint: Complaint) -> QuerySet[ComplaintAttachment]:
    """The files that came with the complaint itself (not with a message)."""
    return ComplaintAttachment.objects.filter(complaint=complaint, message__isnull=True)


def attachment_for_owner(*, complaint: Complaint, pk: int) -> ComplaintAttachment:
    attachment = (
        ComplaintAttachment.objects.filter(complaint=complaint, pk=pk)
        .exclude(message__kind=MessageKind.NOTE)
        .first()
    )
    if attachment is None:
        raise NotFound("not_found", _("There is no such file."))
    return attachment


def answer_stands_on(complaint: Complaint) -> dt.datetime | None:
    """When the office's answer stands (resolves the complaint) if the beneficiary says
    nothing: the reopening window's days after the answer; ``None`` unless it waits."""
    if complaint.state != ComplaintState.OFFICE_ANSWERED or complaint.office_answered_at is None:
        return None
    return complaint.office_answered_at + dt.timedelta(days=complaint.service_level.reopen_days)


# --- The office's reads: the complaints naming the actor's own office ----------------------


def complaints_for_office(*, actor: User) -> QuerySet[Complaint]:
    """The complaints naming the office ``actor`` works for now (none for anyone else)."""
    membership = membership_for(actor=actor)
    if membership is None:
        return Complaint.objects.none()
    return (
        Complaint.objects.filter(office_id=membership.office_id)
        .select_related("owner")
        .order_by("-created_at")
    )


def complaint_for_office(*, actor: User, number: str) -> Complaint:
    """One complaint about ``actor``'s office by number; any other is NotFound."""
    complaint = (
        complaints_for_office(actor=actor)
        .select_related("office", "service_level")
        .filter(number=number)
        .first()
    )
    if complaint is None:
        raise NotFound("not_found", _("There is no such complaint about your office."))
    return complaint


def messages_for_office(complaint: Complaint) -> QuerySet[ComplaintMessage]:
    """What the office reads of the conversation: its own answers. The beneficiary's
    words to the ministry, the ministry's answers and staff notes stay between them."""
    return ComplaintMessage.objects.filter(
        complaint=complaint, kind=MessageKind.OFFICE_ANSWER
    ).order_by("created_at", "id")


def attachment_for_office(*, complaint: Complaint, pk: int) -> ComplaintAttachment:
    """A file the beneficiary filed with the complaint itself (the office's evidence)."""
    attachment = ComplaintAttachment.objects.filter(
        complaint=complaint, pk=pk, message__isnull=True
    ).first()
    if attachment is None:
        raise NotFound("not_found", _("There is no such file."))
    return attachment


def overdue_q(now: dt.datetime) -> Q:
    """Complaints whose clock is running and has run out: no first answer by its due
    time, or not resolved by its due time."""
    not_answered = Q(first_answered_at__isnull=True, first_answer_due__lt=now)
    return Q(state__in=CLOCK_STATES) & (not_answered | Q(resolution_due__lt=now))
