"""What the back office reads: complaints and submitted visas by number (every one is open
to staff holding the permission), the queues' filters, timelines and audit entries."""

from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from musaned.complaints import services
from musaned.complaints.models import Complaint, ComplaintState
from musaned.complaints.workflow import OPEN_STATES
from musaned.core.models import AuditEvent
from musaned.visas import rules
from musaned.visas.models import VisaApplication
from musaned.visas.selectors import RuleSetMissing

# --- Reads (every complaint and submitted visa is open to staff holding the permission) --


def with_overdue(rows: QuerySet, now) -> QuerySet:
    return rows.annotate(
        overdue=ExpressionWrapper(services.overdue_q(now), output_field=BooleanField())
    )


def tab_q(tab: str, *, user, now) -> Q:
    return {
        "new": Q(state=ComplaintState.SUBMITTED, assigned_to__isnull=True),
        "mine": Q(assigned_to=user, state__in=OPEN_STATES),
        "waiting": Q(state=ComplaintState.WAITING),
        "overdue": services.overdue_q(now),
        "escalated": Q(state=ComplaintState.ESCALATED),
        "all": Q(),
    }[tab]


def complaint_or_404(number: str) -> Complaint:
    complaint = (
        with_overdue(Complaint.objects.all(), timezone.now())
        .select_related(
            "owner",
            "assigned_to",
            "service_level",
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


def submitted_visa_or_404(reference: str) -> VisaApplication:
    """A visa application that has been submitted (a draft is the beneficiary's own work)."""
    application = (
        VisaApplication.objects.select_related(
            "owner", "occupation", "nationality", "arrival_point", "rule_set"
        )
        .filter(reference=reference, submitted_at__isnull=False)
        .first()
    )
    if application is None:
        raise Http404
    return application


def staff_name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


# --- Timelines (what happened, oldest first) and audit trails (everything, newest first) --

COMPLAINT_LABELS = {
    "complaint.submitted": gettext_lazy("Complaint filed"),
    "complaint.take": gettext_lazy("Taken by an officer"),
    "complaint.answer": gettext_lazy("Answered"),
    "complaint.ask_info": gettext_lazy("Information asked from the beneficiary"),
    "complaint.reply": gettext_lazy("The beneficiary replied"),
    "complaint.resolve": gettext_lazy("Resolved"),
    "complaint.reject": gettext_lazy("Rejected as out of scope"),
    "complaint.escalate": gettext_lazy("Escalated to a supervisor"),
    "complaint.reassign": gettext_lazy("Reassigned"),
    "complaint.reopen": gettext_lazy("Reopened by the beneficiary"),
    "complaint.close": gettext_lazy("Closed"),
    "complaint.note": gettext_lazy("Internal note added"),
    "complaint.rated": gettext_lazy("Rated by the beneficiary"),
}
VIEW_LABELS = {
    "backoffice.complaint_viewed": gettext_lazy("Opened by staff"),
    "backoffice.complaint_attachment_viewed": gettext_lazy("Attachment downloaded by staff"),
    "backoffice.complaint_audit_viewed": gettext_lazy("Audit trail read by staff"),
    "backoffice.visa_viewed": gettext_lazy("Opened by staff"),
    "backoffice.visa_document_viewed": gettext_lazy("Document downloaded by staff"),
    "backoffice.visa_audit_viewed": gettext_lazy("Audit trail read by staff"),
}


@dataclass(frozen=True)
class Entry:
    at: object
    action: str
    label: str
    by: str
    detail: str
    data: dict


def events_for(record) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        target_type=record._meta.label_lower, target_id=str(record.pk)
    ).select_related("actor")


def entries(events, *, owner_id, labels) -> list[Entry]:
    entries = []
    for event in events:
        if event.actor is None:
            by = _("Musaned (automatic)")
        elif event.actor_id == owner_id:
            by = _("The beneficiary")
        else:
            by = staff_name(event.actor)
        detail = event.data.get("reason", "") if isinstance(event.data, dict) else ""
        entries.append(
            Entry(
                at=event.created_at,
                action=event.action,
                label=str(labels.get(event.action, event.action)),
                by=by,
                detail=str(detail),
                data=event.data if isinstance(event.data, dict) else {"data": event.data},
            )
        )
    return entries


def timeline(record, *, owner_id, labels) -> list[Entry]:
    # Staff views are in the audit trail; draft edits are noise on a timeline.
    events = events_for(record).exclude(action__startswith="backoffice.")
    events = events.exclude(action="visa.updated")
    return entries(events.order_by("created_at", "id"), owner_id=owner_id, labels=labels)


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
    verdicts = []
    for stored in application.verdicts or []:
        if not isinstance(stored, dict) or "rule" not in stored:
            continue
        now = current.get(stored["rule"])
        verdicts.append(
            StoredVerdict(
                rule=stored["rule"],
                status=str(stored.get("status", "")),
                title=str(now.title) if now else stored["rule"],
                message=str(now.message) if now else "",
            )
        )
    return verdicts
