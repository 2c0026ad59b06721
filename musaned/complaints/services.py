"""Every write to complaints. (The pages and the back office come with the rest of
issue 5; these services are what they will call.)"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from musaned.complaints.clocks import add_working_days
from musaned.complaints.models import Complaint, ComplaintState, Holiday, ServiceLevel
from musaned.complaints.workflow import OPEN_STATES, OWNER, SYSTEM, Action, target
from musaned.core.audit import audit
from musaned.core.errors import ApplicationError, InvalidTransition
from musaned.core.numbering import unique_number


class ComplaintError(ApplicationError):
    pass


def service_level_in_effect(on: dt.date) -> ServiceLevel:
    level = ServiceLevel.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    if level is None:
        raise ComplaintError("no_service_level", _("No service level is in effect."))
    return level


def holidays_from(start: dt.date) -> list[dt.date]:
    return list(Holiday.objects.filter(date__gte=start).values_list("date", flat=True))


def complaint_submit(
    *, owner, category: str, subject: str, description: str, contact_preference: str, visa=None
) -> Complaint:
    """File a complaint; its clocks start now (in working days)."""
    now = timezone.now()
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
        audit("complaint.submitted", actor=owner, target=complaint, category=category)
    return complaint


def transition(*, complaint: Complaint, action: Action, actor, **data) -> Complaint:
    """Move a complaint along the state table (locks the row; 409 for a pair not in it;
    the actor must be the owner, the system (None) or hold the named permission)."""
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        found = target(complaint.state, action)
        allowed = found is not None and (
            (found[1] == OWNER and actor is not None and actor.pk == complaint.owner_id)
            or (found[1] == SYSTEM and actor is None)
            or (found[1] not in (OWNER, SYSTEM) and actor is not None and actor.has_perm(found[1]))
        )
        if not allowed:
            raise InvalidTransition(
                "invalid_transition",
                _("This complaint cannot do that now (it is “%(state)s”).")
                % {"state": ComplaintState(complaint.state).label},
            )
        old, complaint.state = complaint.state, found[0]
        fields = ["state", "updated_at"]
        now = timezone.now()
        stamp = {
            ComplaintState.ESCALATED: "escalated_at",
            ComplaintState.RESOLVED: "resolved_at",
            ComplaintState.CLOSED: "closed_at",
        }.get(found[0])
        if stamp:
            setattr(complaint, stamp, now)
            fields.append(stamp)
        complaint.save(update_fields=fields)
        audit(
            f"complaint.{action}",
            actor=actor,
            target=complaint,
            old=old,
            new=complaint.state,
            **data,
        )
    return complaint


def complaints_escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Escalate every open complaint past its first-answer or resolution time.

    Safe to run twice and from two machines: each complaint is locked and checked again.
    """
    now = now or timezone.now()
    overdue = Complaint.objects.filter(state__in=OPEN_STATES).filter(models_q_overdue(now))
    count = 0
    for pk in overdue.values_list("pk", flat=True):
        complaint = Complaint.objects.get(pk=pk)
        try:
            transition(complaint=complaint, action=Action.ESCALATE, actor=None, reason="overdue")
        except InvalidTransition:
            continue  # moved on meanwhile (answered, or escalated by another run)
        count += 1
    return count


def models_q_overdue(now: dt.datetime):
    from django.db.models import Q

    not_answered = Q(first_answered_at__isnull=True, first_answer_due__lt=now)
    return not_answered | Q(resolution_due__lt=now)
