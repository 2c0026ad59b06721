"""Every write to complaints: filing, the state table's actions (with their messages and
attachments), internal notes, ratings, and the jobs that escalate and close by themselves."""

import datetime as dt
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from musaned.complaints.clocks import add_working_days
from musaned.complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintMessage,
    ComplaintState,
    Holiday,
    MessageKind,
    ServiceLevel,
)
from musaned.complaints.workflow import (
    ANSWERING,
    CLOCK_STATES,
    HANDLE,
    MESSAGE_KIND,
    MESSAGE_REQUIRED,
    OWNER,
    SUPERVISE,
    SYSTEM,
    Action,
    target,
)
from musaned.core.audit import audit
from musaned.core.errors import ApplicationError, InvalidTransition
from musaned.core.numbering import unique_number
from musaned.core.uploads import check_upload
from musaned.notifications.services import notify

MAX_FILES_PER_MESSAGE = 3


class ComplaintError(ApplicationError):
    pass


class ComplaintHeldByAnother(ApplicationError):
    """Another officer holds the complaint: only they, or a supervisor, act on it."""

    status = 403


def held_by_another(complaint: Complaint, actor) -> bool:
    """Whether ``actor`` is an officer (not a supervisor) and someone else holds the
    complaint. Internal notes stay open to every officer; the actions do not."""
    return (
        actor is not None
        and complaint.assigned_to_id is not None
        and complaint.assigned_to_id != actor.pk
        and not actor.has_perm(SUPERVISE)
    )


def holder_name(complaint: Complaint) -> str:
    holder = complaint.assigned_to
    return (holder.get_full_name() or holder.username) if holder is not None else ""


def service_level_in_effect(on: dt.date) -> ServiceLevel:
    level = ServiceLevel.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    if level is None:
        raise ComplaintError("no_service_level", _("No service level is in effect."))
    return level


def holidays_from(start: dt.date) -> list[dt.date]:
    return list(Holiday.objects.filter(date__gte=start).values_list("date", flat=True))


def display_name(name: str) -> str:
    """The name shown for a file: its last path part, printable, at most 120 characters.
    (It is only ever shown; the file on disk has a server-made name.)"""
    base = os.path.basename(str(name).replace("\\", "/"))
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return cleaned[-120:] or "file"


def _attach(complaint: Complaint, message: ComplaintMessage | None, files, actor) -> None:
    files = [f for f in files if f]
    if len(files) > MAX_FILES_PER_MESSAGE:
        raise ComplaintError(
            "too_many_files",
            ngettext(
                "Attach at most %(max)s file.",
                "Attach at most %(max)s files.",
                MAX_FILES_PER_MESSAGE,
            )
            % {"max": MAX_FILES_PER_MESSAGE},
        )
    # The web form checked them already; a file from any other caller is checked here,
    # all before any is stored.
    checked_files = [(upload, check_upload(upload)) for upload in files]
    for upload, checked in checked_files:
        ComplaintAttachment.objects.create(
            complaint=complaint,
            message=message,
            uploaded_by=actor,
            file=checked,
            content_type=checked.sniffed_type,
            size=checked.size,
            display_name=display_name(upload.name),
        )


def _has_visas(owner) -> bool:
    from musaned.visas.models import VisaApplication, VisaState

    return (
        VisaApplication.objects.filter(owner=owner)
        .exclude(state__in=[VisaState.DRAFT, VisaState.WITHDRAWN])
        .exists()
    )


def complaint_submit(
    *,
    owner,
    category: str,
    subject: str,
    description: str,
    contact_preference: str,
    visa=None,
    files=(),
) -> Complaint:
    """File a complaint; its clocks start now (in working days). The related visa must be
    the owner's own."""
    if visa is not None and visa.owner_id != owner.pk:
        raise ComplaintError("not_your_visa", _("Choose one of your own visas."))
    now = timezone.now()
    if category == "visa" and visa is None and _has_visas(owner):
        raise ComplaintError("visa_required", _("Choose the visa the complaint is about."))
    limit = settings.MUSANED_COMPLAINTS_PER_DAY
    if (
        Complaint.objects.filter(owner=owner, created_at__gte=now - dt.timedelta(days=1)).count()
        >= limit
    ):
        raise ComplaintError(
            "too_many_complaints",
            ngettext(
                "You can file %(count)s complaint a day. Reply on an open one, or call us.",
                "You can file %(count)s complaints a day. Reply on an open one, or call us.",
                limit,
            )
            % {"count": limit},
        )
    level = service_level_in_effect(timezone.localdate())
    holidays = holidays_from(timezone.localdate())
    local = timezone.localtime(now)
    with transaction.atomic():
        complaint = Complaint.objects.create(
            number=unique_number(
                12, lambda n: Complaint.objects.filter(number=n).exists(), prefix="7"
            ),
            owner=owner,
            category=category,
            visa=visa,
            subject=subject.strip(),
            description=description.strip(),
            contact_preference=contact_preference,
            service_level=level,
            first_answer_due=add_working_days(local, level.first_answer_days, holidays),
            resolution_due=add_working_days(local, level.resolution_days, holidays),
        )
        _attach(complaint, None, files, owner)
        audit(
            "complaint.submitted",
            actor=owner,
            target=complaint,
            category=category,
            files=len([f for f in files if f]),
        )
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


