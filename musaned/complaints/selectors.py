"""Reads of complaints for their owner (internal notes are never selected here), and the
clock's one definition of "overdue". The history a complaint shows is read by
``musaned.core.timeline`` with the workflow's labels."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from musaned.accounts.models import User
from musaned.complaints.models import Complaint, ComplaintAttachment, ComplaintMessage, MessageKind
from musaned.complaints.workflow import CLOCK_STATES
from musaned.core.errors import NotFound


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


def overdue_q(now: dt.datetime) -> Q:
    """Complaints whose clock is running and has run out: no first answer by its due
    time, or not resolved by its due time."""
    not_answered = Q(first_answered_at__isnull=True, first_answer_due__lt=now)
    return Q(state__in=CLOCK_STATES) & (not_answered | Q(resolution_due__lt=now))
