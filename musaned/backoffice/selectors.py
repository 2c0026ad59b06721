"""What the back office reads, always for a staff member (``actor``) and filtered in the
query: a person without the permission a read needs gets no rows (a 404), whatever the
page in front of it checked.

Complaints open to staff who handle or supervise them; submitted visa requests to
reviewers and supervisors; audit trails to supervisors. The history of a record is read
by ``musaned.core.timeline`` with the labels of its workflow's rows.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from musaned.accounts.models import User
from musaned.complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintMessage,
    ComplaintState,
)
from musaned.complaints.permissions import HANDLE, SUPERVISE
from musaned.complaints.selectors import overdue_q
from musaned.complaints.workflow import MACHINE as COMPLAINTS
from musaned.core import timeline
from musaned.core.models import AuditEvent
from musaned.visas import rules
from musaned.visas.models import VisaApplication, VisaState
from musaned.visas.permissions import DECIDE_VISA_APPLICATIONS as DECIDE
from musaned.visas.selectors import RuleSetMissing
from musaned.visas.workflow import MACHINE as VISA_MACHINE

# The audit rows of staff reading a record (backoffice.services writes them): in the
# audit trail, never on a timeline.
VIEW_LABELS: dict[str, Any] = {
    "backoffice.complaint_viewed": _("Opened by staff"),
    "backoffice.complaint_attachment_viewed": _("Attachment downloaded by staff"),
    "backoffice.complaint_audit_viewed": _("Audit trail read by staff"),
    "backoffice.visa_viewed": _("Opened by staff"),
    "backoffice.visa_document_viewed": _("Document downloaded by staff"),
    "backoffice.visa_audit_viewed": _("Audit trail read by staff"),
}
# Draft edits are noise on a visa's timeline.
NOT_ON_TIMELINES = (*VIEW_LABELS, "visa.updated")


def _holds_any(actor: User, *permissions: str) -> bool:
    return actor.is_active and actor.is_staff and any(actor.has_perm(p) for p in permissions)


# --- Complaints ----------------------------------------------------------------------------


def complaints_for_staff(*, actor: User) -> QuerySet[Complaint]:
    """Every complaint, for staff who handle or supervise complaints; none for anyone else."""
    if not _holds_any(actor, HANDLE, SUPERVISE):
        return Complaint.objects.none()
    return Complaint.objects.all()


def with_overdue(rows: QuerySet[Complaint], now: dt.datetime) -> QuerySet[Complaint]:
    return rows.annotate(overdue=ExpressionWrapper(overdue_q(now), output_field=BooleanField()))


def tab_q(tab: str, *, actor: User, now: dt.datetime) -> Q:
    return {
        "new": Q(state=ComplaintState.SUBMITTED, assigned_to__isnull=True),
        "mine": Q(assigned_to=actor, state__in=COMPLAINTS.open),
        "waiting": Q(state=ComplaintState.WAITING),
        "overdue": overdue_q(now),
        "escalated": Q(state=ComplaintState.ESCALATED),
        "all": Q(),
    }[tab]


@dataclass(frozen=True)
class QueueFilters:
    """What the queue's filter form asked for (each may be empty)."""

    search: str = ""
    category: str = ""
    state: str = ""


def complaint_queue(
    *, actor: User, tab: str, filters: QueueFilters, now: dt.datetime
) -> QuerySet[Complaint]:
    """One tab of the queue with its filters, oldest first (newest first for "all" and
    for a search). A search looks up a complaint number or an ID number exactly, across
    every tab."""
    rows = complaints_for_staff(actor=actor)
    if filters.search:
        rows = rows.filter(Q(number=filters.search) | Q(owner__national_id=filters.search))
    else:
        rows = rows.filter(tab_q(tab, actor=actor, now=now))
    if filters.category:
        rows = rows.filter(category=filters.category)
    if filters.state:
        rows = rows.filter(state=filters.state)
    newest_first = bool(filters.search) or tab == "all"
    return with_overdue(rows.select_related("owner", "assigned_to"), now).order_by(
        *(("-created_at", "-id") if newest_first else ("created_at", "id"))
    )


def queue_counts(*, actor: User, tabs: list[str], now: dt.datetime) -> dict[str, int]:
    """How many complaints each of ``tabs`` holds, in one query."""
    return complaints_for_staff(actor=actor).aggregate(
        **{name: Count("pk", filter=tab_q(name, actor=actor, now=now)) for name in tabs}
    )


def complaint_or_404(*, actor: User, number: str) -> Complaint:
    complaint = (
        with_overdue(complaints_for_staff(actor=actor), timezone.now())
        .select_related(
            "owner",
            "assigned_to",
            "service_level",
            "office",
            "visa",
            "visa__occupation",
            "visa__nationality",
        )
        .filter(number=number)
        .first()
    )
    if complaint is None:
        raise Http404
    return complaint


