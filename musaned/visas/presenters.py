"""How a visa is shown. One card for every place that shows a visa (the owner's
page, the QR verification page, and later the inquiry), so they never disagree."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from musaned.core.models import AuditEvent
from musaned.visas.models import VisaApplication, VisaState, WorkerGender


def mask_name(first: str, family: str) -> str:
    """``Mohammed Alotaibi`` → ``Mohammed A***``: enough to recognise, not to identify."""
    return f"{first} {family[:1]}***".strip() if family else first


@dataclass(frozen=True)
class VisaCard:
    reference: str
    visa_number: str
    issued_number: str
    state: str
    status: str
    occupation: str
    nationality: str
    worker_gender: str
    arrival_point: str
    issued_on: object
    expires_on: object
    sponsor: str

    def rows(self):
        """(label, value, kind) in display order; kind "date" values are dates."""
        return [
            (_("Visa number"), self.visa_number, "number"),
            (_("Issued number"), self.issued_number, "number"),
            (_("Status"), self.status, "text"),
            (_("Sponsor"), self.sponsor, "text"),
            (_("Occupation"), self.occupation, "text"),
            (_("Worker's nationality"), self.nationality, "text"),
            (_("Worker's gender"), self.worker_gender, "text"),
            (_("Arrival point"), self.arrival_point, "text"),
            (_("Issue date"), self.issued_on, "date"),
            (_("Expiry date"), self.expires_on, "date"),
        ]


def visa_card(application: VisaApplication) -> VisaCard:
    owner = application.owner
    return VisaCard(
        reference=application.reference,
        visa_number=application.visa_number or "",
        issued_number=application.issued_number or "",
        state=application.state,
        status=str(VisaState(application.state).label),
        occupation=application.occupation.name if application.occupation else "",
        nationality=application.nationality.name if application.nationality else "",
        worker_gender=str(WorkerGender(application.worker_gender).label)
        if application.worker_gender
        else "",
        arrival_point=application.arrival_point.name if application.arrival_point else "",
        issued_on=application.issued_on,
        expires_on=application.expires_on,
        sponsor=mask_name(owner.first_name, owner.last_name),
    )


ACTION_LABELS = {
    "visa.created": _("Request started"),
    "visa.updated": _("Request edited"),
    "visa.submit": _("Submitted; bill issued"),
    "visa.submit_exempt": _("Submitted (fee exempt)"),
    "visa.pay": _("Fee paid"),
    "visa.bill_expire": _("Bill expired unpaid; back to draft"),
    "visa.issue": _("Visa issued automatically"),
    "visa.refer": _("Sent to quality check"),
    "visa.reject": _("Not approved by the rules"),
    "visa.approve": _("Approved in quality check; visa issued"),
    "visa.decline": _("Rejected in quality check"),
    "visa.recheck": _("Re-check asked"),
    "visa.cancel": _("Visa cancelled"),
    "visa.expire": _("Visa expired"),
    "visa.withdraw": _("Draft discarded"),
    "bill.refunded": _("Fee refunded"),
    "bill.expired": _("Bill expired unpaid"),
}
# The bill's own events that belong on the application's timeline.
BILL_EVENTS = ("bill.refunded", "bill.expired")


@dataclass(frozen=True)
class TimelineEntry:
    at: object
    label: str
    by: str
    detail: str


def timeline_for(application: VisaApplication) -> list[TimelineEntry]:
    """What happened to an application and its bills, oldest first, in two queries."""
    from musaned.payments.models import Bill

    bill_ids = [
        str(pk)
        for pk in Bill.objects.filter(
            subject_type="visas.visaapplication", subject_id=str(application.pk)
        ).values_list("pk", flat=True)
    ]
    events = AuditEvent.objects.filter(
        Q(target_type="visas.visaapplication", target_id=str(application.pk))
        | Q(target_type="payments.bill", target_id__in=bill_ids, action__in=BILL_EVENTS)
    ).select_related("actor")
    entries = []
    for event in events.order_by("created_at", "id"):
        if event.action == "visa.updated":
            continue
        if event.actor is None:
            by = _("Musaned (automatic)")
        elif event.actor_id == application.owner_id:
            by = _("You")
        else:
            by = _("Ministry staff")
        detail = event.data.get("reason", "") or event.data.get("bill_number", "")
        entries.append(
            TimelineEntry(
                at=event.created_at,
                label=ACTION_LABELS.get(event.action, event.action),
                by=by,
                detail=detail,
            )
        )
    return entries
