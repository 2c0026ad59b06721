"""Every write to complaints but the steps of the state table: filing, internal notes,
ratings, and the jobs that escalate and close by themselves.

The steps themselves (take, answer, reply, resolve, …) are rows of
``musaned/complaints/workflow.py``, taken through the one
``musaned.core.workflow.transition(obj=complaint, action=…, actor=…, message=…,
files=…, assign_to=…)``.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from musaned.accounts.models import User
from musaned.complaints import permissions
from musaned.complaints.errors import ComplaintErrorCode as Code
from musaned.complaints.errors import complaint_error
from musaned.complaints.models import (
    Category,
    Complaint,
    ComplaintMessage,
    ComplaintState,
    MessageKind,
    ServiceLevel,
)
from musaned.complaints.selectors import overdue_q
from musaned.complaints.workflow import Action, attach
from musaned.core import locks
from musaned.core.audit import audit
from musaned.core.clocks import add_working_days, holidays_from
from musaned.core.errors import InvalidTransition
from musaned.core.numbering import unique_number
from musaned.core.workflow import Formatted, transition
from musaned.notifications.services import notify
from musaned.offices.models import Office, OfficeState
from musaned.offices.workflow import members_of
from musaned.visas.models import VisaApplication, VisaState

# An office that lost its licence cannot settle anything: its complaints go to the ministry.
NO_AMICABLE_PHASE = frozenset({OfficeState.WITHDRAWN, OfficeState.EXPIRED})


def service_level_in_effect(on: dt.date) -> ServiceLevel:
    level = ServiceLevel.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    if level is None:
        raise complaint_error(Code.NO_SERVICE_LEVEL)
    return level


def _has_visas(owner: User) -> bool:
    return (
        VisaApplication.objects.filter(owner=owner)
        .exclude(state__in=[VisaState.DRAFT, VisaState.WITHDRAWN])
        .exists()
    )


def complaint_submit(
    *,
    owner: User,
    category: str,
    subject: str,
    description: str,
    contact_preference: str,
    visa: VisaApplication | None = None,
    office: Office | None = None,
    files: Iterable[UploadedFile | None] = (),
) -> Complaint:
    """File a complaint; its clocks start now (in working days). The related visa must be
    the owner's own. A complaint about a recruitment office names the office and goes to
    it first (``with_office``: the amicable phase, ``office_answer_days`` working days),
    unless the office has lost its licence (withdrawn or expired): then it goes straight
    to the ministry. Raises ``ComplaintError`` (not your visa, the visa or the office
    missing, the daily limit, a refused file); writes ``complaint.submitted`` and tells
    the owner (and the office's people)."""
    files = [f for f in files if f]
    if visa is not None and visa.owner_id != owner.pk:
        raise complaint_error(Code.NOT_YOUR_VISA)
    now = timezone.now()
    if category == "visa" and visa is None and _has_visas(owner):
        raise complaint_error(Code.VISA_REQUIRED)
    if category == Category.OFFICE and office is None:
        raise complaint_error(Code.OFFICE_REQUIRED)
    if category != Category.OFFICE:
        office = None  # only a complaint about an office names one
    limit = settings.MUSANED_COMPLAINTS_PER_DAY
    if (
        Complaint.objects.filter(owner=owner, created_at__gte=now - dt.timedelta(days=1)).count()
        >= limit
    ):
        raise complaint_error(Code.TOO_MANY_COMPLAINTS, count=limit)
    level = service_level_in_effect(timezone.localdate())
    holidays = holidays_from(timezone.localdate())
    local = timezone.localtime(now)
    to_office = office is not None and office.state not in NO_AMICABLE_PHASE
    with transaction.atomic():
        complaint = Complaint.objects.create(
            number=unique_number(
                12, lambda n: Complaint.objects.filter(number=n).exists(), prefix="7"
            ),
            owner=owner,
            category=category,
            visa=visa,
            office=office,
            state=ComplaintState.WITH_OFFICE if to_office else ComplaintState.SUBMITTED,
            subject=subject.strip(),
            description=description.strip(),
            contact_preference=contact_preference,
            service_level=level,
            office_answer_due=(
                add_working_days(local, level.office_answer_days, holidays) if to_office else None
            ),
            # While the office has it the ministry's clocks do not run; they start again
            # when it reaches the ministry's queue (``start_ministry_clocks``).
            first_answer_due=add_working_days(local, level.first_answer_days, holidays),
            resolution_due=add_working_days(local, level.resolution_days, holidays),
        )
        attach(complaint, None, files, owner)
        audit(
            "complaint.submitted",
            actor=owner,
            target=complaint,
            category=category,
            files=len(files),
            **({"office": str(office.uid), "to_office": to_office} if office else {}),
        )
        if to_office:
            _tell_office_and_owner(complaint, level.office_answer_days)
            return complaint
        notify(
            user=owner,
            subject=_("Musaned complaint %(number)s") % {"number": complaint.number},
            body=ngettext(
                "We received your complaint %(number)s. The first answer is due within "
                "%(days)s working day; follow it in your account.",
                "We received your complaint %(number)s. The first answer is due within "
                "%(days)s working days; follow it in your account.",
                level.first_answer_days,
            )
            % {"number": complaint.number, "days": level.first_answer_days},
        )
    return complaint


def _tell_office_and_owner(complaint: Complaint, days: int) -> None:
    """A complaint about an office went to the office: its people are told, and so is
    the owner, each in their own language (``notify`` renders the lazy text)."""
    assert complaint.office is not None
    values = {"number": complaint.number, "days": days}
    for member in members_of(complaint.office):
        notify(
            user=member,
            subject=Formatted(_("Complaint %(number)s about your office"), values),
            body=Formatted(
                ngettext_lazy(
                    "A beneficiary filed complaint %(number)s about your office. Answer it in"
                    " the office portal within %(days)s working day, or it goes to the"
                    " ministry.",
                    "A beneficiary filed complaint %(number)s about your office. Answer it in"
                    " the office portal within %(days)s working days, or it goes to the"
                    " ministry.",
                    "days",
                ),
                values,
            ),
        )
    notify(
        user=complaint.owner,
        subject=Formatted(_("Musaned complaint %(number)s"), values),
        body=Formatted(
            ngettext_lazy(
                "We received your complaint %(number)s and sent it to the office, which has"
                " %(days)s working day to answer you. If it does not, or you are not"
                " satisfied, the ministry steps in.",
                "We received your complaint %(number)s and sent it to the office, which has"
                " %(days)s working days to answer you. If it does not, or you are not"
                " satisfied, the ministry steps in.",
                "days",
            ),
            values,
        ),
    )


def complaint_note(*, complaint: Complaint, actor: User, body: str) -> ComplaintMessage:
    """An internal note: staff read it, the beneficiary never does (page or API).
    Raises ``ComplaintConflict`` without the permission to handle complaints."""
    if not permissions.handles_complaints(actor):
        raise complaint_error(Code.NOT_ALLOWED)
    body = (body or "").strip()
    if not body:
        raise complaint_error(Code.MESSAGE_REQUIRED)
    with transaction.atomic():
        note = ComplaintMessage.objects.create(
            complaint=complaint, author=actor, kind=MessageKind.NOTE, body=body
        )
        audit("complaint.note", actor=actor, target=complaint, message=note.pk)
    return note


def complaint_rate(
    *, complaint: Complaint, actor: User, rating: int, comment: str = ""
) -> Complaint:
    """The owner rates the resolution (1–5, once) while it is resolved or closed.
    Raises ``ComplaintConflict`` (not resolved, not the owner's, already rated) or
    ``ComplaintError`` (out of range); writes ``complaint.rated``."""
    with transaction.atomic():
        complaint = locks.lock(complaint)
        if actor.pk != complaint.owner_id or complaint.state not in (
            ComplaintState.RESOLVED,
            ComplaintState.CLOSED,
        ):
            raise complaint_error(Code.NOT_RATEABLE)
        if complaint.rating is not None:
            raise complaint_error(Code.ALREADY_RATED)
        if not 1 <= int(rating) <= 5:
            raise complaint_error(Code.RATING_RANGE)
        complaint.rating = int(rating)
        complaint.rating_comment = (comment or "").strip()[:1000]
        complaint.rated_at = timezone.now()
        complaint.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
        audit("complaint.rated", actor=actor, target=complaint, rating=rating)
    return complaint


def complaints_escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Escalate every complaint whose clock ran out, and tell the supervisors.

    Safe to run twice and from two machines: each complaint is locked and checked again.
    """
    now = now or timezone.now()
    count = 0
    for complaint in Complaint.objects.filter(overdue_q(now)).only("pk", "state"):
        try:
            transition(obj=complaint, action=Action.ESCALATE, actor=None, reason="overdue")
        except InvalidTransition:
            continue  # moved on meanwhile (answered, or escalated by another run)
        count += 1
    return count


def complaints_office_window_ended(*, now: dt.datetime | None = None) -> int:
    """Move to the ministry's queue every complaint the office did not answer within its
    window (the beneficiary is told). Safe to run twice: each is locked and checked."""
    now = now or timezone.now()
    count = 0
    late = Complaint.objects.filter(
        state=ComplaintState.WITH_OFFICE, office_answer_due__lt=now
    ).only("pk", "state")
    for complaint in late:
        try:
            transition(
                obj=complaint, action=Action.OFFICE_WINDOW_ENDED, actor=None, reason="office_late"
            )
        except InvalidTransition:
            continue  # answered meanwhile, or moved by another run
        count += 1
    return count


def complaints_office_answers_stand(*, now: dt.datetime | None = None) -> int:
    """The office answered and the beneficiary said nothing for the reopening window's
    days: the answer stands and the complaint is resolved (the beneficiary may still
    reopen it for the ministry within the window)."""
    now = now or timezone.now()
    shortest = ServiceLevel.objects.aggregate(days=Min("reopen_days"))["days"] or 0
    candidates = Complaint.objects.filter(
        state=ComplaintState.OFFICE_ANSWERED,
        office_answered_at__lt=now - dt.timedelta(days=shortest),
    ).select_related("service_level")
    count = 0
    for complaint in candidates:
        answered_at = complaint.office_answered_at
        if answered_at is None or now <= answered_at + dt.timedelta(
            days=complaint.service_level.reopen_days
        ):
            continue
        try:
            transition(obj=complaint, action=Action.ANSWER_STANDS, actor=None, reason="no_reply")
        except InvalidTransition:
            continue
        count += 1
    return count


def complaints_close_resolved(*, now: dt.datetime | None = None) -> int:
    """Close resolved complaints whose reopening window has passed."""
    now = now or timezone.now()
    shortest = ServiceLevel.objects.aggregate(days=Min("reopen_days"))["days"] or 0
    candidates = Complaint.objects.filter(
        state=ComplaintState.RESOLVED, resolved_at__lt=now - dt.timedelta(days=shortest)
    ).select_related("service_level")
    count = 0
    for complaint in candidates:
        resolved_at = complaint.resolved_at
        window = dt.timedelta(days=complaint.service_level.reopen_days)
        if resolved_at is None or now <= resolved_at + window:
            continue
        try:
            transition(obj=complaint, action=Action.CLOSE, actor=None, reason="reopen_window")
        except InvalidTransition:
            continue
        count += 1
    return count
