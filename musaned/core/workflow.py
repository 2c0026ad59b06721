"""One workflow core for every case the platform handles (docs/architecture.md).

A workflow is a list of ``Row``s, one per ``(state, action)``: the state it leaves, the
action, the state it reaches, who may take it, the small named effect functions it
runs, the notice it sends, and the labels people read (a button, a timeline line). A
``Machine`` holds one model's rows and derives the rest from them: the terminal, open
and editable states, and ``actions_for(obj, actor)``, the actions a person may take now.

Every change of state goes through the one ``transition()``::

    transition(obj=application, action="cancel", actor=user, reason="…")

which, in one transaction: locks the row (``core/locks.py``, after the rows the row
asks to be locked first); refuses a pair that is not in the table, or an actor who
may not take it, with ``InvalidTransition`` (HTTP 409) and nothing changed; runs the
row's guards and effects; saves the object with exactly the fields they changed; writes
the audit row (old state, new state, actor, reason and what the effects noted); runs
the row's ``after_save`` effects; and queues the notice, which is sent after commit.
Plain code: no framework, no metaclass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from musaned.core import locks
from musaned.core.audit import audit
from musaned.core.errors import ApplicationError, InvalidTransition, Text

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser

    Actor = AbstractUser | None
else:
    Actor = Any

M = TypeVar("M", bound=models.Model)


# --- Who may act ---------------------------------------------------------------------


@dataclass(frozen=True)
class Who:
    """One kind of actor a row admits: the record's owner, the platform itself (no
    person: a callback, a job, the rules engine), a member of the record's office, or a
    staff member holding a named permission."""

    kind: str
    permission: str = ""

    def __str__(self) -> str:
        return self.permission or self.kind


OWNER = Who("owner")
SYSTEM = Who("system")
OFFICE = Who("office")


def staff(permission: str) -> Who:
    """Staff holding ``permission`` (``"complaints.handle_complaint"``)."""
    return Who("permission", permission)


# --- One step of a transition, as the effects see it ----------------------------------


@dataclass
class Step(Generic[M]):
    """What an effect works with: the locked object, who acts, why, what the caller
    passed (``payload``), and the fields and audit details changed so far."""

    obj: M
    row: Row
    actor: Actor
    reason: str
    payload: dict[str, Any]
    now: dt.datetime
    old_state: str
    changed: set[str] = field(default_factory=set)
    details: dict[str, Any] = field(default_factory=dict)

    def set(self, name: str, value: Any) -> None:
        """Change a field of the object; it is saved with the new state."""
        setattr(self.obj, name, value)
        self.changed.add(name)

    def note(self, **details: Any) -> None:
        """Add to the audit row (already masked: no IDs, codes or secrets)."""
        self.details.update(details)


Effect = Callable[[Step[Any]], None]
# A guard says why the action cannot be taken now (an error to raise), or ``None``.
Guard = Callable[[Any, Actor], ApplicationError | None]


# --- Notices -----------------------------------------------------------------------------


class Formatted:
    """A translated template filled with values when it is rendered, so a notice is
    written in its recipient's language (``notify`` renders it under that language)."""

    def __init__(self, template: Text, values: Mapping[str, Any]):
        self.template, self.values = template, dict(values)

    def __str__(self) -> str:
        # ``%`` on the lazy template itself, so a lazy ``ngettext`` picks its plural
        # form from the values (``ngettext_lazy(…, "count")``).
        return str(self.template % self.values)


@dataclass(frozen=True)
class Notice:
    """An SMS and email sent after the transition commits. ``subject`` and ``body`` are
    lazy templates filled with the machine's ``notice_values(step)``; ``to`` says who
    receives it (the record's owner by default)."""

    body: Text
    subject: Text | None = None
    to: Callable[[Any], Iterable[Any]] | None = None


