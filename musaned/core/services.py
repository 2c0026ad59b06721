"""Core's writes: what staff change by hand in the admin site, each with its audit row.

The admin site changes a record only through these (``musaned/core/admin.py``'s mixins
call them from ``save_model``, ``delete_model``, ``save_formset``): each runs in one
transaction with its audit row — who, which record, and the fields changed with their
old and new values (or only their names, for a person's own data). A password's value
is never written.

Dated rules (a visa rule set: ``effective_from``) add one rule: once the date has come,
the record is *in force* and nothing of it changes any more, nor of what belongs to it
(its tiers); a new one is added with the future date it takes effect, so every decision
keeps the numbers it was made with.

Core sits below accounts: the acting user is ``musaned.core.actors.User``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from musaned.core import locks
from musaned.core.actors import User
from musaned.core.audit import audit
from musaned.core.errors import ApplicationError, CoreErrorCode, core_error
from musaned.core.models import AuditEvent

M = TypeVar("M", bound=models.Model)

# Fields an admin edit never reports (the database keeps them) or never reports by value.
_UNREPORTED = frozenset({"id", "created_at", "updated_at", "last_login"})
_SECRET = frozenset({"password"})
DATE_FIELD = "effective_from"


def _reported(record: models.Model) -> list[models.Field[Any, Any]]:
    return [
        field
        for field in record._meta.concrete_fields
        if not field.primary_key and field.name not in _UNREPORTED
    ]


def _value(record: models.Model, field: models.Field[Any, Any]) -> str | None:
    """A field's value as the audit row keeps it (JSON: text, or null)."""
    if field.value_from_object(record) is None:
        return None
    return field.value_to_string(record)


def _changes(
    old: models.Model | None,
    new: models.Model,
    *,
    values: bool,
    related: Mapping[str, Sequence[str]],
) -> dict[str, Any]:
    """What the audit row says about an edit: ``{"fields": [...]}`` always, and, with
    ``values``, ``{"old": {...}, "new": {...}}`` for the fields that changed."""
    changed = [
        field
        for field in _reported(new)
        if old is None or field.value_from_object(old) != field.value_from_object(new)
    ]
    data: dict[str, Any] = {"fields": [field.name for field in changed] + list(related)}
    if values:
        shown = [field for field in changed if field.name not in _SECRET]
        if old is not None:
            data["old"] = {field.name: _value(old, field) for field in shown}
        data["new"] = {field.name: _value(new, field) for field in shown}
        data["new"].update({name: list(items) for name, items in related.items()})
    return data


def admin_record_view(*, actor: User, record: models.Model) -> AuditEvent:
    """Staff opened ``record`` in the admin (``admin.record_viewed``): a person's data was read."""
    with transaction.atomic():
        return audit("admin.record_viewed", actor=actor, target=record)


def admin_record_save(
    *,
    actor: User,
    record: M,
    values: bool = True,
    related: Mapping[str, Sequence[str]] | None = None,
) -> M:
    """Save ``record`` as staff edited it in the admin, with ``admin.record_added`` or
    ``admin.record_changed``: the fields changed, and with ``values`` their old and new
    values (``related``: many-to-many fields the form changed, by the names of what they
    now hold; Django's form saves those rows right after, in the admin's transaction).

    The stored row is locked and read again first, so the old values are the ones it
    had. Returns ``record``, saved.
    """
    with transaction.atomic():
        old = locks.lock(record) if record.pk is not None and _stored(record) else None
        record.save()
        audit(
            "admin.record_added" if old is None else "admin.record_changed",
            actor=actor,
            target=record,
            **_changes(old, record, values=values, related=related or {}),
        )
    return record


def admin_record_delete(*, actor: User, record: models.Model, values: bool = True) -> None:
    """Delete ``record`` from the admin, with ``admin.record_deleted``: its fields, and
    with ``values`` what they held."""
    with transaction.atomic():
        old = locks.lock(record)
        shown = [field for field in _reported(old) if field.name not in _SECRET]
        data: dict[str, Any] = {"fields": [field.name for field in _reported(old)]}
        if values:
            data["old"] = {field.name: _value(old, field) for field in shown}
        audit("admin.record_deleted", actor=actor, target=old, **data)
        old.delete()


def _stored(record: models.Model) -> bool:
    return type(record)._default_manager.filter(pk=record.pk).exists()


# --- Dated rules ---------------------------------------------------------------------------


def in_force(rule: models.Model, *, today: dt.date | None = None) -> bool:
    """Whether the dated ``rule`` (as stored) has taken effect: ``effective_from <= today``."""
    if rule.pk is None:
        return False
    stored = type(rule)._default_manager.filter(pk=rule.pk).values_list(DATE_FIELD, flat=True)
    date = stored.first()
    return date is not None and date <= (today or timezone.localdate())


def dated_rule_refusal(
    *, rule: models.Model, date: dt.date | None, today: dt.date | None = None
) -> ApplicationError | None:
    """Why the dated ``rule`` may not be saved now to take effect on ``date``, or
    ``None``: it is in force already (``rule_in_force``), or ``date`` is not in the
    future (``rule_date_not_future``: today's decisions, made with the rules in force,
    would no longer say which numbers they used)."""
    today = today or timezone.localdate()
    if in_force(rule, today=today):
        return core_error(CoreErrorCode.RULE_IN_FORCE)
    if date is not None and date <= today:
        return core_error(CoreErrorCode.RULE_DATE_NOT_FUTURE)
    return None


def dated_rule_save(
    *,
    actor: User,
    record: M,
    rule: models.Model | None = None,
    related: Mapping[str, Sequence[str]] | None = None,
) -> M:
    """``admin_record_save`` for a dated rule (``record`` itself) or a part of one
    (``record`` belongs to ``rule``: a rule set's tier). Raises ``ApplicationError``
    (``rule_in_force``, ``rule_date_not_future``) and saves nothing when the rule may no
    longer change. The rule's row is locked first, so a rule cannot come into force
    while a part of it is being saved."""
    with transaction.atomic():
        owner = rule if rule is not None else record
        if owner.pk is not None and _stored(owner):
            locks.lock(owner)
        if rule is None:
            refusal = dated_rule_refusal(rule=owner, date=getattr(owner, DATE_FIELD))
        else:
            refusal = core_error(CoreErrorCode.RULE_IN_FORCE) if in_force(owner) else None
        if refusal is not None:
            raise refusal
        return admin_record_save(actor=actor, record=record, related=related)


def dated_rule_delete(
    *, actor: User, record: models.Model, rule: models.Model | None = None
) -> None:
    """``admin_record_delete`` for a dated rule or a part of one, refused
    (``rule_in_force``) once the rule is in force."""
    with transaction.atomic():
        owner = rule if rule is not None else record
        locks.lock(owner)
        if in_force(owner):
            raise core_error(CoreErrorCode.RULE_IN_FORCE)
        admin_record_delete(actor=actor, record=record)


def admin_records_delete(
    *, actor: User, records: Iterable[models.Model], values: bool = True
) -> int:
    """The admin's "delete selected": ``admin_record_delete`` for each, in one transaction."""
    count = 0
    with transaction.atomic():
        for record in records:
            admin_record_delete(actor=actor, record=record, values=values)
            count += 1
    return count
