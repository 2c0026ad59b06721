"""The statistics page and its CSV export, for supervisors.

Both read the same ``stats.figures_for``; the page draws each figure as an SVG chart
with the same numbers in a table beside it. Supervisors only (``access``): 404 for
anyone not staff, 403 for staff without ``complaints.supervise_complaint``; the
permission check wraps the method check, as in ``views``.
"""

import csv
import io

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from musaned.backoffice import charts, services, stats
from musaned.backoffice.access import permission_required
from musaned.complaints.permissions import SUPERVISE


def _period_query(period: stats.Period) -> str:
    return f"from={period.start.isoformat()}&to={period.end.isoformat()}"


def _charts(figures: stats.Figures) -> dict:
    """Each figure as a chart; every chart says its numbers are in the table beside it."""
    beside = _("The same numbers are in the table next to the chart.")
    bars = {
        "by_category": (figures.by_category, _("Complaints by category"), "chart-category"),
        "by_state": (figures.by_state, _("Complaints by status"), "chart-state"),
        "first_answer": (
            figures.first_answer.rows,
            _("First answers and the clock"),
            "chart-clock",
        ),
        "rejections": (figures.rejections.by_rule, _("Rejections by rule"), "chart-rejections"),
        "contracts_by_stage": (
            figures.contracts_by_stage,
            _("Recruitment contracts by stage"),
            "chart-contract-stages",
        ),
        "late_contracts": (figures.late_contracts, _("Late contracts"), "chart-late"),
    }
    drawn = {
        key: charts.bar_chart(rows, title=title, chart_id=chart_id, description=beside)
        for key, (rows, title, chart_id) in bars.items()
    }
    drawn["issued"] = charts.column_chart(
        figures.issued_per_day,
        title=_("Visas issued per day"),
        chart_id="chart-issued",
        ticks=[f"{day.day}/{day.month}" for day in figures.period.days],
        description=beside,
    )
    return drawn


@permission_required(SUPERVISE)
@require_safe
def statistics(request):
    """The figures for ``?from=&to=`` (default the last 30 days); bad dates are shown
    as errors next to the fields, with what was typed kept."""
    default = stats.Period.last_days()
    form = stats.PeriodForm(request.GET or None, initial={"from": default.start, "to": default.end})
    figures = charts = None
    period: stats.Period | None = default
    if form.is_bound:
        period = form.cleaned_data["period"] if form.is_valid() else None
    if period is not None:
        figures = stats.figures_for(period)
        charts = _charts(figures)
    return render(
        request,
        "backoffice/statistics.html",
        {
            "section": "statistics",
            "form": form,
            "figures": figures,
            "charts": charts,
            "csv_query": _period_query(period) if period else "",
        },
    )


@permission_required(SUPERVISE)
@require_safe
def statistics_csv(request):
    """Every figure as ``section,key,label,value`` (labels in the active language),
    UTF-8 with a byte-order mark so that Excel shows Arabic. Each download is audited.
    Bad dates go back to the page, which shows why."""
    form = stats.PeriodForm(request.GET)
    if not form.is_valid():
        return redirect(f"{reverse('backoffice:statistics')}?{request.GET.urlencode()}")
    period = form.cleaned_data["period"]
    figures = stats.figures_for(period)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["section", "key", "label", "value"])
    writer.writerows(stats.export_rows(figures))
    services.statistics_export(actor=request.user, start=period.start, end=period.end)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"musaned-statistics-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
