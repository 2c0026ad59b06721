"""What the back office reads, always for a staff member (``actor``) and filtered in the
query: a person without the permission a read needs gets no rows (a 404), whatever the
page in front of it checked.

Complaints open to staff who handle or supervise them; submitted visa requests to
reviewers and supervisors; recruitment contracts, their evidence and ledgers to staff
holding ``recruitment.view_all_contracts`` (read-only); audit trails to supervisors. The
history of a record is read by ``musaned.core.timeline`` with the labels of its
workflow's rows.
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
from musaned.recruitment import selectors as recruitment
from musaned.recruitment.models import Contract, ContractState, Signature, StageEvidence
from musaned.recruitment.permissions import VIEW_ALL as VIEW_CONTRACTS
from musaned.recruitment.workflow.contract import CONTRACT_MACHINE, STAGE_ROWS
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
    "backoffice.contract_viewed": _("Opened by staff"),
    "backoffice.contract_evidence_viewed": _("Evidence downloaded by staff"),
    "backoffice.contract_audit_viewed": _("Audit trail read by staff"),
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
            "contract",
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


# --- Recruitment contracts (read-only) ---------------------------------------------------


# A contract's stage as staff read it: the beneficiary's own words ("Signed by you") are
# said of the beneficiary.
CONTRACT_STAGES: dict[str, Any] = {
    **dict(ContractState.choices),
    ContractState.SIGNED_BY_BENEFICIARY: _("Signed by the beneficiary; waiting for the office"),
    ContractState.SIGNED_BY_OFFICE: _("Signed by the office; waiting for the beneficiary"),
}


def contracts_for_staff(*, actor: User) -> QuerySet[Contract]:
    """Every contract, for staff holding ``recruitment.view_all_contracts``; none for anyone
    else (a staff member who is also a beneficiary or works for an office reads their
    own contracts on their own pages, not here)."""
    if not _holds_any(actor, VIEW_CONTRACTS):
        return Contract.objects.none()
    return recruitment.contracts_for(actor=actor)


def day_after(day: dt.date) -> dt.datetime:
    """The first instant after local ``day`` (aware)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


# The late contracts, in the order the filter and the statistics show them.
LATENESS = {
    "late": _("Past the 90 days without the worker"),
    "extension": _("In the 30-day extension"),
    "overdue": _("Past the 120 days"),
}


def late_q(kind: str, *, on: dt.date) -> Q:
    """Contracts late on day ``on``: paid by then, the worker not arrived and the contract
    not ended by then, and — ``late`` — past the 90 days (``delivery_due_on``, day 89, is
    before ``on``); ``extension``: within the 30-day extension (days 90 to 119);
    ``overdue``: past the extension (day 120 on). Read from the contract's dates, not
    from its ``clock`` (which the scheduled command moves), so a past day can be asked
    too; on today the two agree once the command has run."""
    open_on = (
        Q(paid_on__lte=on)
        & (Q(arrived_on__isnull=True) | Q(arrived_on__gt=on))
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=day_after(on)))
    )
    return (
        open_on
        & {
            "late": Q(delivery_due_on__lt=on),
            "extension": Q(delivery_due_on__lt=on, extension_ends_on__gte=on),
            "overdue": Q(extension_ends_on__lt=on),
        }[kind]
    )


def with_lateness(rows: QuerySet[Contract], today: dt.date) -> QuerySet[Contract]:
    """``in_extension`` and ``overdue`` on each row, as ``late_q`` reads them today."""
    return rows.annotate(
        in_extension=ExpressionWrapper(late_q("extension", on=today), output_field=BooleanField()),
        overdue=ExpressionWrapper(late_q("overdue", on=today), output_field=BooleanField()),
    )


@dataclass(frozen=True)
class ContractFilters:
    """What the contracts list's filter form asked for (each may be empty)."""

    search: str = ""
    state: str = ""
    late: str = ""


