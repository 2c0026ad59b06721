"""How a visa is shown. One card for every place that shows a visa (the owner's
page, the QR verification page, and later the inquiry), so they never disagree."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from musaned.core.timeline import OWNER, Entry, timeline
from musaned.payments.workflow import MACHINE as BILL_MACHINE
from musaned.visas.models import VisaApplication, VisaState, WorkerGender
from musaned.visas.workflow import MACHINE, UPDATED


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


# The bill's own events that belong on the application's timeline.
BILL_EVENTS = tuple(BILL_MACHINE.owner_labels)


def timeline_for(application: VisaApplication) -> list[Entry]:
    """What happened to an application and its bills, oldest first, as its owner reads it
    (no draft edits, nothing staff did only for themselves), in two queries."""
    from musaned.payments.models import Bill

    bill_ids = [
        str(pk)
        for pk in Bill.objects.filter(
            subject_type="visas.visaapplication", subject_id=str(application.pk)
        ).values_list("pk", flat=True)
    ]
    return timeline(
        application,
        viewer=OWNER,
        labels=MACHINE.owner_labels,
        also=Q(target_type="payments.bill", target_id__in=bill_ids, action__in=BILL_EVENTS),
        only_labelled=True,
        exclude=(UPDATED,),
        detail=timeline_detail,
    )


def timeline_detail(data: dict[str, Any]) -> str:
    """The line's detail: the reason given, or the bill's number."""
    return str(data.get("reason", "") or data.get("bill_number", ""))
