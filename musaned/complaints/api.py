"""The complaints part of the REST API: the caller's own complaints, filing one (about a
recruitment office, too), reading its conversation (never the staff's internal notes),
replying when asked, and accepting the office's answer or asking the ministry to step in.

With an office user's token, the complaints about the caller's own office
(``/office/complaints``): what the office may read of each (never the ministry's messages
or staff notes) and its answer in the amicable phase. Another office's complaint, a
number that does not exist and a caller who works for no office are the one 404."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Status

from musaned.accounts.models import User
from musaned.api.errors import invalid
from musaned.api.idempotency import IDEMPOTENCY_KEY, with_idempotency
from musaned.api.schemas import LIMIT, LIST, OFFSET, READ_ONE, WRITE, answers
from musaned.complaints import selectors, services
from musaned.complaints.errors import MESSAGES as COMPLAINT_MESSAGES
from musaned.complaints.errors import ComplaintErrorCode
from musaned.complaints.models import (
    Category,
    Complaint,
    ComplaintAttachment,
    ComplaintMessage,
    ComplaintState,
    MessageKind,
)
from musaned.complaints.schemas import (
    AskMinistryIn,
    ComplaintIn,
    ComplaintOut,
    ComplaintSummaryOut,
    OfficeAnswerIn,
    OfficeComplaintOut,
    OfficeComplaintSummaryOut,
    ReplyIn,
)
from musaned.complaints.workflow import OFFICE_STATE_LABELS, Action
from musaned.core.errors import CoreErrorCode, NotFound, core_error, message_for
from musaned.core.workflow import transition
from musaned.offices.models import Office
from musaned.offices.selectors import membership_for, office_in_register
from musaned.visas.models import VisaState
from musaned.visas.selectors import applications_for

router = Router(tags=["complaints"])
# The office's routes sit with the offices' own "my office" ones in the API's description.
MY_OFFICE = ["my office"]


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
    "office_answer_due",
    "visa__reference",
    "office__uid",
    "office__name_ar",
    "office__name_en",
)
# What the office's list shows, in one query.
OFFICE_SUMMARY_COLUMNS = ("number", "state", "subject", "created_at", "office_answer_due")


def complaint_of(*, actor: User, number: str) -> Complaint:
    # Complaint numbers are ASCII digits; anything else is not one, and never reaches the
    # database (PostgreSQL refuses a NUL character with an error, not an empty answer).
    if number.isascii() and number.isdigit():
        try:
            return selectors.complaint_get_for(actor=actor, number=number)
        except NotFound:
            pass
    raise core_error(CoreErrorCode.NOT_FOUND)


def office_complaint_of(*, actor: User, number: str) -> Complaint:
    """A complaint about ``actor``'s own office; any other, none, or a caller who works
    for no office is the same 404 (the selector filters by the office in the query)."""
    if number.isascii() and number.isdigit():
        try:
            return selectors.complaint_for_office(actor=actor, number=number)
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


def not_a_choice() -> list[str]:
    """A choice the caller may not make reads as one that does not exist (Django's words)."""
    return [_("Select a valid choice. That choice is not one of the available choices.")]


def office_name_out(office: Office | None) -> dict | None:
    return {"id": str(office.uid), "name": office.name} if office is not None else None


def answer_due(complaint: Complaint) -> dt.datetime | None:
    """When the office's answer is due, while it is the office's turn (UTC)."""
    due = complaint.office_answer_due
    if complaint.state != ComplaintState.WITH_OFFICE or due is None:
        return None
    return due.astimezone(dt.UTC)


def summary_out(complaint: Complaint) -> dict:
    return {
        "number": complaint.number,
        "category": complaint.category,
        "category_label": str(Category(complaint.category).label),
        "state": complaint.state,
        "state_label": str(ComplaintState(complaint.state).label),
        "visa": complaint.visa.reference if complaint.visa is not None else None,
        "office": office_name_out(complaint.office),
        "subject": complaint.subject,
        "created_at": complaint.created_at,
        "office_answer_due": answer_due(complaint),
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


def office_summary_out(complaint: Complaint) -> dict:
    return {
        "number": complaint.number,
        "state": complaint.state,
        "state_label": str(OFFICE_STATE_LABELS[complaint.state]),
        "subject": complaint.subject,
        "created_at": complaint.created_at,
        "office_answer_due": answer_due(complaint),
    }


def office_complaint_out(complaint: Complaint) -> dict:
    """What the office reads of a complaint about it: the beneficiary's name (nothing
    else of them), the office's own answers and the files filed with the complaint (four
    queries with the complaint's)."""
    owner = complaint.owner
    return {
        **office_summary_out(complaint),
        "description": complaint.description,
        "beneficiary": {"name": owner.get_full_name() or owner.username},
        "answers": [
            {"id": m.pk, "body": m.body, "created_at": m.created_at}
            for m in selectors.messages_for_office(complaint)
        ],
        "attachments": [
            {
                "id": a.pk,
                "name": a.display_name,
                "content_type": a.content_type,
                "size": a.size,
                "url": reverse(
                    "complaints:office_attachment",
                    kwargs={"number": complaint.number, "pk": a.pk},
                ),
            }
            for a in selectors.filed_with(complaint).order_by("created_at", "pk")
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
        .select_related("visa", "office")
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
                fields["visa"] = not_a_choice()
        office = None
        office_id = (payload.office or "").strip()
        if office_id:
            # Any office of the register (as on the website), by its opaque id.
            office = office_in_register(uid=office_id)
            if office is None:
                fields["office"] = not_a_choice()
        elif payload.category == Category.OFFICE:
            required = message_for(COMPLAINT_MESSAGES, ComplaintErrorCode.OFFICE_REQUIRED)
            fields["office"] = [str(required)]
        if fields:
            raise invalid(fields)
        complaint = services.complaint_submit(
            owner=request.auth,
            category=payload.category.value,
            subject=subject,
            description=description,
            contact_preference=payload.contact_preference.value,
            visa=visa,
            office=office,
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


@router.post(
    "/complaints/{number}/accept-answer",
    response=answers(200, ComplaintOut, *WRITE),
    summary="Accept the office's answer: the complaint is resolved (only once the office answered)",
)
def accept_answer(request, number: str, idempotency_key: str | None = IDEMPOTENCY_KEY):
    def run():
        complaint = transition(
            obj=complaint_of(actor=request.auth, number=number),
            action=Action.ACCEPT_ANSWER,
            actor=request.auth,
        )
        return 200, complaint_out(complaint)

    return with_idempotency(request, idempotency_key, run)


@router.post(
    "/complaints/{number}/ask-ministry",
    response=answers(200, ComplaintOut, *WRITE),
    summary="Ask the ministry to step in (only once the office answered)",
)
def ask_ministry(
    request,
    number: str,
    payload: AskMinistryIn | None = None,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
):
    def run():
        complaint = complaint_of(actor=request.auth, number=number)
        fields: dict = {}
        message = (payload.message if payload is not None else None) or ""
        # The message is optional: blank is none, but what is sent must be text.
        message = clean_text(message, "message", fields) if message.strip() else ""
        if fields:
            raise invalid(fields)
        complaint = transition(
            obj=complaint, action=Action.ASK_MINISTRY, actor=request.auth, message=message
        )
        return 200, complaint_out(complaint)

    return with_idempotency(request, idempotency_key, run)


# ---------------------------------------------------------------------------- the office's


@router.get(
    "/office/complaints",
    tags=MY_OFFICE,
    response=answers(200, list[OfficeComplaintSummaryOut], 401, 404, 422),
    summary="The complaints about my office",
)
def list_office_complaints(request, limit: int = LIMIT, offset: int = OFFSET):
    """Newest first; page with ``limit`` and ``offset``. A caller who works for no office
    gets 404."""
    if membership_for(actor=request.auth) is None:
        raise core_error(CoreErrorCode.NOT_FOUND)
    rows = (
        selectors.complaints_for_office(actor=request.auth)
        .select_related(None)
        .only(*OFFICE_SUMMARY_COLUMNS)
        .order_by("-created_at", "-pk")
    )
    return [office_summary_out(c) for c in rows[offset : offset + limit]]


@router.get(
    "/office/complaints/{number}",
    tags=MY_OFFICE,
    response=answers(200, OfficeComplaintOut, *READ_ONE),
    summary="One complaint about my office: what the office may read of it",
)
def get_office_complaint(request, number: str):
    complaint = office_complaint_of(actor=request.auth, number=number)
    return Status(200, office_complaint_out(complaint))


@router.post(
    "/office/complaints/{number}/answer",
    tags=MY_OFFICE,
    response=answers(201, OfficeComplaintOut, *WRITE),
    summary="Answer the beneficiary (only while the complaint waits for my office's answer)",
)
def answer_office_complaint(
    request, number: str, payload: OfficeAnswerIn, idempotency_key: str | None = IDEMPOTENCY_KEY
):
    def run():
        complaint = office_complaint_of(actor=request.auth, number=number)
        fields: dict = {}
        message = clean_text(payload.message, "message", fields)
        if fields:
            raise invalid(fields)
        complaint = transition(
            obj=complaint, action=Action.OFFICE_ANSWER, actor=request.auth, message=message
        )
        return 201, office_complaint_out(complaint)

    return with_idempotency(request, idempotency_key, run)