def _allowed(complaint: Complaint, who: str, actor) -> bool:
    if who == OWNER:
        return actor is not None and actor.pk == complaint.owner_id
    if who == SYSTEM:
        return actor is None
    return actor is not None and actor.is_staff and actor.has_perm(who)


OWNER_NOTICE = {
    Action.ANSWER: _("There is an answer to your complaint %(number)s."),
    Action.ASK_INFO: _("Your complaint %(number)s needs more information from you."),
    Action.RESOLVE: _("Your complaint %(number)s is resolved. Tell us how we did."),
    Action.REJECT: _("Your complaint %(number)s is outside what we can handle; see the reason."),
}


def can_reopen(complaint: Complaint, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    window = dt.timedelta(days=complaint.service_level.reopen_days)
    return complaint.resolved_at is not None and now <= complaint.resolved_at + window


def transition(
    *,
    complaint: Complaint,
    action: Action,
    actor,
    message: str = "",
    files=(),
    assign_to=None,
    **data,
) -> Complaint:
    """Do one action of the state table, with its message and files, in one transaction.

    Locks the row; a pair not in the table, or an actor who may not do it, is a 409
    (``InvalidTransition``) and nothing is written. An officer's action on a complaint
    another officer holds is a 403 (``ComplaintHeldByAnother``); supervisors may.
    """
    action = Action(action)
    message = (message or "").strip()
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        found = target(complaint.state, action)
        if found is None or not _allowed(complaint, found[1], actor):
            raise InvalidTransition(
                "invalid_transition",
                _("This complaint cannot do that now (it is “%(state)s”).")
                % {"state": ComplaintState(complaint.state).label},
            )
        if found[1] == HANDLE and held_by_another(complaint, actor):
            raise ComplaintHeldByAnother(
                "held_by_another",
                _("%(officer)s holds this complaint: only they or a supervisor can act on it.")
                # First-strong isolates: an Arabic name keeps its order in English text.
                % {"officer": f"\u2068{holder_name(complaint)}\u2069"},
            )
        if action in MESSAGE_REQUIRED and not message:
            raise ComplaintError("message_required", _("Write the message."))
        now = timezone.now()
        old, complaint.state = complaint.state, found[0]
        fields = {"state", "updated_at"}

        def stamp(field, value):
            setattr(complaint, field, value)
            fields.add(field)

        if action == Action.REOPEN:
            if not can_reopen(complaint, now):
                raise ComplaintError(
                    "reopen_window_passed",
                    ngettext(
                        "A complaint can be reopened within %(days)s day of its resolution.",
                        "A complaint can be reopened within %(days)s days of its resolution.",
                        complaint.service_level.reopen_days,
                    )
                    % {"days": complaint.service_level.reopen_days},
                )
            level = complaint.service_level
            stamp(
                "resolution_due",
                add_working_days(
                    timezone.localtime(now), level.resolution_days, holidays_from(now.date())
                ),
            )
            stamp("resolved_at", None)
        if action == Action.TAKE:
            stamp("assigned_to", actor)
        if action == Action.REASSIGN:
            if assign_to is None or not (assign_to.is_staff and assign_to.has_perm(HANDLE)):
                raise ComplaintError(
                    "not_an_officer", _("Choose a staff member who handles complaints.")
                )
            stamp("assigned_to", assign_to)
            data["assigned_to"] = assign_to.pk
        if action in ANSWERING and complaint.first_answered_at is None:
            stamp("first_answered_at", now)
        if action == Action.ASK_INFO:
            stamp("waiting_since", now)
        if action == Action.REPLY and complaint.waiting_since:
            # The clock stopped while the officer waited for the beneficiary.
            stamp("resolution_due", complaint.resolution_due + (now - complaint.waiting_since))
            stamp("waiting_since", None)
        if found[0] == ComplaintState.ESCALATED:
            stamp("escalated_at", now)
        if found[0] == ComplaintState.RESOLVED:
            stamp("resolved_at", now)
        if found[0] == ComplaintState.CLOSED:
            stamp("closed_at", now)
        complaint.save(update_fields=sorted(fields))

        posted = None
        if message and action in MESSAGE_KIND:
            posted = ComplaintMessage.objects.create(
                complaint=complaint, author=actor, kind=MESSAGE_KIND[action], body=message
            )
            data["message"] = posted.pk
        if files:
            if action not in (Action.REPLY, Action.REOPEN):
                raise ComplaintError("no_files_here", _("Files can be added with a reply."))
            _attach(complaint, posted, files, actor)
            data["files"] = len([f for f in files if f])
        audit(
            f"complaint.{action}",
            actor=actor,
            target=complaint,
            old=old,
            new=complaint.state,
            **data,
        )
        if action in OWNER_NOTICE:
            notify(
                user=complaint.owner,
                subject=_("Musaned complaint %(number)s") % {"number": complaint.number},
                body=OWNER_NOTICE[action] % {"number": complaint.number},
            )
        if action == Action.ESCALATE:
            _tell_supervisors(complaint)
    return complaint


def _tell_supervisors(complaint: Complaint) -> None:
    supervisors = get_user_model().objects.with_perm(
        SUPERVISE, backend="musaned.accounts.backends.UsernameOrNationalIdBackend"
    )
    for supervisor in supervisors.filter(is_active=True, is_staff=True):
        notify(
            user=supervisor,
            subject=_("Escalated complaint %(number)s") % {"number": complaint.number},
            body=_("Complaint %(number)s is past its service-level time and waits for you.")
            % {"number": complaint.number},
        )


def complaint_note(*, complaint: Complaint, actor, body: str) -> ComplaintMessage:
    """An internal note: staff read it, the beneficiary never does (page or API)."""
    if not (actor.is_staff and actor.has_perm(HANDLE)):
        raise InvalidTransition("not_allowed", _("You need the permission to handle complaints."))
    body = (body or "").strip()
    if not body:
        raise ComplaintError("message_required", _("Write the message."))
    with transaction.atomic():
        note = ComplaintMessage.objects.create(
            complaint=complaint, author=actor, kind=MessageKind.NOTE, body=body
        )
        audit("complaint.note", actor=actor, target=complaint, message=note.pk)
    return note


def complaint_rate(*, complaint: Complaint, actor, rating: int, comment: str = "") -> Complaint:
    """The owner rates the resolution (1–5, once) while it is resolved or closed."""
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if actor.pk != complaint.owner_id or complaint.state not in (
            ComplaintState.RESOLVED,
            ComplaintState.CLOSED,
        ):
            raise InvalidTransition(
                "invalid_transition", _("Only a resolved complaint can be rated.")
            )
        if complaint.rating is not None:
            raise InvalidTransition("already_rated", _("You have already rated this complaint."))
        if not 1 <= int(rating) <= 5:
            raise ComplaintError("rating_range", _("Choose from 1 to 5."))
        complaint.rating = int(rating)
        complaint.rating_comment = (comment or "").strip()[:1000]
        complaint.rated_at = timezone.now()
        complaint.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
        audit("complaint.rated", actor=actor, target=complaint, rating=rating)
    return complaint


def overdue_q(now: dt.datetime) -> Q:
    not_answered = Q(first_answered_at__isnull=True, first_answer_due__lt=now)
    return Q(state__in=CLOCK_STATES) & (not_answered | Q(resolution_due__lt=now))


def complaints_escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Escalate every complaint whose clock ran out, and tell the supervisors.

    Safe to run twice and from two machines: each complaint is locked and checked again.
    """
    now = now or timezone.now()
    count = 0
    for pk in Complaint.objects.filter(overdue_q(now)).values_list("pk", flat=True):
        try:
            transition(
                complaint=Complaint(pk=pk), action=Action.ESCALATE, actor=None, reason="overdue"
            )
        except InvalidTransition:
            continue  # moved on meanwhile (answered, or escalated by another run)
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
        if now <= complaint.resolved_at + dt.timedelta(days=complaint.service_level.reopen_days):
            continue
        try:
            transition(complaint=complaint, action=Action.CLOSE, actor=None, reason="reopen_window")
        except InvalidTransition:
            continue
        count += 1
    return count