# --- Rows and machines ---------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One allowed ``(source, action) → target`` with who may take it and what it does.

    ``effects`` run in order inside the transaction, after the state is checked and
    before it changes; one may raise an ``ApplicationError`` to refuse (everything rolls
    back). ``after_save`` effects run once the object is saved in its new state and the
    audit row is written, still inside the transaction (what must see the new state: a
    subject's handler, a follow-up on another record; what they change on the object is
    not saved, and a raise still rolls everything back). ``guards`` decide whether the
    action is possible at all now: a refused guard also hides the button. ``lock_first``
    names rows to lock before this one (the owner, when a limit counts the owner's
    records; ``transition`` takes those of every row of the action, as it learns the
    state only under the lock). ``button`` is the label of the button that takes the
    action (``None``: nobody presses it — a job or the platform does it); ``timeline``
    the line the record's history shows staff, ``owner_timeline`` the line
    its owner reads when it differs ("You replied" for "The beneficiary replied"); a row
    with neither is not on the owner's timeline. ``audit_action`` overrides the
    audit row's name (``"<machine>.<action>"`` by default).
    """

    source: str
    action: str
    target: str
    who: Who | tuple[Who, ...]
    effects: tuple[Effect, ...] = ()
    guards: tuple[Guard, ...] = ()
    notice: Notice | None = None
    timeline: Text = ""
    owner_timeline: Text = ""
    button: Text | None = None
    lock_first: Callable[[Any], Iterable[models.Model]] | None = None
    audit_action: str = ""
    after_save: tuple[Effect, ...] = ()

    @property
    def whos(self) -> tuple[Who, ...]:
        return self.who if isinstance(self.who, tuple) else (self.who,)

    @property
    def staff_permissions(self) -> tuple[str, ...]:
        return tuple(w.permission for w in self.whos if w.kind == "permission")


class Machine(Generic[M]):
    """The workflow of one model: its rows, and what derives from them.

    - ``terminal``: states no row leaves;
    - ``open``: the states that are not terminal and not ``settled`` (settled states
      are done as far as people are concerned, though a follow-up such as reopening or a
      job may still move them);
    - ``editable``: the states from which ``edit_action`` (a row that keeps the state)
      may be taken.

    ``audit_state_keys`` name the audit row's old and new state (``("old", "new")``;
    an app whose audit rows already say ``old_state``/``new_state`` keeps its names).
    """

    def __init__(
        self,
        *,
        name: str,
        model: type[M],
        rows: Sequence[Row],
        state_field: str = "state",
        owner_field: str = "owner",
        edit_action: str = "",
        settled: Iterable[str] = (),
        refused: Callable[[M], Text] | None = None,
        notice_values: Callable[[Step[M]], Mapping[str, Any]] | None = None,
        notice_subject: Text | None = None,
        office_member: Callable[[M, Actor], bool] | None = None,
        labels: Mapping[str, Text] | None = None,
        owner_labels: Mapping[str, Text] | None = None,
        notify: Callable[..., Any] | None = None,
        audit_state_keys: tuple[str, str] = ("old", "new"),
    ):
        self.name = name
        self.audit_state_keys = audit_state_keys
        self.model = model
        self.rows: tuple[Row, ...] = tuple(rows)
        self.state_field = state_field
        self.owner_field = owner_field
        self.edit_action = edit_action
        self._refused = refused
        self._notice_values = notice_values
        self.notice_subject = notice_subject
        self._office_member = office_member
        # The app passes ``notifications.services.notify``: core sits below notifications.
        self.notify = notify
        states = model._meta.get_field(state_field)
        self.states: tuple[str, ...] = tuple(
            str(value) for value, _label in getattr(states, "choices", None) or ()
        )
        self._by_pair: dict[tuple[str, str], Row] = {}
        for row in self.rows:
            pair = (row.source, row.action)
            if pair in self._by_pair:
                raise ValueError(f"{name}: two rows for {pair}")
            for state in (row.source, row.target):
                if state not in self.states:
                    raise ValueError(f"{name}: {state!r} is not a state of {model.__name__}")
            if any(w.kind == "office" for w in row.whos) and office_member is None:
                raise ValueError(f"{name}: an office row needs office_member")
            if row.notice is not None and notify is None:
                raise ValueError(f"{name}: a row with a notice needs notify")
            self._by_pair[pair] = row
        sources = {row.source for row in self.rows}
        self.terminal: frozenset[str] = frozenset(s for s in self.states if s not in sources)
        self.open: frozenset[str] = frozenset(sources) - frozenset(settled)
        self.editable: frozenset[str] = frozenset(
            row.source for row in self.rows if edit_action and row.action == edit_action
        )
        self.actions: tuple[str, ...] = tuple(dict.fromkeys(row.action for row in self.rows))
        # Timeline lines by audit action (core/timeline.py): what staff read, what the
        # owner reads; ``labels``/``owner_labels`` add the lines of audit rows that are not
        # transitions (the record's creation, a rating).
        self.labels: dict[str, Text] = dict(labels or {})
        self.owner_labels: dict[str, Text] = dict(owner_labels or {})
        for row in self.rows:
            action = self.audit_action(row)
            if row.timeline:
                self.labels.setdefault(action, row.timeline)
            if row.owner_timeline or row.timeline:
                self.owner_labels.setdefault(action, row.owner_timeline or row.timeline)
        _MACHINES[model] = self

    # --- reading the table ---------------------------------------------------------------
    def row(self, state: str, action: str) -> Row | None:
        return self._by_pair.get((str(state), str(action)))

    def rows_from(self, state: str) -> list[Row]:
        return [row for row in self.rows if row.source == str(state)]

    def rows_of(self, action: str) -> list[Row]:
        return [row for row in self.rows if row.action == str(action)]

    def state_of(self, obj: M) -> str:
        return str(getattr(obj, self.state_field))

    def audit_action(self, row: Row) -> str:
        return row.audit_action or f"{self.name}.{row.action}"

    def may(self, row: Row, obj: M, actor: Actor) -> bool:
        """Whether ``actor`` is one of the kinds of actor the row admits, for ``obj``."""
        for who in row.whos:
            if who.kind == "system":
                if actor is None:
                    return True
                continue
            if actor is None or not actor.is_active:
                continue
            if who.kind == "owner" and getattr(obj, f"{self.owner_field}_id") == actor.pk:
                return True
            if who.kind == "office" and self._office_member and self._office_member(obj, actor):
                return True
            if who.kind == "permission" and actor.is_staff and actor.has_perm(who.permission):
                return True
        return False

    def refusal(self, row: Row, obj: M, actor: Actor) -> ApplicationError | None:
        """The first guard's refusal, if any."""
        for guard in row.guards:
            error = guard(obj, actor)
            if error is not None:
                return error
        return None

    def actions_for(self, obj: M, actor: Actor) -> list[Row]:
        """The rows ``actor`` may take on ``obj`` now, in table order (what the buttons show)."""
        state = self.state_of(obj)
        return [
            row
            for row in self.rows
            if row.source == state
            and row.button is not None
            and self.may(row, obj, actor)
            and self.refusal(row, obj, actor) is None
        ]

    def refused_message(self, obj: M) -> Text:
        if self._refused is not None:
            return self._refused(obj)
        return _("This cannot be done now.")

    def notice_values(self, step: Step[M]) -> Mapping[str, Any]:
        return self._notice_values(step) if self._notice_values else {}


