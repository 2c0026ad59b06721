"""The complaint's workflow, as rows of the one core (``musaned/core/workflow.py``).

Each row is one ``(state, action) → state``: who may take it (the owner, the platform's
jobs, or staff holding ``complaints.handle_complaint`` / ``supervise_complaint``), its
guards (another officer holds it; the reopening window), its named effects, the notice
it sends, its timeline lines (staff's and the owner's), and what its button and form
say. ``answer`` and ``reassign`` keep the state (a message, or a new officer) but are
rows like the rest, so the same checks cover them.

Every action may carry a message and files (``transition(…, message=…, files=…)``):
``converse``, the first effect of every row, posts the row's kind of message and
attaches files where the row takes them, and refuses them anywhere else.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, cast

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from musaned.accounts.models import User
from musaned.complaints import permissions
from musaned.complaints.errors import ComplaintErrorCode as Code
from musaned.complaints.errors import complaint_error
from musaned.complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintMessage,
    ComplaintState,
    MessageKind,
)
from musaned.core.clocks import add_working_days, holidays_from
from musaned.core.errors import ApplicationError
from musaned.core.uploads import check_upload
from musaned.core.workflow import (
    OFFICE,
    OWNER,
    SYSTEM,
    Actor,
    Effect,
    Guard,
    Machine,
    Notice,
    Row,
    Step,
    Text,
    Who,
    staff,
)
from musaned.notifications.services import notify
from musaned.offices.workflow import is_member, members_of

S = ComplaintState
MAX_FILES_PER_MESSAGE = 3


class Action(StrEnum):
    OFFICE_ANSWER = "office_answer"
    ACCEPT_ANSWER = "accept_answer"
    ASK_MINISTRY = "ask_ministry"
    OFFICE_WINDOW_ENDED = "office_window_ended"
    ANSWER_STANDS = "answer_stands"
    TAKE = "take"
    ANSWER = "answer"
    ASK_INFO = "ask_info"
    REPLY = "reply"
    RESOLVE = "resolve"
    REJECT = "reject"
    ESCALATE = "escalate"
    REASSIGN = "reassign"
    REOPEN = "reopen"
    CLOSE = "close"


HANDLE = staff(permissions.HANDLE)
SUPERVISE = staff(permissions.SUPERVISE)


@dataclass(frozen=True)
class ComplaintRow(Row):
    """A row of the complaint table, with what the conversation and the forms need:

    ``message``: the kind of message the action writes (required unless
    ``message_optional``); ``files``: files may come with it; ``choose_officer``: the
    form asks for the officer to give it to; ``title`` and ``message_label``: the
    heading of its form and the label of its message box; ``done``: what the person who
    took it is told (``%(number)s`` is the complaint's number)."""

    message: MessageKind | None = None
    message_optional: bool = False
    files: bool = False
    choose_officer: bool = False
    title: Text = ""
    message_label: Text = ""
    done: Text = ""


def complaint_row(row: Row) -> ComplaintRow:
    """A row of ``MACHINE``, typed as what it is."""
    return cast(ComplaintRow, row)


# --- Guards: they refuse the action, and hide its button ---------------------------------


def holder_name(complaint: Complaint) -> str:
    holder = complaint.assigned_to
    return (holder.get_full_name() or holder.username) if holder is not None else ""


def held_by_another(complaint: Complaint, actor: Actor) -> bool:
    """Whether ``actor`` is an officer (not a supervisor) and someone else holds the
    complaint. Internal notes stay open to every officer; the actions do not."""
    return (
        actor is not None
        and complaint.assigned_to_id is not None
        and complaint.assigned_to_id != actor.pk
        and not actor.has_perm(permissions.SUPERVISE)
    )


def not_held_by_another(complaint: Complaint, actor: Actor) -> ApplicationError | None:
    if not held_by_another(complaint, actor):
        return None
    # First-strong isolates: an Arabic name keeps its order in English text.
    return complaint_error(Code.HELD_BY_ANOTHER, officer=f"\u2068{holder_name(complaint)}\u2069")


def can_reopen(complaint: Complaint, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    window = dt.timedelta(days=complaint.service_level.reopen_days)
    return complaint.resolved_at is not None and now <= complaint.resolved_at + window


def within_reopen_window(complaint: Complaint, actor: Actor) -> ApplicationError | None:
    if can_reopen(complaint):
        return None
    return complaint_error(Code.REOPEN_WINDOW_PASSED, days=complaint.service_level.reopen_days)


# --- Effects ---------------------------------------------------------------------------------


def display_name(name: str) -> str:
    """The name shown for a file: its last path part, printable, at most 120 characters.
    (It is only ever shown; the file on disk has a server-made name.)"""
    base = os.path.basename(str(name).replace("\\", "/"))
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return cleaned[-120:] or "file"


def attach(
    complaint: Complaint,
    message: ComplaintMessage | None,
    files: Iterable[UploadedFile | None],
    actor: User,
) -> int:
    """Store ``files`` (at most three) with ``message`` (``None``: with the filing);
    returns how many. Each is checked for what it holds first, whoever sent it (the web
    form checked them already; an API or a script did not), all before any is stored."""
    present = [f for f in files if f]
    if len(present) > MAX_FILES_PER_MESSAGE:
        raise complaint_error(Code.TOO_MANY_FILES, max=MAX_FILES_PER_MESSAGE)
    checked_files = [(upload, check_upload(upload)) for upload in present]
    for upload, checked in checked_files:
        ComplaintAttachment.objects.create(
            complaint=complaint,
            message=message,
            uploaded_by=actor,
            file=checked,
            content_type=checked.sniffed_type,
            size=checked.size or 0,
            display_name=display_name(upload.name or ""),
        )
    return len(present)


def converse(step: Step[Complaint]) -> None:
    """Post the row's kind of message (required unless the row says optional) and attach
    the files the row takes; files elsewhere are refused."""
    row = complaint_row(step.row)
    actor = cast(User | None, step.actor)
    text = str(step.payload.get("message") or "").strip()
    files = [f for f in step.payload.get("files") or () if f]
    if row.message is not None and not text and not row.message_optional:
        raise complaint_error(Code.MESSAGE_REQUIRED)
    posted = None
    if row.message is not None and text:
        posted = ComplaintMessage.objects.create(
            complaint=step.obj, author=actor, kind=row.message, body=text
        )
        step.note(message=posted.pk)
    if files:
        if not row.files:
            raise complaint_error(Code.NO_FILES_HERE)
        assert actor is not None  # only the owner's rows take files
        step.note(files=attach(step.obj, posted, files, actor))


def take_it(step: Step[Complaint]) -> None:
    step.set("assigned_to", step.actor)


def give_to_officer(step: Step[Complaint]) -> None:
    officer: User | None = step.payload.get("assign_to")
    if officer is None or not permissions.handles_complaints(officer):
        raise complaint_error(Code.NOT_AN_OFFICER)
    step.set("assigned_to", officer)
    step.note(assigned_to=officer.pk)


def first_answer(step: Step[Complaint]) -> None:
    """Answering, asking, resolving and rejecting each count as the first answer."""
    if step.obj.first_answered_at is None:
        step.set("first_answered_at", step.now)


def wait_for_owner(step: Step[Complaint]) -> None:
    step.set("waiting_since", step.now)


def resume_clock(step: Step[Complaint]) -> None:
    """The clock stopped while the officer waited for the beneficiary: the resolution
    time moves by the time they took."""
    since = step.obj.waiting_since
    if since is not None:
        step.set("resolution_due", step.obj.resolution_due + (step.now - since))
        step.set("waiting_since", None)


def restart_clock(step: Step[Complaint]) -> None:
    """Reopened: a whole new resolution time from now, in working days."""
    level = step.obj.service_level
    holidays = holidays_from(step.now.date())
    due = add_working_days(timezone.localtime(step.now), level.resolution_days, holidays)
    step.set("resolution_due", due)
    step.set("resolved_at", None)


def start_ministry_clocks(step: Step[Complaint]) -> None:
    """The complaint reaches the ministry's queue (the office did not settle it): the
    first-answer and resolution times run from now, in working days."""
    level = step.obj.service_level
    local = timezone.localtime(step.now)
    holidays = holidays_from(step.now.date())
    step.set("first_answer_due", add_working_days(local, level.first_answer_days, holidays))
    step.set("resolution_due", add_working_days(local, level.resolution_days, holidays))


def stamp(field: str) -> Effect:
    """Record the time of the step in ``field`` (``escalated_at``, ``resolved_at``, …)."""

    def stamp_time(step: Step[Any]) -> None:
        step.set(field, step.now)

    stamp_time.__name__ = f"stamp_{field}"
    return stamp_time


stamp_escalated, stamp_resolved, stamp_closed, stamp_office_answered = (
    stamp("escalated_at"),
    stamp("resolved_at"),
    stamp("closed_at"),
    stamp("office_answered_at"),
)


# --- Notices ---------------------------------------------------------------------------------


def to_supervisors(complaint: Complaint) -> Iterable[User]:
    return permissions.supervisors()


def to_office(complaint: Complaint) -> Iterable[User]:
    """The people who work for the office the complaint names, now."""
    return members_of(complaint.office) if complaint.office is not None else []


def is_office_member(complaint: Complaint, actor: Actor) -> bool:
    """``actor`` works for the office the complaint names."""
    return complaint.office is not None and is_member(complaint.office, actor)


ANSWERED = Notice(_("There is an answer to your complaint %(number)s."))
INFO_ASKED = Notice(_("Your complaint %(number)s needs more information from you."))
RESOLVED = Notice(_("Your complaint %(number)s is resolved. Tell us how we did."))
REJECTED = Notice(_("Your complaint %(number)s is outside what we can handle; see the reason."))
OFFICE_ANSWERED = Notice(
    _(
        "The office answered your complaint %(number)s. Accept its answer, or ask the"
        " ministry to step in."
    )
)
TO_THE_MINISTRY = Notice(
    _("The office did not answer your complaint %(number)s in time: the ministry takes it now.")
)
MINISTRY_ASKED = Notice(
    _("The beneficiary asked the ministry to step in on complaint %(number)s."),
    subject=_("Complaint %(number)s"),
    to=to_office,
)
ANSWER_ACCEPTED = Notice(
    _("The beneficiary accepted your answer: complaint %(number)s is resolved."),
    subject=_("Complaint %(number)s"),
    to=to_office,
)
ANSWER_STOOD = Notice(
    _(
        "Your complaint %(number)s is resolved with the office's answer. You may reopen it"
        " for the ministry within the reopening window."
    )
)
ESCALATED = Notice(
    _("Complaint %(number)s is past its service-level time and waits for you."),
    subject=_("Escalated complaint %(number)s"),
    to=to_supervisors,
)


# --- The rows ----------------------------------------------------------------------------------
# What each action says, wherever it is taken from.

# The keyword arguments of a ``ComplaintRow`` that say what an action is called.
Says = dict[str, Any]

# An officer's actions are refused on a complaint another officer holds.
OFFICERS_ONLY: tuple[Guard, ...] = (not_held_by_another,)

OFFICE_ANSWER: Says = {
    "message": MessageKind.OFFICE_ANSWER,
    "button": _("Send the answer to the beneficiary"),
    "title": _("Answer the beneficiary"),
    "message_label": _("Your office's answer"),
    "done": _("Your answer to complaint %(number)s was sent to the beneficiary."),
    "timeline": _("The office answered"),
    "owner_timeline": _("The office answered"),
    "notice": OFFICE_ANSWERED,
}
ACCEPT_ANSWER: Says = {
    "button": _("Accept the office's answer"),
    "done": _("You accepted the office's answer: the complaint is resolved."),
    "timeline": _("The beneficiary accepted the office's answer"),
    "owner_timeline": _("You accepted the office's answer"),
    "notice": ANSWER_ACCEPTED,
}
ASK_MINISTRY: Says = {
    "message": MessageKind.REPLY,
    "message_optional": True,
    "files": True,
    "button": _("Ask the ministry to step in"),
    "done": _("The ministry takes your complaint now; an officer will answer you."),
    "timeline": _("The beneficiary asked the ministry to step in"),
    "owner_timeline": _("You asked the ministry to step in"),
    "notice": MINISTRY_ASKED,
}
OFFICE_WINDOW_ENDED: Says = {
    "timeline": _("The office did not answer in time: sent to the ministry"),
    "owner_timeline": _("The office did not answer in time: sent to the ministry"),
    "notice": TO_THE_MINISTRY,
}
ANSWER_STANDS: Says = {
    "timeline": _("Resolved with the office's answer (no word from the beneficiary)"),
    "owner_timeline": _("Resolved with the office's answer"),
    "notice": ANSWER_STOOD,
}
TAKE_FROM_OFFICE: Says = {
    "button": _("Take it from the office"),
    "title": _("Take it from the office"),
    "done": _("You took complaint %(number)s from the office."),
    "timeline": _("Taken from the office by a supervisor"),
    "owner_timeline": _("The ministry took it from the office"),
}
TAKE: Says = {
    "button": _("Take this complaint"),
    "title": _("Take it"),
    "done": _("You took complaint %(number)s."),
    "timeline": _("Taken by an officer"),
    "owner_timeline": _("An officer took it"),
}
ANSWER: Says = {
    "message": MessageKind.ANSWER,
    "button": _("Send the answer"),
    "title": _("Answer"),
    "message_label": _("Answer to the beneficiary"),
    "done": _("The answer was sent."),
    "timeline": _("Answered"),
    "notice": ANSWERED,
}
ASK_INFO: Says = {
    "message": MessageKind.INFO_REQUEST,
    "button": _("Ask for information"),
    "title": _("Ask the beneficiary for information"),
    "message_label": _("What information do you need?"),
    "done": _("The beneficiary was asked for information."),
    "timeline": _("Information asked from the beneficiary"),
    "owner_timeline": _("More information asked of you"),
    "notice": INFO_ASKED,
}
RESOLVE: Says = {
    "message": MessageKind.RESOLUTION,
    "button": _("Resolve"),
    "title": _("Resolve"),
    "message_label": _("How the complaint was resolved"),
    "done": _("Complaint %(number)s is resolved."),
    "timeline": _("Resolved"),
    "notice": RESOLVED,
}
REJECT: Says = {
    "message": MessageKind.REJECTION,
    "button": _("Reject as out of scope"),
    "title": _("Reject"),
    "message_label": _("Why it is outside what we handle"),
    "done": _("Complaint %(number)s was rejected as out of scope."),
    "timeline": _("Rejected as out of scope"),
    "notice": REJECTED,
}
REASSIGN: Says = {
    "choose_officer": True,
    "button": _("Reassign"),
    "title": _("Reassign to another officer"),
    "done": _("Complaint %(number)s was reassigned."),
    "timeline": _("Reassigned"),
    "owner_timeline": _("Passed to another officer"),
}
ESCALATE: Says = {
    "timeline": _("Escalated to a supervisor"),
    "notice": ESCALATED,
}
REPLY: Says = {
    "message": MessageKind.REPLY,
    "files": True,
    "button": _("Send the reply"),
    "done": _("Your reply was sent. The officer continues the work."),
    "timeline": _("The beneficiary replied"),
    "owner_timeline": _("You replied"),
}
REOPEN: Says = {
    "message": MessageKind.REPLY,
    "message_optional": True,
    "files": True,
    "button": _("Reopen the complaint"),
    "done": _("The complaint is open again."),
    "timeline": _("Reopened by the beneficiary"),
    "owner_timeline": _("You reopened it"),
}
CLOSE: Says = {"timeline": _("Closed")}


def row(
    source: S,
    action: Action,
    target: S,
    who: Who,
    effects: tuple[Effect, ...],
    says: Says,
    guards: tuple[Guard, ...] = (),
) -> ComplaintRow:
    """One row; ``converse`` comes first in every row's effects (see the module's note)."""
    return ComplaintRow(
        source=source,
        action=action,
        target=target,
        who=who,
        effects=(converse, *effects),
        guards=guards,
        **says,
    )


# fmt: off
ROWS: list[ComplaintRow] = [
    #   from         action           to           who        effects (after converse)          says      guards
    row(S.SUBMITTED, Action.TAKE,     S.IN_REVIEW, HANDLE,    (take_it,),                       TAKE,     OFFICERS_ONLY),
    row(S.SUBMITTED, Action.REJECT,   S.REJECTED,  HANDLE,    (first_answer,),                  REJECT,   OFFICERS_ONLY),
    row(S.SUBMITTED, Action.ESCALATE, S.ESCALATED, SYSTEM,    (stamp_escalated,),               ESCALATE),
    row(S.SUBMITTED, Action.REASSIGN, S.IN_REVIEW, SUPERVISE, (give_to_officer,),               REASSIGN),
    row(S.IN_REVIEW, Action.ANSWER,   S.IN_REVIEW, HANDLE,    (first_answer,),                  ANSWER,   OFFICERS_ONLY),
    row(S.IN_REVIEW, Action.ASK_INFO, S.WAITING,   HANDLE,    (first_answer, wait_for_owner),   ASK_INFO, OFFICERS_ONLY),
    row(S.IN_REVIEW, Action.RESOLVE,  S.RESOLVED,  HANDLE,    (first_answer, stamp_resolved),   RESOLVE,  OFFICERS_ONLY),
    row(S.IN_REVIEW, Action.REJECT,   S.REJECTED,  HANDLE,    (first_answer,),                  REJECT,   OFFICERS_ONLY),
    row(S.IN_REVIEW, Action.ESCALATE, S.ESCALATED, SYSTEM,    (stamp_escalated,),               ESCALATE),
    row(S.IN_REVIEW, Action.REASSIGN, S.IN_REVIEW, SUPERVISE, (give_to_officer,),               REASSIGN),
    row(S.WAITING,   Action.REPLY,    S.IN_REVIEW, OWNER,     (resume_clock,),                  REPLY),
    row(S.WAITING,   Action.REASSIGN, S.WAITING,   SUPERVISE, (give_to_officer,),               REASSIGN),
    row(S.ESCALATED, Action.TAKE,     S.IN_REVIEW, SUPERVISE, (take_it,),                       TAKE),
    row(S.ESCALATED, Action.RESOLVE,  S.RESOLVED,  SUPERVISE, (first_answer, stamp_resolved),   RESOLVE),
    row(S.ESCALATED, Action.REJECT,   S.REJECTED,  SUPERVISE, (first_answer,),                  REJECT),
    row(S.ESCALATED, Action.REASSIGN, S.IN_REVIEW, SUPERVISE, (give_to_officer,),               REASSIGN),
    row(S.RESOLVED,  Action.REOPEN,   S.IN_REVIEW, OWNER,     (restart_clock,),                 REOPEN,   (within_reopen_window,)),
    row(S.RESOLVED,  Action.CLOSE,    S.CLOSED,    SYSTEM,    (stamp_closed,),                  CLOSE),
    # The amicable phase: a complaint about an office goes to the office first.
    row(S.WITH_OFFICE,     Action.OFFICE_ANSWER,       S.OFFICE_ANSWERED, OFFICE,    (stamp_office_answered,),                OFFICE_ANSWER),
    row(S.WITH_OFFICE,     Action.OFFICE_WINDOW_ENDED, S.SUBMITTED,       SYSTEM,    (start_ministry_clocks,),                OFFICE_WINDOW_ENDED),
    row(S.WITH_OFFICE,     Action.TAKE,                S.IN_REVIEW,       SUPERVISE, (start_ministry_clocks, take_it),        TAKE_FROM_OFFICE),
    row(S.OFFICE_ANSWERED, Action.ACCEPT_ANSWER,       S.RESOLVED,        OWNER,     (stamp_resolved,),                       ACCEPT_ANSWER),
    row(S.OFFICE_ANSWERED, Action.ASK_MINISTRY,        S.SUBMITTED,       OWNER,     (start_ministry_clocks,),                ASK_MINISTRY),
    row(S.OFFICE_ANSWERED, Action.ANSWER_STANDS,       S.RESOLVED,        SYSTEM,    (stamp_resolved,),                       ANSWER_STANDS),
    row(S.OFFICE_ANSWERED, Action.TAKE,                S.IN_REVIEW,       SUPERVISE, (start_ministry_clocks, take_it),        TAKE_FROM_OFFICE),
]
# fmt: on


def refused(complaint: Complaint) -> Text:
    return _("This complaint cannot do that now (it is “%(state)s”).") % {
        "state": ComplaintState(complaint.state).label
    }


def notice_values(step: Step[Complaint]) -> dict[str, Any]:
    return {"number": step.obj.number}


MACHINE: Machine[Complaint] = Machine(
    name="complaint",
    model=Complaint,
    rows=ROWS,
    # Resolved is done as far as people are concerned; it may still be reopened, or
    # closed by the job when the reopening window has passed.
    settled=[S.RESOLVED],
    refused=refused,
    notice_values=notice_values,
    notice_subject=_("Musaned complaint %(number)s"),
    notify=notify,
    office_member=is_office_member,
    # The timeline lines of audit rows that are not steps of the table.
    labels={
        "complaint.submitted": _("Complaint filed"),
        "complaint.note": _("Internal note added"),
        "complaint.rated": _("Rated by the beneficiary"),
    },
    owner_labels={
        "complaint.submitted": _("Complaint filed"),
        "complaint.rated": _("You rated the resolution"),
    },
)

# Complaints open to people (not closed, rejected, or resolved).
OPEN_STATES = MACHINE.open
TERMINAL_STATES = MACHINE.terminal
# Complaints whose clocks are running: the states the escalation job moves on when they
# run out. While the officer waits for the beneficiary the clock is paused.
CLOCK_STATES = frozenset(r.source for r in MACHINE.rows if r.action == Action.ESCALATE)

# The states as staff read them ("Waiting for you" is the beneficiary's wording).
STAFF_STATE_LABELS: dict[str, Text] = {
    **dict(ComplaintState.choices),
    ComplaintState.WAITING: _("Waiting for the beneficiary"),
}

# The states as the office reads them (its portal and its API): the ministry's own steps
# are one "with the ministry".
WITH_THE_MINISTRY = _("With the ministry")
OFFICE_STATE_LABELS: dict[str, Text] = {
    **dict(ComplaintState.choices),
    ComplaintState.WITH_OFFICE: _("Waiting for your answer"),
    ComplaintState.OFFICE_ANSWERED: _("You answered; the beneficiary decides"),
    ComplaintState.SUBMITTED: WITH_THE_MINISTRY,
    ComplaintState.IN_REVIEW: WITH_THE_MINISTRY,
    ComplaintState.WAITING: WITH_THE_MINISTRY,
    ComplaintState.ESCALATED: WITH_THE_MINISTRY,
}


def staff_row(action: str) -> ComplaintRow | None:
    """The first row of ``action`` that staff take with a button (its labels and form are
    the action's wherever it is taken from), or ``None``: not a staff action."""
    for candidate in MACHINE.rows:
        if candidate.action == action and candidate.staff_permissions and candidate.button:
            return complaint_row(candidate)
    return None


def staff_actions_for(complaint: Complaint, actor: User) -> list[ComplaintRow]:
    """The staff actions ``actor`` may take on ``complaint`` now (the back office's buttons)."""
    return [complaint_row(r) for r in MACHINE.actions_for(complaint, actor) if r.staff_permissions]
