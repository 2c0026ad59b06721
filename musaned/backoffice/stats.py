"""The back office's statistics: plain figures for a period, and the SVG that draws them.

Each selector takes a ``Period`` (whole local days, Asia/Riyadh, both ends included)
and makes one aggregate query, whatever the number of rows; ``figures_for`` makes
nine (six for complaints and visas, three for recruitment contracts). The numbers are defined where they are computed, and the page, the CSV and the
tests all read them from here.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, Sum, TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from musaned.backoffice.selectors import CONTRACT_STAGES, LATENESS, late_q
from musaned.complaints.models import Category, Complaint, ComplaintState
from musaned.core import forms as core_forms
from musaned.core.models import AuditEvent
from musaned.identity.hijri import format_dual
from musaned.recruitment.models import Account, Contract, ContractState, EntryKind, LedgerEntry
from musaned.visas.models import VisaApplication

DEFAULT_DAYS = 30
CHART_WIDTH = 440  # viewBox units; the text stays legible 320 px wide
MAX_DAYS = 366

# The rule identifiers of musaned/visas/rules.py with their titles there (the same
# message ids, so the same translations). test_stats checks the two lists agree.
RULE_LABELS = {
    "registry": _("Identity confirmed"),
    "category": _("Applicant category"),
    "age": _("Minimum age"),
    "traffic": _("No unpaid traffic violations"),
    "fee": _("Visa fee"),
    "capacity": _("Number of visas and financial capacity"),
    "own_nationality": _("Worker's nationality"),
    "gender": _("Worker's gender"),
    "document": _("Occupation document"),
}
QUALITY_CHECK = "quality_check"


# --- The period -------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both whole local days included."""

    start: dt.date
    end: dt.date

    @classmethod
    def last_days(cls, days: int = DEFAULT_DAYS, *, today: dt.date | None = None) -> "Period":
        today = today or timezone.localdate()
        return cls(today - dt.timedelta(days=days - 1), today)

    @property
    def since(self) -> dt.datetime:
        """The first instant of the period (local midnight), aware."""
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def until(self) -> dt.datetime:
        """The first instant after the period: the times are ``since <= t < until``."""
        return timezone.make_aware(
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min)
        )

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=n) for n in range((self.end - self.start).days + 1)]


_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


class _IsoDateField(forms.DateField):
    """YYYY-MM-DD (what ``<input type=date>`` sends), Arabic-Indic digits accepted."""

    input_formats = ["%Y-%m-%d"]
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    default_error_messages = {"invalid": _("Enter a date as YYYY-MM-DD, for example 2026-11-01.")}

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().translate(_DIGITS)
        return super().to_python(value)


