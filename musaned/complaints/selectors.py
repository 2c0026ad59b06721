"""Reads of complaints for their owner (internal notes are never selected here), and the
clock's one definition of "overdue". The history a complaint shows is read by
``musaned.core.timeline`` with the workflow's labels."""

import datetime as dt
import uuid
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from musaned.accounts import personal_data
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
from musaned.recruitment.models import Contract


def complaints_for(*, actor: User) -> QuerySet[Complaint]:
    return Complaint.objects.filter(owner=actor).order_by("-created_at")


def complaint_get_for(*, actor: User, number: str) -> Complaint:
    """One of the actor's complaints by number; anyone else's is NotFound."""
    complaint = (
        complaints_for(actor=actor)
        .select_related("visa", "visa__occupation", "service_level", "contract")
        .filter(number=number)
        .first()
    )
    if complaint is None:
        raise NotFound("not_found", _("There is no such complaint in your account."))
    return complaint


def contracts_to_name(*, owner: User) -> QuerySet[Contract]:
    """The owner's own recruitment contracts, newest first, with their office: a complaint
    about an office may name one of those with it (``complaint_submit`` checks both)."""
    return (
        Contract.objects.filter(beneficiary=owner)
        .select_related("office")
        .order_by("-created_at", "-id")
    )


def contract_to_name(*, owner: User, uid: object) -> Contract | None:
    """One of the owner's contracts by its opaque id; anyone else's, or no such id, is
    ``None``."""
    try:
        key = uuid.UUID(str(uid))
    except ValueError:
        return None
    return contracts_to_name(owner=owner).filter(uid=key).first()


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


def complaints_in_personal_data(user: User) -> list[dict[str, Any]]:
    """``user``'s complaints for their data download (PDPL), as their complaint pages show
    them: what they filed, the clocks, their rating, the conversation without internal
    notes (a staff answer is "musaned", never a staff member's name; an office's answer is
    the office) and the files, without those of internal notes. Three queries."""
    rows = (
        complaints_for(actor=user)
        .select_related("visa", "office", "contract")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=ComplaintMessage.objects.exclude(kind=MessageKind.NOTE).order_by(
                    "created_at", "id"
                ),
            ),
            Prefetch(
                "attachments",
                queryset=ComplaintAttachment.objects.exclude(
                    message__kind=MessageKind.NOTE
                ).order_by("created_at", "id"),
            ),
        )
        .order_by("created_at", "id")
    )

    def written_by(message: ComplaintMessage) -> str:
        if message.from_office:
            return "office"
        return "musaned" if message.from_staff else "you"

    return [
        {
            "number": c.number,
            "state": c.state,
            "category": c.category,
            "subject": c.subject,
            "description": c.description,
            "contact_preference": c.contact_preference,
            "visa": c.visa.reference if c.visa else None,
            "office": c.office.name if c.office else None,
            "contract": c.contract.number if c.contract else None,
            "created_at": personal_data.iso(c.created_at),
            "first_answer_due": personal_data.iso(c.first_answer_due),
            "resolution_due": personal_data.iso(c.resolution_due),
            "first_answered_at": personal_data.iso(c.first_answered_at),
            "resolved_at": personal_data.iso(c.resolved_at),
            "closed_at": personal_data.iso(c.closed_at),
            "rating": c.rating,
            "rating_comment": c.rating_comment,
            "rated_at": personal_data.iso(c.rated_at),
            "messages": [
                {
                    "time": personal_data.iso(m.created_at),
                    "from": written_by(m),
                    "kind": m.kind,
                    "body": m.body,
                }
                for m in c.messages.all()
            ],
            "files": [
                {
                    "name": f.display_name,
                    "type": f.content_type,
                    "size": f.size,
                    "sent_at": personal_data.iso(f.created_at),
                }
                for f in c.attachments.all()
            ],
        }
        for c in rows
    ]


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
        .select_related("office", "service_level", "contract")
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
