"""The office's workflow, as rows of the one core (``musaned/core/workflow.py``).

Licensing officers renew licences, record warnings and penalty points, suspend (until a
date), reinstate and withdraw (``staff(permissions.REGISTER | SANCTION)``); the daily job
expires lapsed licences and ends suspensions whose date has passed (``SYSTEM``); the
office's manager keeps its contact details and what it recruits (``OFFICE``, the manager
only). Warnings, penalty points, suspensions and withdrawals each write an
``OfficeSanction`` row in the same transaction as the audit row.

    active ──suspend──▶ suspended ──reinstate / the end date passes──▶ active
      │                    │
      ├──expire (job)──▶ expired ──renew──▶ active
      └──withdraw──▶ withdrawn (final; from suspended and expired too)

A suspended office whose licence lapses stays suspended until the suspension ends; then
the job expires it instead of reinstating it (docs/decisions/0015-office-workflow.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, cast

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from musaned.accounts.models import User
from musaned.core.errors import ApplicationError, InvalidTransition
from musaned.core.workflow import (
    OFFICE,
    SYSTEM,
    Actor,
    Effect,
    Formatted,
    Guard,
    Machine,
    Notice,
    Row,
    Step,
    Text,
    Who,
    staff,
)
from musaned.identity.hijri import format_dual
from musaned.notifications.services import notify
from musaned.offices import permissions, sources
from musaned.offices.errors import OfficeErrorCode as Code
from musaned.offices.errors import office_error
from musaned.offices.models import (
    Office,
    OfficeMembership,
    OfficeRole,
    OfficeSanction,
    OfficeState,
    SanctionGround,
    SanctionKind,
)

S = OfficeState
MAX_PENALTY_POINTS = 20
PROFILE_FIELDS = ("phone", "email", "address")


class Action(StrEnum):
    RENEW = "renew"
    WARN = "warn"
    PENALISE = "penalise"
    SUSPEND = "suspend"
    EXTEND_SUSPENSION = "extend_suspension"
    REINSTATE = "reinstate"
    END_SUSPENSION = "end_suspension"
    EXPIRE = "expire"
    WITHDRAW = "withdraw"
    UPDATE_PROFILE = "update_profile"


REGISTER = staff(permissions.REGISTER)
SANCTION = staff(permissions.SANCTION)


@dataclass(frozen=True)
class OfficeRow(Row):
    """A row of the office table, with what its form asks for: ``fields`` among
    ``expires_on``, ``ground``, ``points``, ``until``, ``reason`` (``reason`` required
    when ``reason_required``); ``title`` heads the form and ``done`` is what the officer
    is told afterwards."""

    fields: tuple[str, ...] = ()
    reason_required: bool = False
    title: Text = ""
    done: Text = ""


def office_row(row: Row) -> OfficeRow:
    return cast(OfficeRow, row)


# --- Who is the office ---------------------------------------------------------------------


def is_member(office: Office, actor: Actor) -> bool:
    """``actor`` works for ``office`` now (manager or employee)."""
    return (
        actor is not None
        and actor.pk is not None
        and OfficeMembership.objects.filter(
            office_id=office.pk, user_id=actor.pk, ended_at__isnull=True
        ).exists()
    )


def is_manager(office: Office, actor: Actor) -> bool:
    return (
        actor is not None
        and actor.pk is not None
        and OfficeMembership.objects.filter(
            office_id=office.pk, user_id=actor.pk, ended_at__isnull=True, role=OfficeRole.MANAGER
        ).exists()
    )


def members_of(office: Office) -> list[User]:
    """The people who work for the office now (the office's notices go to each)."""
    return list(
        User.objects.filter(
            office_memberships__office_id=office.pk,
            office_memberships__ended_at__isnull=True,
            is_active=True,
        ).order_by("pk")
    )


# --- Guards ---------------------------------------------------------------------------------


def _not_now() -> InvalidTransition:
    return InvalidTransition("invalid_transition", _("This cannot be done now."))


def today() -> dt.date:
    return timezone.localdate()


def managers_only(office: Office, actor: Actor) -> ApplicationError | None:
    return None if is_manager(office, actor) else office_error(Code.MANAGERS_ONLY)


def licence_valid(office: Office, actor: Actor) -> ApplicationError | None:
    if office.licence_valid_on(today()):
        return None
    return office_error(Code.RENEW_FIRST, date=Dual(office.licence_expires_on))


def suspension_over(office: Office, actor: Actor) -> ApplicationError | None:
    """The job's rows: the suspension's last day has passed."""
    until = office.suspended_until
    return None if until is not None and until < today() else _not_now()


def licence_lapsed(office: Office, actor: Actor) -> ApplicationError | None:
    """The job's rows: the licence's last day has passed."""
    return None if not office.licence_valid_on(today()) else _not_now()


# --- Effects -----------------------------------------------------------------------------


def _date(step: Step[Office], name: str) -> dt.date | None:
    value = step.payload.get(name)
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def require_reason(step: Step[Office]) -> None:
    row = office_row(step.row)
    if row.reason_required and not step.reason.strip():
        raise office_error(Code.REASON_REQUIRED, field="reason")


def set_expiry(step: Step[Office]) -> None:
    """The licence's new last day: after today and after the present one."""
    new = _date(step, "expires_on")
    if new is None or new <= timezone.localdate(step.now):
        raise office_error(Code.LICENCE_DATE_NOT_FUTURE, field="expires_on")
    old = step.obj.licence_expires_on
    if new <= old:
        raise office_error(Code.RENEWAL_NOT_LATER, field="expires_on", date=Dual(old))
    step.set("licence_expires_on", new)
    step.note(licence_expires_on=new.isoformat(), previous=old.isoformat())


def set_suspension_end(step: Step[Office]) -> None:
    until = _date(step, "until")
    if until is None or until <= timezone.localdate(step.now):
        raise office_error(Code.SUSPENSION_END_NOT_FUTURE, field="until")
    current = step.obj.suspended_until
    if step.old_state == S.SUSPENDED and current is not None and until <= current:
        raise office_error(Code.SUSPENSION_NOT_LATER, field="until", date=Dual(current))
    step.set("suspended_until", until)
    step.note(until=until.isoformat())


def clear_suspension_end(step: Step[Office]) -> None:
    step.set("suspended_until", None)


def record(kind: SanctionKind) -> Effect:
    """Write the decision's own row (ground, reason, points, end date) and note it."""

    def record_sanction(step: Step[Office]) -> None:
        ground = str(step.payload.get("ground") or "")
        if ground not in SanctionGround.values:
            raise office_error(Code.GROUND_REQUIRED, field="ground")
        points = 0
        if kind == SanctionKind.PENALTY:
            raw = step.payload.get("points")
            points = raw if isinstance(raw, int) and not isinstance(raw, bool) else 0
            if not 1 <= points <= MAX_PENALTY_POINTS:
                raise office_error(Code.POINTS_RANGE, field="points", max=MAX_PENALTY_POINTS)
        sanction = OfficeSanction.objects.create(
            office=step.obj,
            kind=kind,
            points=points,
            ground=ground,
            reason=step.reason.strip(),
            until=step.obj.suspended_until if kind == SanctionKind.SUSPENSION else None,
            decided_by=cast(User, step.actor),
        )
        step.note(sanction=sanction.pk, ground=ground, **({"points": points} if points else {}))

    record_sanction.__name__ = f"record_{kind}"
    return record_sanction


def apply_profile(step: Step[Office]) -> None:
    """The manager's edit: contact details and what the office recruits."""
    office = step.obj
    changed = []
    for name in PROFILE_FIELDS:
        if name in step.payload and step.payload[name] != getattr(office, name):
            step.set(name, step.payload[name])
            changed.append(name)
    for name in ("nationalities", "occupations"):
        if name in step.payload:
            wanted = {item.pk for item in step.payload[name]}
            manager = getattr(office, name)
            if wanted != set(manager.values_list("pk", flat=True)):
                manager.set(sorted(wanted))
                changed.append(name)
    step.note(fields=changed)


def tell_beneficiaries(step: Step[Office]) -> None:
    """People with a contract in progress with the office hear it from us (recruitment,
    issue 13, registers where they are; until then there is nobody to tell)."""
    source = sources.contracts()
    if source is None:
        return
    office = step.obj
    body = BENEFICIARY_SUSPENDED if step.row.target == S.SUSPENDED else BENEFICIARY_WITHDRAWN
    values = notice_values(step)
    for person in source.beneficiaries(office=office):
        notify(
            user=person,
            subject=Formatted(_("Musaned: recruitment office %(office)s"), values),
            body=Formatted(body, values),
            key=f"office-{office.pk}-{step.row.action}-{step.now:%Y%m%d%H%M%S}-{person.pk}",
        )


# --- Notices -------------------------------------------------------------------------------


class Dual:
    """A date said in both calendars in the language of whoever reads it."""

    def __init__(self, value: dt.date):
        self.value = value

    def __str__(self) -> str:
        return format_dual(self.value)


class Bilingual:
    """An office's name in the reader's language."""

    def __init__(self, office: Office):
        self.ar, self.en = office.name_ar, office.name_en

    def __str__(self) -> str:
        return self.ar if (get_language() or "ar").startswith("ar") else self.en


def to_members(office: Office) -> Iterable[User]:
    return members_of(office)


RENEWED = Notice(_("The licence of %(office)s is renewed until %(licence)s."), to=to_members)
WARNED = Notice(
    _("The ministry gave %(office)s a warning. Ground: %(ground)s. Read it in the office portal."),
    to=to_members,
)
PENALISED = Notice(
    _(
        "The ministry gave %(office)s penalty points. Ground: %(ground)s. Read it in the "
        "office portal."
    ),
    to=to_members,
)
SUSPENDED = Notice(
    _(
        "%(office)s is suspended until %(until)s: it is out of the directory and receives no "
        "new requests. Ground: %(ground)s."
    ),
    to=to_members,
)
EXTENDED = Notice(_("The suspension of %(office)s is extended until %(until)s."), to=to_members)
ACTIVE_AGAIN = Notice(_("%(office)s is active again and back in the directory."), to=to_members)
EXPIRED = Notice(
    _(
        "The licence of %(office)s expired on %(licence)s: the office is out of the "
        "directory until the licence is renewed."
    ),
    to=to_members,
)
WITHDRAWN = Notice(_("The licence of %(office)s was withdrawn. Ground: %(ground)s."), to=to_members)
BENEFICIARY_SUSPENDED = _(
    "The recruitment office %(office)s is suspended until %(until)s. Your contract stays on "
    "the platform; see it in Musaned."
)
BENEFICIARY_WITHDRAWN = _(
    "The recruitment office %(office)s lost its licence. Your contract stays on the "
    "platform; see in Musaned what happens next."
)


def notice_values(step: Step[Office]) -> dict[str, Any]:
    office = step.obj
    ground = step.payload.get("ground")
    return {
        "office": Bilingual(office),
        "licence": Dual(office.licence_expires_on),
        "until": Dual(office.suspended_until) if office.suspended_until else "",
        "ground": SanctionGround(ground).label if ground in SanctionGround.values else "",
    }


# --- The rows ----------------------------------------------------------------------------------

Says = dict[str, Any]

RENEW: Says = {
    "fields": ("expires_on", "reason"),
    "button": _("Renew the licence"),
    "title": _("Renew the licence"),
    "done": _("The licence is renewed."),
    "timeline": _("Licence renewed"),
    "notice": RENEWED,
}
WARN: Says = {
    "fields": ("ground", "reason"),
    "reason_required": True,
    "button": _("Record a warning"),
    "title": _("Warning"),
    "done": _("The warning is recorded; the office was told."),
    "timeline": _("Warning recorded"),
    "notice": WARNED,
}
PENALISE: Says = {
    "fields": ("points", "ground", "reason"),
    "reason_required": True,
    "button": _("Give penalty points"),
    "title": _("Penalty points"),
    "done": _("The penalty points are recorded; the office was told."),
    "timeline": _("Penalty points given"),
    "notice": PENALISED,
}
SUSPEND: Says = {
    "fields": ("until", "ground", "reason"),
    "reason_required": True,
    "button": _("Suspend the office"),
    "title": _("Suspend"),
    "done": _("The office is suspended and out of the directory."),
    "timeline": _("Suspended"),
    "notice": SUSPENDED,
}
EXTEND: Says = {
    "fields": ("until", "reason"),
    "reason_required": True,
    "button": _("Extend the suspension"),
    "title": _("Extend the suspension"),
    "done": _("The suspension is extended."),
    "timeline": _("Suspension extended"),
    "notice": EXTENDED,
}
REINSTATE: Says = {
    "fields": ("reason",),
    "button": _("Reinstate the office"),
    "title": _("Reinstate"),
    "done": _("The office is active again and back in the directory."),
    "timeline": _("Reinstated"),
    "notice": ACTIVE_AGAIN,
}
END_SUSPENSION: Says = {"timeline": _("Suspension ended"), "notice": ACTIVE_AGAIN}
EXPIRE: Says = {"timeline": _("Licence expired"), "notice": EXPIRED}
WITHDRAW: Says = {
    "fields": ("ground", "reason"),
    "reason_required": True,
    "button": _("Withdraw the licence"),
    "title": _("Withdraw the licence"),
    "done": _("The licence is withdrawn. The office keeps its history."),
    "timeline": _("Licence withdrawn"),
    "notice": WITHDRAWN,
}
UPDATE_PROFILE: Says = {"timeline": _("Profile updated by the office")}


def row(
    source: S,
    action: Action,
    target: S,
    who: Who,
    effects: tuple[Effect, ...],
    says: Says,
    guards: tuple[Guard, ...] = (),
) -> OfficeRow:
    return OfficeRow(
        source=source,
        action=action,
        target=target,
        who=who,
        effects=(require_reason, *effects),
        guards=guards,
        **says,
    )


record_warning = record(SanctionKind.WARNING)
record_penalty = record(SanctionKind.PENALTY)
record_suspension = record(SanctionKind.SUSPENSION)
record_withdrawal = record(SanctionKind.WITHDRAWAL)
MANAGER: tuple[Guard, ...] = (managers_only,)

A = Action
# fmt: off
ROWS: list[OfficeRow] = [
    #   from          action                to           who       effects                                           says            guards
    row(S.ACTIVE,    A.RENEW,             S.ACTIVE,    REGISTER, (set_expiry,),                                    RENEW),
    row(S.SUSPENDED, A.RENEW,             S.SUSPENDED, REGISTER, (set_expiry,),                                    RENEW),
    row(S.EXPIRED,   A.RENEW,             S.ACTIVE,    REGISTER, (set_expiry,),                                    RENEW),
    row(S.ACTIVE,    A.WARN,              S.ACTIVE,    SANCTION, (record_warning,),                                WARN),
    row(S.SUSPENDED, A.WARN,              S.SUSPENDED, SANCTION, (record_warning,),                                WARN),
    row(S.EXPIRED,   A.WARN,              S.EXPIRED,   SANCTION, (record_warning,),                                WARN),
    row(S.ACTIVE,    A.PENALISE,          S.ACTIVE,    SANCTION, (record_penalty,),                                PENALISE),
    row(S.SUSPENDED, A.PENALISE,          S.SUSPENDED, SANCTION, (record_penalty,),                                PENALISE),
    row(S.EXPIRED,   A.PENALISE,          S.EXPIRED,   SANCTION, (record_penalty,),                                PENALISE),
    row(S.ACTIVE,    A.SUSPEND,           S.SUSPENDED, SANCTION, (set_suspension_end, record_suspension, tell_beneficiaries), SUSPEND),
    row(S.SUSPENDED, A.EXTEND_SUSPENSION, S.SUSPENDED, SANCTION, (set_suspension_end,),                            EXTEND),
    row(S.SUSPENDED, A.REINSTATE,         S.ACTIVE,    SANCTION, (clear_suspension_end,),                          REINSTATE,      (licence_valid,)),
    row(S.SUSPENDED, A.END_SUSPENSION,    S.ACTIVE,    SYSTEM,   (clear_suspension_end,),                          END_SUSPENSION, (suspension_over, licence_valid)),
    row(S.SUSPENDED, A.EXPIRE,            S.EXPIRED,   SYSTEM,   (clear_suspension_end,),                          EXPIRE,         (suspension_over, licence_lapsed)),
    row(S.ACTIVE,    A.EXPIRE,            S.EXPIRED,   SYSTEM,   (),                                               EXPIRE,         (licence_lapsed,)),
    row(S.ACTIVE,    A.WITHDRAW,          S.WITHDRAWN, SANCTION, (record_withdrawal, tell_beneficiaries),          WITHDRAW),
    row(S.SUSPENDED, A.WITHDRAW,          S.WITHDRAWN, SANCTION, (clear_suspension_end, record_withdrawal, tell_beneficiaries), WITHDRAW),
    row(S.EXPIRED,   A.WITHDRAW,          S.WITHDRAWN, SANCTION, (record_withdrawal,),                             WITHDRAW),
    row(S.ACTIVE,    A.UPDATE_PROFILE,    S.ACTIVE,    OFFICE,   (apply_profile,),                                 UPDATE_PROFILE, MANAGER),
    row(S.SUSPENDED, A.UPDATE_PROFILE,    S.SUSPENDED, OFFICE,   (apply_profile,),                                 UPDATE_PROFILE, MANAGER),
    row(S.EXPIRED,   A.UPDATE_PROFILE,    S.EXPIRED,   OFFICE,   (apply_profile,),                                 UPDATE_PROFILE, MANAGER),
]
# fmt: on


def refused(office: Office) -> Text:
    return _("This office cannot do that now (it is “%(state)s”).") % {
        "state": OfficeState(office.state).label
    }


MACHINE: Machine[Office] = Machine(
    name="office",
    model=Office,
    rows=ROWS,
    owner_field="registered_by",
    edit_action=Action.UPDATE_PROFILE,
    refused=refused,
    notice_values=notice_values,
    notice_subject=_("Musaned: recruitment office %(office)s"),
    office_member=is_member,
    notify=notify,
    # The timeline lines of the office's audit rows that are not steps of the table.
    labels={
        "office.registered": _("Office registered"),
        "office.invited": _("Invitation sent"),
        "office.invitation_accepted": _("Invitation accepted"),
        "office.invitation_declined": _("Invitation declined"),
        "office.invitation_revoked": _("Invitation taken back"),
        "office.member_removed": _("Employee removed"),
        "office.manager_replaced": _("Manager replaced"),
        "office.price_set": _("Price set"),
        "office.price_removed": _("Price removed"),
        "office.prices_suspended": _("Prices suspended under a new ceiling"),
    },
)

# The states in which the office is listed and takes new requests.
LISTED_STATES = frozenset({S.ACTIVE})
# The states in which nothing of the office changes any more.
CLOSED_STATES = MACHINE.terminal


def officer_actions_for(office: Office, actor: User) -> list[OfficeRow]:
    """The actions ``actor`` (a licensing officer) may take on ``office`` now."""
    return [office_row(r) for r in MACHINE.actions_for(office, actor) if r.staff_permissions]


def officer_row(action: str) -> OfficeRow | None:
    """The first staff row of ``action`` (its form and labels are the action's)."""
    for candidate in MACHINE.rows:
        if candidate.action == action and candidate.staff_permissions and candidate.button:
            return office_row(candidate)
    return None