class PeriodForm(core_forms.Form):
    """``?from=YYYY-MM-DD&to=YYYY-MM-DD``, both optional: by default the last 30 days
    to today; only ``from`` → 30 days from it (not past today); only ``to`` → the 30
    days up to it. Built in ``__init__`` because ``from`` is a Python keyword."""

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["from"] = _IsoDateField(label=_("From"), required=False)
        self.fields["to"] = _IsoDateField(label=_("To"), required=False)
        # Both are optional, and the help says so: no "(optional)" on each.
        core_forms.without_optional_mark(self.fields["from"], self.fields["to"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        start: dt.date | None = cleaned.get("from")
        end: dt.date | None = cleaned.get("to")
        span = dt.timedelta(days=DEFAULT_DAYS - 1)
        if start is None and end is None:
            end = self.today
        if start is None:
            assert end is not None
            start = end - span
        if end is None:
            end = max(start, min(start + span, self.today))
        if end < start:
            self.add_error("to", _("The end date must be on or after the start date."))
        elif (end - start).days + 1 > MAX_DAYS:
            self.add_error(
                "to",
                ngettext(
                    "Choose a period of at most %(days)s day.",
                    "Choose a period of at most %(days)s days.",
                    MAX_DAYS,
                )
                % {"days": MAX_DAYS},
            )
        else:
            cleaned["period"] = Period(start, end)
        return cleaned


# --- The figures ------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One bar or one table line: a stable key, a label in the active language, a number."""

    key: str
    label: str
    value: int | float


@dataclass(frozen=True)
class ClockShare:
    on_time: int
    late: int  # answered after the first answer was due
    unanswered: int  # due, and still no answer

    @property
    def counted(self) -> int:
        return self.on_time + self.late + self.unanswered

    @property
    def percent(self) -> float | None:
        """On time over counted, in percent to one decimal; ``None`` when nothing counted."""
        return round(100 * self.on_time / self.counted, 1) if self.counted else None

    @property
    def rows(self) -> list[Row]:
        return [
            Row("on_time", str(_("Answered within the clock")), self.on_time),
            Row("late", str(_("Answered late")), self.late),
            Row("unanswered", str(_("Due and not answered")), self.unanswered),
        ]


@dataclass(frozen=True)
class ResolutionTime:
    resolved: int
    average: dt.timedelta | None

    @property
    def hours(self) -> float | None:
        return round(self.average.total_seconds() / 3600, 1) if self.average is not None else None

    @property
    def days(self) -> float | None:
        return round(self.average.total_seconds() / 86400, 1) if self.average is not None else None


@dataclass(frozen=True)
class Rejections:
    by_rule: list[Row]  # one row per rule, then the quality check
    decisions: int  # rejections by the rules (one can fail several rules)
    declined: int  # rejections in the quality check


@dataclass(frozen=True)
class Compensation:
    amount: Decimal  # SAR, to the halala
    contracts: int  # the contracts it was entered for


@dataclass(frozen=True)
class Figures:
    period: Period
    by_category: list[Row]
    by_state: list[Row]
    first_answer: ClockShare
    resolution: ResolutionTime
    issued_per_day: list[Row]
    rejections: Rejections
    contracts_by_stage: list[Row]
    late_contracts: list[Row]
    compensation: Compensation

    @property
    def complaints_submitted(self) -> int:
        return int(sum((row.value for row in self.by_category), 0))

    @property
    def visas_issued(self) -> int:
        return int(sum((row.value for row in self.issued_per_day), 0))

    @property
    def contracts_made(self) -> int:
        return int(sum((row.value for row in self.contracts_by_stage), 0))


def _complaints_by(period: Period, column: str, choices: type[TextChoices]) -> list[Row]:
    """Complaints **submitted** in the period (``created_at``), counted by ``column``: a
    row for every one of its ``choices``, zeros included, in their order. One query."""
    counts = dict(
        Complaint.objects.filter(created_at__gte=period.since, created_at__lt=period.until)
        .order_by()
        .values_list(column)
        .annotate(n=Count("pk"))
    )
    return [Row(choice.value, str(choice.label), counts.get(choice.value, 0)) for choice in choices]


def complaints_by_category(period: Period) -> list[Row]:
    """Complaints submitted in the period, by category, in the form's order."""
    return _complaints_by(period, "category", Category)


def complaints_by_state(period: Period) -> list[Row]:
    """Complaints submitted in the period, by their state **now** (not at the period's
    end): the same complaints as by category, so both add up to the same total."""
    return _complaints_by(period, "state", ComplaintState)


def first_answer_within_clock(period: Period, *, now: dt.datetime | None = None) -> ClockShare:
    """How many first answers came within the clock.

    Counted: every complaint whose first answer **fell due** in the period
    (``since <= first_answer_due < min(until, now)``), plus every complaint **first
    answered** in the period (``since <= first_answered_at < until``), each once.
    Of those, *on time* means ``first_answered_at <= first_answer_due``; *late* means
    answered after it; *unanswered* means still no answer (the clock ran out in the
    period). A complaint not yet answered whose answer is not yet due is not counted:
    its clock still runs. Rejecting a complaint answers it (complaints ``ANSWERING``).
    """
    now = now or timezone.now()
    due_until = min(period.until, now)
    counted = Complaint.objects.filter(
        Q(first_answer_due__gte=period.since, first_answer_due__lt=due_until)
        | Q(first_answered_at__gte=period.since, first_answered_at__lt=period.until)
    )
    answered = Q(first_answered_at__isnull=False)
    on_time = answered & Q(first_answered_at__lte=F("first_answer_due"))
    late = answered & Q(first_answered_at__gt=F("first_answer_due"))
    result = counted.aggregate(
        on_time=Count("pk", filter=on_time),
        late=Count("pk", filter=late),
        unanswered=Count("pk", filter=Q(first_answered_at__isnull=True)),
    )
    return ClockShare(**result)


def resolution_time(period: Period) -> ResolutionTime:
    """Complaints **resolved** in the period (``since <= resolved_at < until``, closed
    ones included: closing keeps ``resolved_at``), and their mean of ``resolved_at -
    created_at`` in calendar time (not working days; waiting for the beneficiary
    included). A reopened complaint counts once, at its latest resolution; rejected
    complaints are not resolved and are not counted."""
    took = ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=DurationField())
    result = Complaint.objects.filter(
        resolved_at__gte=period.since, resolved_at__lt=period.until
    ).aggregate(resolved=Count("pk"), average=Avg(took))
    average = result["average"]
    if average is not None and not isinstance(average, dt.timedelta):
        average = dt.timedelta(microseconds=average)  # a backend that returns a number
    return ResolutionTime(result["resolved"], average)


def visas_issued_per_day(period: Period) -> list[Row]:
    """Visas issued on each day of the period, by ``issued_on`` (a date already, no
    truncation needed), whatever their state now: a visa cancelled or expired since
    was still issued that day. Every day listed, zeros included."""
    counts = dict(
        VisaApplication.objects.filter(issued_on__gte=period.start, issued_on__lte=period.end)
        .order_by()
        .values_list("issued_on")
        .annotate(n=Count("pk"))
    )
    return [Row(day.isoformat(), format_dual(day), counts.get(day, 0)) for day in period.days]


def rejections_by_rule(period: Period) -> Rejections:
    """Rejections decided in the period, by the rule that failed, from the audit log.

    Source: the append-only ``AuditEvent`` rows. ``visa.reject`` is written once per
    rules-engine rejection, at the decision, with ``failed_rules`` exactly as decided
    (rules that failed or lacked information). ``VisaApplication.verdicts`` is not
    used: it is overwritten by every re-check, so an application fixed and issued
    since no longer shows why it was rejected, and it has no time of rejection.
    A decision that failed two rules counts once under each, so the rules can add up
    to more than ``decisions``. A reviewer's rejection in the quality check
    (``visa.decline``) names no rule (every rule had passed; the document did not
    convince): it is its own line, ``quality_check``.
    """
    reject = Q(action="visa.reject")
    per_rule = {
        # The JSON list's text holds each id in double quotes: '"age"' cannot match
        # "page". A text search is the one JSON membership test SQLite and
        # PostgreSQL share (``__contains`` on JSON is PostgreSQL only).
        f"rule_{rule}": Count("pk", filter=reject & Q(data__failed_rules__icontains=f'"{rule}"'))
        for rule in RULE_LABELS
    }
    result = AuditEvent.objects.filter(
        action__in=("visa.reject", "visa.decline"),
        created_at__gte=period.since,
        created_at__lt=period.until,
    ).aggregate(
        decisions=Count("pk", filter=reject),
        declined=Count("pk", filter=Q(action="visa.decline")),
        **per_rule,
    )
    rows = [Row(rule, str(label), result[f"rule_{rule}"]) for rule, label in RULE_LABELS.items()]
    rows.append(Row(QUALITY_CHECK, str(_("Rejected in quality check")), result["declined"]))
    return Rejections(rows, result["decisions"], result["declined"])


def contracts_by_stage(period: Period) -> list[Row]:
    """Recruitment contracts **made** in the period (``created_at``: the beneficiary
    accepted an offer), by their stage **now**: a row for every stage of the contract
    table, zeros included, in the table's order. One query."""
    counts = dict(
        Contract.objects.filter(created_at__gte=period.since, created_at__lt=period.until)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    return [Row(s.value, str(CONTRACT_STAGES[s]), counts.get(s.value, 0)) for s in ContractState]


def late_contracts(period: Period) -> list[Row]:
    """Contracts late on the period's **last day** (``backoffice.selectors.late_q``): paid,
    the worker not arrived and the contract not ended by then, and past the 90 days
    (``late``: the two below together), within the 30-day extension (``extension``), or
    past the 120 days (``overdue``). Whenever they were made. One query."""
    on = period.end
    result = Contract.objects.aggregate(
        **{kind: Count("pk", filter=late_q(kind, on=on)) for kind in LATENESS}
    )
    return [Row(kind, str(label), result[kind]) for kind, label in LATENESS.items()]


def compensation_paid(period: Period) -> Compensation:
    """The compensation entered in the period for beneficiaries whose office was late: the
    ledger's ``compensation`` entries into the beneficiary's ``refund`` account (each
    charged to the office's guarantee in the same posting) whose time is in the period,
    summed; and the number of contracts they were for. One query."""
    result = LedgerEntry.objects.filter(
        kind=EntryKind.COMPENSATION,
        account=Account.REFUND,
        created_at__gte=period.since,
        created_at__lt=period.until,
    ).aggregate(amount=Sum("amount"), contracts=Count("contract", distinct=True))
    amount = Decimal(result["amount"] or 0).quantize(Decimal("0.01"))
    return Compensation(amount=amount, contracts=result["contracts"])


def figures_for(period: Period, *, now: dt.datetime | None = None) -> Figures:
    """Every figure of the page and the CSV: nine queries, whatever the number of rows."""
    return Figures(
        period=period,
        by_category=complaints_by_category(period),
        by_state=complaints_by_state(period),
        first_answer=first_answer_within_clock(period, now=now),
        resolution=resolution_time(period),
        issued_per_day=visas_issued_per_day(period),
        rejections=rejections_by_rule(period),
        contracts_by_stage=contracts_by_stage(period),
        late_contracts=late_contracts(period),
        compensation=compensation_paid(period),
    )


def _plain(value) -> str:
    """A number for a spreadsheet: ``.`` for decimals, no grouping; empty when unknown."""
    return "" if value is None else str(value)


def export_rows(figures: Figures) -> Iterator[tuple[str, str, str, str]]:
    """``(section, key, label, value)`` for every figure, labels in the active language."""
    period = figures.period
    yield "period", "from", str(_("From")), period.start.isoformat()
    yield "period", "to", str(_("To")), period.end.isoformat()
    for section, rows in (
        ("complaints_by_category", figures.by_category),
        ("complaints_by_state", figures.by_state),
        ("first_answer", figures.first_answer.rows),
    ):
        for row in rows:
            yield section, row.key, row.label, _plain(row.value)
    clock = figures.first_answer
    yield "first_answer", "counted", str(_("Counted")), _plain(clock.counted)
    yield "first_answer", "percent", str(_("Share within the clock (%)")), _plain(clock.percent)
    resolution = figures.resolution
    yield "resolution_time", "resolved", str(_("Complaints resolved")), _plain(resolution.resolved)
    yield (
        "resolution_time",
        "average_hours",
        str(_("Average time to resolve (hours)")),
        _plain(resolution.hours),
    )
    yield (
        "resolution_time",
        "average_days",
        str(_("Average time to resolve (days)")),
        _plain(resolution.days),
    )
    for row in figures.issued_per_day:
        yield "visas_issued", row.key, row.label, _plain(row.value)
    rejections = figures.rejections
    for row in rejections.by_rule:
        yield "rejections", row.key, row.label, _plain(row.value)
    yield "rejections", "decisions", str(_("Rejected by the rules")), _plain(rejections.decisions)
    for section, rows in (
        ("contracts_by_stage", figures.contracts_by_stage),
        ("late_contracts", figures.late_contracts),
    ):
        for row in rows:
            yield section, row.key, row.label, _plain(row.value)
    compensation = figures.compensation
    yield (
        "compensation",
        "amount",
        str(_("Compensation paid (SAR)")),
        _plain(compensation.amount),
    )
    yield (
        "compensation",
        "contracts",
        str(_("Contracts compensated")),
        _plain(compensation.contracts),
    )