def complaint_conversation(*, actor: User, complaint: Complaint) -> list[ComplaintMessage]:
    """Every message, internal notes included (staff read them), with authors and files."""
    if not _holds_any(actor, HANDLE, SUPERVISE):
        return []
    return list(
        ComplaintMessage.objects.filter(complaint=complaint)
        .select_related("author")
        .prefetch_related("attachments")
    )


def complaint_filed_with(*, actor: User, complaint: Complaint) -> list[ComplaintAttachment]:
    """The files that came with the complaint itself."""
    return list(
        complaint_attachments(actor=actor, complaint=complaint).filter(message__isnull=True)
    )


def complaint_attachments(*, actor: User, complaint: Complaint) -> QuerySet[ComplaintAttachment]:
    if not _holds_any(actor, HANDLE, SUPERVISE):
        return ComplaintAttachment.objects.none()
    return ComplaintAttachment.objects.filter(complaint=complaint)


def complaint_attachment_or_404(
    *, actor: User, complaint: Complaint, pk: int
) -> ComplaintAttachment:
    attachment = complaint_attachments(actor=actor, complaint=complaint).filter(pk=pk).first()
    if attachment is None or not attachment.file:
        raise Http404
    return attachment


def complaint_timeline(*, actor: User, complaint: Complaint) -> list[timeline.Entry]:
    """What happened to the complaint, oldest first, as staff read it (staff views are
    in the audit trail instead)."""
    if not _holds_any(actor, HANDLE, SUPERVISE):
        return []
    return timeline.timeline(
        complaint, viewer=timeline.STAFF, labels=COMPLAINTS.labels, exclude=NOT_ON_TIMELINES
    )


# --- Visa quality check ------------------------------------------------------------------


def visas_for_staff(*, actor: User) -> QuerySet[VisaApplication]:
    """Submitted requests (a draft is the beneficiary's own work), for reviewers and
    supervisors; none for anyone else."""
    if not _holds_any(actor, DECIDE, SUPERVISE):
        return VisaApplication.objects.none()
    return VisaApplication.objects.filter(submitted_at__isnull=False)


def quality_queue(*, actor: User) -> QuerySet[VisaApplication]:
    """Requests waiting for a person to read a document, oldest first."""
    return (
        visas_for_staff(actor=actor)
        .filter(state=VisaState.IN_REVIEW)
        .select_related("owner", "occupation", "nationality")
        .order_by("submitted_at", "id")
    )


def submitted_visa_or_404(*, actor: User, reference: str) -> VisaApplication:
    application = (
        visas_for_staff(actor=actor)
        .select_related("owner", "occupation", "nationality", "arrival_point", "rule_set")
        .filter(reference=reference)
        .first()
    )
    if application is None:
        raise Http404
    return application


def visa_timeline(*, actor: User, application: VisaApplication) -> list[timeline.Entry]:
    if not _holds_any(actor, DECIDE, SUPERVISE):
        return []
    return timeline.timeline(
        application, viewer=timeline.STAFF, labels=VISA_MACHINE.labels, exclude=NOT_ON_TIMELINES
    )


@dataclass(frozen=True)
class StoredVerdict:
    rule: str
    status: str
    title: str
    message: str


def verdicts(application: VisaApplication) -> list[StoredVerdict]:
    """The verdicts stored at the decision (their status), with today's wording of each rule.

    Only the wording comes from evaluating again; what decided is what was stored.
    """
    try:
        current = {
            v.rule: v for v in rules.evaluate(user=application.owner, application=application)
        }
    except RuleSetMissing:  # the record is still shown, with the stored statuses only
        current = {}
    found = []
    for stored in application.verdicts or []:
        if not isinstance(stored, dict) or "rule" not in stored:
            continue
        now = current.get(stored["rule"])
        found.append(
            StoredVerdict(
                rule=stored["rule"],
                status=str(stored.get("status", "")),
                title=str(now.title) if now else stored["rule"],
                message=str(now.message) if now else "",
            )
        )
    return found


# --- Audit trails (every event of a record, newest first: supervisors) ----------------------


def audit_trail(*, actor: User, record: Model) -> QuerySet[AuditEvent]:
    if not _holds_any(actor, SUPERVISE):
        return AuditEvent.objects.none()
    return timeline.events_of(record).order_by("-created_at", "-id")


def audit_entries(
    events: Any, *, record: Complaint | VisaApplication, labels: dict[str, Any]
) -> list[timeline.Entry]:
    """One page of ``audit_trail`` as lines staff read, with the staff views' labels."""
    return timeline.entries(
        events,
        owner_id=record.owner_id,
        viewer=timeline.STAFF,
        labels={**labels, **VIEW_LABELS},
    )