def contract_list(*, actor: User, filters: ContractFilters, today: dt.date) -> QuerySet[Contract]:
    """The contracts, newest first, with the filters: a stage (``state``), lateness on
    ``today`` (``late_q``), or an exact search by contract number or the beneficiary's ID
    number (which ignores the other filters)."""
    rows = contracts_for_staff(actor=actor)
    if filters.search:
        rows = rows.filter(Q(number=filters.search) | Q(beneficiary__national_id=filters.search))
    else:
        if filters.state:
            rows = rows.filter(state=filters.state)
        if filters.late:
            rows = rows.filter(late_q(filters.late, on=today))
    return with_lateness(rows.select_related("beneficiary"), today).order_by("-created_at", "-id")


def contract_or_404(*, actor: User, number: str) -> Contract:
    contract = (
        with_lateness(contracts_for_staff(actor=actor), timezone.localdate())
        .select_related("beneficiary", "request", "visa", "arrival_point", "office__city")
        .filter(number=number)
        .first()
    )
    if contract is None:
        raise Http404
    return contract


def contract_statement(*, actor: User, contract: Contract) -> recruitment.Statement | None:
    """The contract's ledger: every entry and each account's balance."""
    if not _holds_any(actor, VIEW_CONTRACTS):
        return None
    return recruitment.statement_for(actor=actor, contract=contract)


def contract_signatures(*, actor: User, contract: Contract) -> list[Signature]:
    if not _holds_any(actor, VIEW_CONTRACTS):
        return []
    return list(Signature.objects.filter(contract=contract).select_related("signer"))


@dataclass(frozen=True)
class Stage:
    """One stage of the table, in its order: what it is, what it needs, and what the
    office showed for it (``None``: not reached yet)."""

    state: str
    label: str
    evidence_kind: str
    evidence: StageEvidence | None


def contract_stages(*, actor: User, contract: Contract) -> list[Stage]:
    """The office's stages in the table's order (``STAGE_ROWS``), each with its evidence."""
    if not _holds_any(actor, VIEW_CONTRACTS):
        return []
    shown = {
        evidence.stage: evidence
        for evidence in StageEvidence.objects.filter(contract=contract).select_related(
            "arrival_point", "recorded_by"
        )
    }
    return [
        Stage(
            state=row.target,
            label=str(ContractState(row.target).label),
            evidence_kind=row.evidence,
            evidence=shown.get(row.target),
        )
        for row in STAGE_ROWS
    ]


def contract_evidence_or_404(*, actor: User, contract: Contract, stage: str) -> StageEvidence:
    evidence = (
        StageEvidence.objects.filter(contract=contract, stage=stage).first()
        if _holds_any(actor, VIEW_CONTRACTS)
        else None
    )
    if evidence is None or not evidence.document:
        raise Http404
    return evidence


def contract_timeline(*, actor: User, contract: Contract) -> list[timeline.Entry]:
    if not _holds_any(actor, VIEW_CONTRACTS):
        return []
    return timeline.timeline(
        contract,
        viewer=timeline.STAFF,
        labels=CONTRACT_MACHINE.labels,
        owner_field="beneficiary",
        exclude=NOT_ON_TIMELINES,
    )


def contract_complaints(*, actor: User, contract: Contract) -> list[Complaint]:
    """The complaints that name the contract, for staff who read complaints."""
    return list(
        complaints_for_staff(actor=actor).filter(contract=contract).order_by("-created_at", "-id")
    )


# --- Audit trails (every event of a record, newest first: supervisors) ----------------------


def audit_trail(*, actor: User, record: Model) -> QuerySet[AuditEvent]:
    if not _holds_any(actor, SUPERVISE):
        return AuditEvent.objects.none()
    return timeline.events_of(record).order_by("-created_at", "-id")


def audit_entries(
    events: Any, *, record: Complaint | VisaApplication | Contract, labels: dict[str, Any]
) -> list[timeline.Entry]:
    """One page of ``audit_trail`` as lines staff read, with the staff views' labels."""
    return timeline.entries(
        events,
        owner_id=record.beneficiary_id if isinstance(record, Contract) else record.owner_id,
        viewer=timeline.STAFF,
        labels={**labels, **VIEW_LABELS},
    )
