"""The complaints part of the REST API: the caller's own complaints, filing one, reading
its conversation (never the staff's internal notes) and replying when asked."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Status

from musaned.accounts.models import User
from musaned.api.errors import invalid
from musaned.api.idempotency import IDEMPOTENCY_KEY, with_idempotency
from musaned.api.schemas import LIMIT, LIST, OFFSET, READ_ONE, WRITE, answers
from musaned.complaints import selectors, services
from musaned.complaints.models import (
    Category,
    Complaint,
    ComplaintAttachment,
    ComplaintMessage,
    ComplaintState,
    MessageKind,
)
from musaned.complaints.schemas import ComplaintIn, ComplaintOut, ComplaintSummaryOut, ReplyIn
from musaned.complaints.workflow import Action
from musaned.core.errors import CoreErrorCode, NotFound, core_error
from musaned.core.workflow import transition
from musaned.visas.models import VisaState
from musaned.visas.selectors import applications_for

router = Router(tags=["complaints"])


# ---------------------------------------------------------------------------- reads
# Through the owner's selectors: "not yours" and "no such number" are one 404, and the
# internal notes are left out by the query itself.

# What the list shows, in one query.
SUMMARY_COLUMNS = (
    "number",
    "category",
    "state",
    "subject",
    "created_at",
    "first_answer_due",
    "resolution_due",
    "rating",
    "visa__reference",
)


def complaint_of(*, actor: User, number: str) -> Complaint:
    # Complaint numbers are ASCII digits; anything else is not one, and never reaches the
    # database (PostgreSQL refuses a NUL character with an error, not an empty answer).
    if number.isascii() and number.isdigit():
        try:
            return selectors.complaint_get_for(actor=actor, number=number)
        except NotFound:
            pass
    raise core_error(CoreErrorCode.NOT_FOUND)


def conversation(complaint: Complaint) -> tuple[list[ComplaintMessage], list[ComplaintAttachment]]:
    """The messages the owner may read, and their files with those sent with the filing
    (three queries, however long the conversation)."""
    messages = list(selectors.messages_for_owner(complaint))
    attachments = list(complaint.attachments.filter(message__isnull=True))
    for message in messages:
        attachments.extend(message.attachments.all())
    attachments.sort(key=lambda a: (a.created_at, a.pk))
    return messages, attachments


# ---------------------------------------------------------------------------- answers


def summary_out(complaint: Complaint) -> dict:
    return {
        "number": complaint.number,
        "category": complaint.category,
        "category_label": str(Category(complaint.category).label),
        "state": complaint.state,
        "state_label": str(ComplaintState(complaint.state).label),
        "visa": complaint.visa.reference if complaint.visa is not None else None,
        "subject": complaint.subject,
        "created_at": complaint.created_at,
        # In UTC, however the service computed them (the clocks work in Riyadh time).
        "first_answer_due": complaint.first_answer_due.astimezone(dt.UTC),
        "resolution_due": complaint.resolution_due.astimezone(dt.UTC),
        "rating": complaint.rating,
    }


def complaint_out(complaint: Complaint) -> dict:
    messages, attachments = conversation(complaint)
    return {
        **summary_out(complaint),
        "description": complaint.description,
        "contact_preference": complaint.contact_preference,
        "messages": [
            {
                "id": m.pk,
                "kind": m.kind,
                "kind_label": str(MessageKind(m.kind).label),
                "body": m.body,
                "from_staff": m.from_staff,
                "created_at": m.created_at,
            }
            for m in messages
        ],
        "attachments": [
            {
                "id": a.pk,
                "message_id": a.message_id,
                "name": a.display_name,
                "content_type": a.content_type,
                "size": a.size,
                "url": reverse(
                    "complaints:attachment", kwargs={"number": complaint.number, "pk": a.pk}
                ),
            }
            for a in attachments
        ],
    }


def clean_text(value: str, name: str, fields: dict) -> str:
    """Trimmed text, or a field error: blank and lone surrogates (not UTF-8) are refused
    with Django's own translated messages. Control characters, NUL among them, are
    already gone (the schemas' text types, musaned.core.text)."""
    value = value.strip()
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        fields[name] = [_("Enter a valid value.")]
        return value
    if not value:
        fields[name] = [_("This field is required.")]
    return value


# ---------------------------------------------------------------------------- routes


@router.get(
    "/complaints",
    response=answers(200, list[ComplaintSummaryOut], *LIST),
    summary="My complaints",
)
def list_complaints(request, limit: int = LIMIT, offset: int = OFFSET):
    """Newest first; page with ``limit`` and ``offset``."""
    rows = (
        selectors.complaints_for(actor=request.auth)
        .select_related("visa")
        .only(*SUMMARY_COLUMNS)
        .order_by("-created_at", "-pk")
    )
    return [summary_out(c) for c in rows[offset : offset + limit]]


@router.get(
    "/complaints/{number}",
    response=answers(200, ComplaintOut, *READ_ONE),
    summary="One of my complaints, with its conversation and attachments",
)
def get_complaint(request, number: str):
    return Status(200, complaint_out(complaint_of(actor=request.auth, number=number)))


@router.post(
    "/complaints",
    response=answers(201, ComplaintOut, 400, 401, 409, 422),
    summary="File a complaint (files are attached on the website)",
)
def create_complaint(request, payload: ComplaintIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    def run():
        fields: dict = {}
        subject = clean_text(payload.subject, "subject", fields)
        description = clean_text(payload.description, "description", fields)
        visa = None
        reference = (payload.visa or "").strip()
        if reference:
            if reference.isascii() and reference.isdigit():
                visa = (
                    applications_for(actor=request.auth)
                    .exclude(state=VisaState.DRAFT)  # as on the website: no drafts
                    .filter(reference=reference)
                    .first()
                )
            if visa is None:
                # Someone else's request and no such request read the same.
                fields["visa"] = [
                    _("Select a valid choice. That choice is not one of the available choices.")
                ]
        if fields:
            raise invalid(fields)
        complaint = services.complaint_submit(
            owner=request.auth,
            category=payload.category.value,
            subject=subject,
            description=description,
            contact_preference=payload.contact_preference.value,
            visa=visa,
        )
        return 201, complaint_out(complaint)

    return with_idempotency(request, idempotency_key, run)


@router.post(
    "/complaints/{number}/replies",
    response=answers(201, ComplaintOut, *WRITE),
    summary="Answer the officer's request for information (only while it waits for you)",
)
def reply(request, number: str, payload: ReplyIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    def run():
        complaint = complaint_of(actor=request.auth, number=number)
        fields: dict = {}
        message = clean_text(payload.message, "message", fields)
        if fields:
            raise invalid(fields)
        complaint = transition(
            obj=complaint,
            action=Action.REPLY,
            actor=request.auth,
            message=message,
        )
        return 201, complaint_out(complaint)

    return with_idempotency(request, idempotency_key, run)
