"""What the apps above offices tell the scorecard, once they can.

Offices sit below complaints and recruitment in the layers (``pyproject.toml``): they may
not import them. So an app that records something about an office *registers a source*
here when it starts (``AppConfig.ready``), as the visas app registers its bill handlers
with payments. Until a source is registered the scorecard says plainly that the platform
has no such records yet; it never shows a made-up figure.

- **Complaints** (the complaints app, once ``Complaint`` has its ``office`` foreign key)::

      from musaned.offices import sources
      sources.use_complaints(sources.complaints_from(
          Complaint, resolved_states={"resolved", "closed"}
      ))

  ``complaints_from`` counts, per office, the rows of a model that names an office
  (``office`` foreign key, ``created_at``, ``state``): all those filed in the period, and
  those of them in a resolved state. The same call can name a portal section
  (``portal_section=("complaints:office_list", _("Complaints"))``): the office portal shows
  it only then.

- **Contracts** (the recruitment app, issue 13): an object with the ``ContractSource``
  methods below; ``use_contracts(source)``.

Each source gives *expressions* that count per office (``OuterRef("pk")``): the directory
annotates its one query with them, so a page of offices costs the same queries however
many offices and records there are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db.models import Count, Expression, IntegerField, Model, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


class ComplaintSource(Protocol):
    def annotations(self, *, since: dt.datetime) -> Mapping[str, Expression | Any]:
        """``complaints_filed`` (since ``since``) and ``complaints_resolved`` (of those),
        each an integer expression over the office (``OuterRef("pk")``)."""
        ...


class ContractSource(Protocol):
    def annotations(self, *, since: dt.datetime) -> Mapping[str, Expression | Any]:
        """Integer expressions over the office for contracts signed since ``since``:
        ``contracts_signed``, ``arrivals`` (workers arrived), ``arrivals_on_time`` (arrived by
        the contract's due date), ``ratings`` (how many beneficiaries rated the office)
        and ``rating_total`` (the sum of their ratings, 1 to 5 each)."""
        ...

    def arrival_days(self, *, office: Model, since: dt.datetime) -> list[int]:
        """Days from payment to arrival of each worker who arrived, for the median."""
        ...

    def beneficiaries(self, *, office: Model) -> Iterable[Any]:
        """The people with a contract in progress with ``office`` (told when it is
        suspended or loses its licence)."""
        ...


@dataclass
class _Registered:
    complaints: ComplaintSource | None = None
    contracts: ContractSource | None = None
    portal_sections: list[tuple[str, Any]] = field(default_factory=list)
    filing_url: str | None = None


_registered = _Registered()


def use_complaints(
    source: ComplaintSource,
    *,
    portal_section: tuple[str, Any] | None = None,
    filing_url: str | None = None,
) -> None:
    """Count complaints that name an office in the scorecard (and show a portal section:
    ``(url name, label)``; and on each office's page a link to file a complaint about it:
    the URL name of the filing form, which reads ``?office=<uid>``)."""
    _registered.complaints = source
    _registered.filing_url = filing_url
    if portal_section is not None and portal_section not in _registered.portal_sections:
        _registered.portal_sections.append(portal_section)


def use_contracts(source: ContractSource) -> None:
    _registered.contracts = source


def complaints() -> ComplaintSource | None:
    return _registered.complaints


def contracts() -> ContractSource | None:
    return _registered.contracts


def portal_sections() -> list[tuple[str, Any]]:
    return list(_registered.portal_sections)


def filing_url() -> str | None:
    """The URL name of the form that files a complaint about an office, once there is one."""
    return _registered.filing_url


@dataclass(frozen=True)
class _CountedByOffice:
    model: type[Model]
    resolved_states: frozenset[str]
    office_field: str
    filed_field: str
    state_field: str

    def _count(self, since: dt.datetime, **where: Any) -> Coalesce:
        rows = (
            self.model._default_manager.filter(
                **{self.office_field: OuterRef("pk"), f"{self.filed_field}__gte": since},
                **where,
            )
            .order_by()
            .values(self.office_field)
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))

    def annotations(self, *, since: dt.datetime) -> dict[str, Coalesce]:
        resolved = {f"{self.state_field}__in": sorted(self.resolved_states)}
        return {
            "complaints_filed": self._count(since),
            "complaints_resolved": self._count(since, **resolved),
        }


def complaints_from(
    model: type[Model],
    *,
    resolved_states: Iterable[str],
    office_field: str = "office",
    filed_field: str = "created_at",
    state_field: str = "state",
) -> ComplaintSource:
    """A complaint source that counts the rows of ``model`` naming an office."""
    return _CountedByOffice(
        model=model,
        resolved_states=frozenset(str(s) for s in resolved_states),
        office_field=office_field,
        filed_field=filed_field,
        state_field=state_field,
    )


@contextmanager
def swapped(
    *,
    complaints: ComplaintSource | None = None,
    contracts: ContractSource | None = None,
    portal_sections: Iterable[tuple[str, Any]] = (),
) -> Iterator[None]:
    """Use these sources (and only these) inside the block, then restore what was
    registered (tests)."""
    saved = (
        _registered.complaints,
        _registered.contracts,
        list(_registered.portal_sections),
        _registered.filing_url,
    )
    _registered.complaints, _registered.contracts = complaints, contracts
    _registered.portal_sections[:] = list(portal_sections)
    _registered.filing_url = None
    try:
        yield
    finally:
        _registered.complaints, _registered.contracts = saved[0], saved[1]
        _registered.portal_sections[:] = saved[2]
        _registered.filing_url = saved[3]
