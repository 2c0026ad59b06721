"""An office's scorecard: figures computed from the platform's own records, each with its
period, what it was counted from, and the anchor of its paragraph on the "how we compute
this" page (``templates/offices/method.html``). Nothing here is typed in by anyone.

The figures are annotations of the office query (``annotate``), so the directory's page
of offices and one office's page cost the same queries however many records there are.
Complaint and contract figures come from the apps above offices once they register
(``sources.py``); until then each such figure says why there is none.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from musaned.offices import sources
from musaned.offices.models import Office, OfficeSanction, SanctionKind

# The anchors of the method page, in the order the scorecard shows the figures.
FIGURES = (
    "complaints-per-100-contracts",
    "complaints-resolved",
    "penalty-points",
    "warnings",
    "suspensions",
    "rating",
    "on-time",
    "days-to-arrival",
)


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included (Riyadh time)."""

    start: dt.date
    end: dt.date

    @property
    def since(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))


def last_twelve_months(today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    return Period(start=year_ago + dt.timedelta(days=1), end=today)


@dataclass(frozen=True)
class Figure:
    """One figure: ``value`` (``None``: there is none, ``missing`` says why), how it is
    shown (``shown``), what it was counted from (``basis``, with ``count`` records)."""

    key: str
    label: str
    value: Decimal | int | None
    shown: str
    count: int
    basis: str
    missing: str
    period: Period

    @property
    def method_anchor(self) -> str:
        return self.key


# --- The annotations --------------------------------------------------------------------


def _sanctions(kind: SanctionKind, since: dt.datetime, aggregate: Any) -> Coalesce:
    rows = (
        OfficeSanction.objects.filter(office=OuterRef("pk"), kind=kind, created_at__gte=since)
        .order_by()
        .values("office")
        .annotate(v=aggregate)
        .values("v")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def annotate(offices: QuerySet[Office], period: Period) -> QuerySet[Office]:
    """``offices`` with every figure's counts over ``period`` (one query in all)."""
    since = period.since
    offices = offices.annotate(
        penalty_points=_sanctions(SanctionKind.PENALTY, since, Sum("points")),
        penalty_decisions=_sanctions(SanctionKind.PENALTY, since, Count("pk")),
        warnings=_sanctions(SanctionKind.WARNING, since, Count("pk")),
        suspensions=_sanctions(SanctionKind.SUSPENSION, since, Count("pk")),
    )
    complaints = sources.complaints()
    if complaints is not None:
        offices = offices.annotate(**complaints.annotations(since=since))
    contracts = sources.contracts()
    if contracts is not None:
        offices = offices.annotate(**contracts.annotations(since=since)).annotate(
            rating_average=ExpressionWrapper(
                F("rating_total") * Value(1.0) / NullIf(F("ratings"), 0),
                output_field=FloatField(),
            ),
            on_time_share=ExpressionWrapper(
                F("arrivals_on_time") * Value(1.0) / NullIf(F("arrivals"), 0),
                output_field=FloatField(),
            ),
        )
    return offices


# --- The figures --------------------------------------------------------------------------


def _one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _plain(value: Decimal) -> str:
    """``54.0`` → ``54``, ``54.5`` → ``54.5``."""
    return str(value.quantize(Decimal("1"))) if value == value.to_integral_value() else str(value)


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def _figure(key: str, label: str | Promise, period: Period, **values: Any) -> Figure:
    return Figure(
        key=key,
        label=str(label),
        period=period,
        value=values.get("value"),
        shown=str(values.get("shown", "")),
        count=values.get("count", 0),
        basis=str(values.get("basis", "")),
        missing=str(values.get("missing", "")),
    )


NO_COMPLAINT_RECORDS = gettext_lazy(
    "Complaints cannot name a recruitment office on the platform yet, so there is nothing to count."
)
NO_CONTRACTS = gettext_lazy(
    "There are no recruitment contracts on the platform yet, so there is nothing to count."
)


def figures(office: Office, period: Period, *, with_median: bool = True) -> list[Figure]:
    """The scorecard of ``office`` (annotated by ``annotate``), in the page's language.
    The median days to arrival reads the office's arrivals (one query): a list of offices
    leaves it out (``with_median=False``)."""
    shown = [
        _complaints_per_100(office, period),
        _complaints_resolved(office, period),
        _penalty_points(office, period),
        _counted(office, period, "warnings", _("Warnings"), _warnings_basis),
        _counted(office, period, "suspensions", _("Suspensions"), _suspensions_basis),
        _rating(office, period),
        _on_time(office, period),
    ]
    if with_median:
        shown.append(_median_days(office, period))
    return shown


def _complaints_per_100(office: Office, period: Period) -> Figure:
    label = _("Complaints per 100 contracts")
    key = "complaints-per-100-contracts"
    if sources.complaints() is None:
        return _figure(key, label, period, missing=NO_COMPLAINT_RECORDS)
    complaints = office.complaints_filed  # type: ignore[attr-defined]
    if sources.contracts() is None:
        return _figure(key, label, period, count=complaints, missing=NO_CONTRACTS)
    contracts = office.contracts_signed  # type: ignore[attr-defined]
    if not contracts:
        return _figure(
            key, label, period, missing=_("No contracts with this office in the period.")
        )
    value = _one_decimal(Decimal(complaints) * 100 / Decimal(contracts))
    basis = " · ".join(
        (
            ngettext("%(count)s complaint", "%(count)s complaints", complaints)
            % {"count": complaints},
            ngettext("%(count)s contract", "%(count)s contracts", contracts) % {"count": contracts},
        )
    )
    return _figure(key, label, period, value=value, shown=str(value), count=contracts, basis=basis)


def _complaints_resolved(office: Office, period: Period) -> Figure:
    label = _("Complaints resolved")
    key = "complaints-resolved"
    if sources.complaints() is None:
        return _figure(key, label, period, missing=NO_COMPLAINT_RECORDS)
    complaints = office.complaints_filed  # type: ignore[attr-defined]
    resolved = office.complaints_resolved  # type: ignore[attr-defined]
    if not complaints:
        return _figure(
            key, label, period, missing=_("No complaints about this office in the period.")
        )
    value = _percent(resolved, complaints)
    basis = ngettext(
        "%(resolved)s of %(count)s complaint resolved",
        "%(resolved)s of %(count)s complaints resolved",
        complaints,
    ) % {"resolved": resolved, "count": complaints}
    return _figure(
        key, label, period, value=value, shown=f"{value} %", count=complaints, basis=basis
    )


def _penalty_points(office: Office, period: Period) -> Figure:
    points = office.penalty_points  # type: ignore[attr-defined]
    decisions = office.penalty_decisions  # type: ignore[attr-defined]
    return _figure(
        "penalty-points",
        _("Penalty points"),
        period,
        value=points,
        shown=str(points),
        count=decisions,
        basis=ngettext(
            "from %(count)s decision of a licensing officer",
            "from %(count)s decisions of licensing officers",
            decisions,
        )
        % {"count": decisions},
    )


def _warnings_basis(count: int) -> str:
    return ngettext("%(count)s warning recorded", "%(count)s warnings recorded", count) % {
        "count": count
    }


def _suspensions_basis(count: int) -> str:
    return ngettext("%(count)s suspension recorded", "%(count)s suspensions recorded", count) % {
        "count": count
    }


def _counted(office: Office, period: Period, name: str, label: str, basis: Any) -> Figure:
    count = getattr(office, name)
    return _figure(
        name, label, period, value=count, shown=str(count), count=count, basis=basis(count)
    )


def _rating(office: Office, period: Period) -> Figure:
    label = _("Average rating by beneficiaries")
    if sources.contracts() is None:
        return _figure("rating", label, period, missing=NO_CONTRACTS)
    ratings = office.ratings  # type: ignore[attr-defined]
    if not ratings:
        return _figure("rating", label, period, missing=_("No ratings in the period."))
    value = _one_decimal(Decimal(office.rating_total) / Decimal(ratings))  # type: ignore[attr-defined]
    basis = ngettext("from %(count)s rating", "from %(count)s ratings", ratings) % {
        "count": ratings
    }
    return _figure(
        "rating",
        label,
        period,
        value=value,
        shown=_("%(rating)s of 5") % {"rating": value},
        count=ratings,
        basis=basis,
    )


def _on_time(office: Office, period: Period) -> Figure:
    label = _("Workers who arrived on time")
    if sources.contracts() is None:
        return _figure("on-time", label, period, missing=NO_CONTRACTS)
    arrivals = office.arrivals  # type: ignore[attr-defined]
    on_time = office.arrivals_on_time  # type: ignore[attr-defined]
    if not arrivals:
        return _figure("on-time", label, period, missing=_("No worker arrived in the period."))
    value = _percent(on_time, arrivals)
    basis = ngettext(
        "%(on_time)s of %(count)s worker arrived on time",
        "%(on_time)s of %(count)s workers arrived on time",
        arrivals,
    ) % {"on_time": on_time, "count": arrivals}
    return _figure(
        "on-time", label, period, value=value, shown=f"{value} %", count=arrivals, basis=basis
    )


def _median_days(office: Office, period: Period) -> Figure:
    label = _("Median days to arrival")
    source = sources.contracts()
    if source is None:
        return _figure("days-to-arrival", label, period, missing=NO_CONTRACTS)
    days = source.arrival_days(office=office, since=period.since)
    if not days:
        return _figure(
            "days-to-arrival", label, period, missing=_("No worker arrived in the period.")
        )
    value = _one_decimal(Decimal(str(statistics.median(days))))
    count = len(days)
    return _figure(
        "days-to-arrival",
        label,
        period,
        value=value,
        shown=_plain(value),
        count=count,
        basis=ngettext("from %(count)s arrival", "from %(count)s arrivals", count)
        % {"count": count},
    )
