"""The one reader of a record's history: its audit rows, oldest first, with the labels
of its workflow's rows (``Machine.labels``) — for the owner's page, the staff page and
the staff's full audit trail alike.

Who did it is said the way the reader needs: the platform itself, the record's owner
("You" to the owner, "The beneficiary" to staff), or staff (by name to staff, as
"Ministry staff" to the owner).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from musaned.core.errors import Text
from musaned.core.models import AuditEvent

OWNER, STAFF = "owner", "staff"


@dataclass(frozen=True)
class Entry:
    at: Any
    action: str
    label: str
    by: str
    detail: str
    data: dict[str, Any]


def events_of(record: Model, *, also: Q | None = None) -> QuerySet[AuditEvent]:
    """Every audit row about ``record`` (and the rows ``also`` names: a visa's bills)."""
    about = Q(target_type=record._meta.label_lower, target_id=str(record.pk))
    return AuditEvent.objects.filter(about | also if also is not None else about).select_related(
        "actor"
    )


def _staff_name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def entries(
    events: Iterable[AuditEvent],
    *,
    owner_id: Any,
    viewer: str,
    labels: Mapping[str, str | Promise],
    detail: Callable[[dict[str, Any]], str] | None = None,
) -> list[Entry]:
    """Audit rows as lines a person reads; ``labels`` maps an audit action to its line (an
    action without one shows its own name, which only staff trails meet)."""
    lines = []
    for event in events:
        by: Text
        if event.actor_id is None:
            by = _("Musaned (automatic)")
        elif event.actor_id == owner_id:
            by = _("You") if viewer == OWNER else _("The beneficiary")
        else:
            by = _("Ministry staff") if viewer == OWNER else _staff_name(event.actor)
        data = event.data if isinstance(event.data, dict) else {"data": event.data}
        text = detail(data) if detail is not None else str(data.get("reason", "") or "")
        lines.append(
            Entry(
                at=event.created_at,
                action=event.action,
                label=str(labels.get(event.action, event.action)),
                by=str(by),
                detail=str(text),
                data=data,
            )
        )
    return lines


def timeline(
    record: Model,
    *,
    viewer: str,
    labels: Mapping[str, str | Promise],
    owner_field: str = "owner",
    also: Q | None = None,
    only_labelled: bool = False,
    exclude: Iterable[str] = (),
    detail: Callable[[dict[str, Any]], str] | None = None,
) -> list[Entry]:
    """What happened to ``record``, oldest first, in one query.

    ``only_labelled``: only the actions ``labels`` names (what an owner may read: staff
    notes and staff views have no owner label); ``exclude``: actions left out (draft
    edits, staff views on a staff timeline)."""
    events = events_of(record, also=also)
    if only_labelled:
        events = events.filter(action__in=list(labels))
    excluded = list(exclude)
    if excluded:
        events = events.exclude(action__in=excluded)
    return entries(
        events.order_by("created_at", "id"),
        owner_id=getattr(record, f"{owner_field}_id"),
        viewer=viewer,
        labels=labels,
        detail=detail,
    )