_MACHINES: dict[type[models.Model], Machine[Any]] = {}


def machine_for(obj_or_model: models.Model | type[models.Model]) -> Machine[Any]:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    try:
        return _MACHINES[model]
    except KeyError:
        raise LookupError(f"{model.__name__} has no workflow machine") from None


# --- The one transition ---------------------------------------------------------------------


def transition(*, obj: M, action: str, actor: Actor, reason: str = "", **payload: Any) -> M:
    """Take ``action`` on ``obj`` as ``actor`` (``None``: the platform), in one transaction.

    Returns the fresh, locked copy of ``obj`` in its new state (use it: ``obj`` itself is
    not changed). Raises ``InvalidTransition`` (409, ``invalid_transition``) for a pair
    not in the table or an actor it does not admit, a guard's error, or whatever an
    effect raises; in every case nothing is written. Side effects: one audit row; the
    row's notice, queued in the transaction and sent after commit.
    """
    machine = machine_for(obj)
    with transaction.atomic():
        # What this action locks first, whatever state the row turns out to be in: the
        # caller's copy of ``obj`` may be stale, and the state is known only under the lock.
        first = dict.fromkeys(r.lock_first for r in machine.rows_of(action) if r.lock_first)
        if first:
            locks.lock_all(other for lock_first in first for other in lock_first(obj))
        obj = locks.lock(obj)
        old = machine.state_of(obj)
        row = machine.row(old, action)
        if row is None or not machine.may(row, obj, actor):
            raise InvalidTransition("invalid_transition", machine.refused_message(obj))
        refusal = machine.refusal(row, obj, actor)
        if refusal is not None:
            raise refusal
        step: Step[M] = Step(
            obj=obj,
            row=row,
            actor=actor,
            reason=reason,
            payload=dict(payload),
            now=timezone.now(),
            old_state=old,
        )
        for effect in row.effects:
            effect(step)
        setattr(obj, machine.state_field, row.target)
        fields = {*step.changed, machine.state_field}
        if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
            fields.add("updated_at")
        obj.save(update_fields=sorted(fields))
        details = dict(step.details)
        if row.source != row.target or row.action != machine.edit_action:
            old_key, new_key = machine.audit_state_keys
            details = {old_key: old, new_key: row.target, **details}
        if reason:
            details.setdefault("reason", reason)
        audit(machine.audit_action(row), actor=actor, target=obj, **details)
        for effect in row.after_save:
            effect(step)
        if row.notice is not None:
            _send_notice(machine, row.notice, step)
    return obj


def _send_notice(machine: Machine[Any], notice: Notice, step: Step[Any]) -> None:
    assert machine.notify is not None  # checked when the machine was made
    values = machine.notice_values(step)
    subject = notice.subject or machine.notice_subject or ""
    recipients = notice.to(step.obj) if notice.to else [getattr(step.obj, machine.owner_field)]
    for user in recipients:
        machine.notify(
            user=user, subject=Formatted(subject, values), body=Formatted(notice.body, values)
        )
