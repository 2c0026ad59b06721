"""The statistics page and its CSV: every figure checked against a hand-made world.

Today is Wednesday 25 November 2026, 12:00 in Riyadh; the default period is the 30
days from 27 October to 25 November, both included.
"""

import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from musaned.accounts.tests.factories import BeneficiaryFactory
from musaned.backoffice import charts, stats
from musaned.complaints import services as complaint_services
from musaned.complaints.models import Complaint
from musaned.core.audit import audit
from musaned.core.models import AuditEvent
from musaned.payments.selectors import bill_for
from musaned.payments.tests.fakes import pay
from musaned.visas import rules
from musaned.visas import services as visa_services
from musaned.visas.models import VisaApplication, VisaState
from musaned.visas.tests.factories import complete_draft, traffic_violations

pytestmark = pytest.mark.django_db

RIYADH = dt.timezone(dt.timedelta(hours=3))
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=RIYADH)
PERIOD = stats.Period(dt.date(2026, 10, 27), dt.date(2026, 11, 25))
RICH = {"bank_balance": 250000}  # enough for a third visa (the capacity tiers)


def at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=RIYADH)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


# --- The world ----------------------------------------------------------------------

# number: category, state, created, first answer due, first answered, resolved
COMPLAINTS = {
    # Submitted before the period; resolved in it (8 days = 192 h).
    "C0": ("office", "closed", at(10, 20), at(10, 22), at(10, 21), at(10, 28)),
    # On time; resolved in 72 h.
    "C1": ("office", "resolved", at(11, 1), at(11, 3), at(11, 2), at(11, 4)),
    # Answered a day late.
    "C2": ("office", "in_review", at(11, 2), at(11, 4), at(11, 5), None),
    # Due on 5 November and never answered.
    "C3": ("visa", "escalated", at(11, 3), at(11, 5), None, None),
    # Answered exactly at the due time (on time); resolved in 72 h, closed since.
    "C4": ("payment", "closed", at(11, 10), at(11, 12), at(11, 12), at(11, 13)),
    # Rejected as out of scope: rejecting answers it, on time; not resolved.
    "C5": ("worker", "rejected", at(11, 20), at(11, 22), at(11, 21), None),
    # Not answered, not due yet: its clock still runs, not counted.
    "C6": ("technical", "submitted", at(11, 24), at(11, 26), None, None),
    # Answered today before its due time; resolved in 4 h.
    "C7": ("visa", "resolved", at(11, 25, 6), at(11, 27), at(11, 25, 10), at(11, 25, 10)),
}


@pytest.fixture
def complaints(registry, recruitment_office):
    owner = BeneficiaryFactory(person="1000000032")  # Sarah
    made = {}
    for name, (category, state, created, due, answered, resolved) in COMPLAINTS.items():
        with time_machine.travel(created, tick=False):
            complaint = complaint_services.complaint_submit(
                owner=owner,
                category=category,
                office=recruitment_office if category == "office" else None,
                subject=name,
                description="A complaint.",
                contact_preference="sms",
            )
        # The clocks and states are set by hand so that every figure is known exactly.
        Complaint.objects.filter(pk=complaint.pk).update(
            state=state,
            first_answer_due=due,
            first_answered_at=answered,
            resolved_at=resolved,
        )
        made[name] = complaint
    return made


def submit(owner, **overrides) -> VisaApplication:
    draft = complete_draft(owner, **(RICH | overrides))
    return visa_services.visa_application_submit(application=draft, actor=owner)


@pytest.fixture
def visas(citizen, exempt, reviewer):
    """Issued: 20 Oct (before the period), 20 Nov ×2, 22 Nov, 24 Nov. Rejected by the
    rules: traffic (21 Nov), age + traffic (23 Nov), own nationality (25 Nov, 23:30),
    capacity (26 Oct, the day before the period). One quality-check rejection (23 Nov)."""
    mohammed = citizen
    noura = exempt  # fee exempt: decided on submit

    with time_machine.travel(at(10, 20), tick=False):
        pay(bill_for(submit(mohammed)), event_id="evt-1")
    with time_machine.travel(at(10, 26), tick=False):
        audit("visa.reject", failed_rules=["capacity"])
    with time_machine.travel(at(11, 20), tick=False):
        submit(noura)
    with time_machine.travel(at(11, 20, 15), tick=False):
        submit(noura)
    with time_machine.travel(at(11, 21), tick=False):
        # A traffic violation reported after submission: the rules reject at payment.
        fixed_later = submit(mohammed)
        traffic_violations(mohammed, unpaid=True)
        pay(bill_for(fixed_later), event_id="evt-2")
    with time_machine.travel(at(11, 22), tick=False):
        traffic_violations(mohammed, unpaid=False)
        # Issued on re-check: its verdicts now all pass, yet the rejection still counts.
        visa_services.visa_application_recheck(application=fixed_later, actor=mohammed)
    with time_machine.travel(at(11, 23), tick=False):
        nurse = submit(mohammed, occupation="home-nurse")
        pay(bill_for(nurse), event_id="evt-3")
        visa_services.visa_application_review(
            application=nurse, actor=reviewer, approve=False, reason="The report is unreadable."
        )
        audit("visa.reject", failed_rules=["age", "traffic"])
    with time_machine.travel(at(11, 24), tick=False):
        submit(noura)
    with time_machine.travel(at(11, 25, 23).replace(minute=30), tick=False):
        audit("visa.reject", failed_rules=["own_nationality"])
    fixed_later.refresh_from_db()
    assert fixed_later.state == VisaState.ISSUED
    assert all(v["status"] == "pass" for v in fixed_later.verdicts)
    return {"fixed_later": fixed_later, "nurse": nurse}


# --- The selectors -------------------------------------------------------------------

CATEGORIES = {"office": 2, "visa": 2, "worker": 1, "payment": 1, "technical": 1, "other": 0}
STATES = {
    "with_office": 0,
    "office_answered": 0,
    "submitted": 1,
    "in_review": 1,
    "waiting": 0,
    "escalated": 1,
    "resolved": 2,
    "closed": 1,
    "rejected": 1,
}
ISSUED = {"2026-11-20": 2, "2026-11-22": 1, "2026-11-24": 1}
REJECTIONS = {
    "registry": 0,
    "category": 0,
    "age": 1,
    "traffic": 2,
    "fee": 0,
    "capacity": 0,
    "own_nationality": 1,
    "gender": 0,
    "document": 0,
    "quality_check": 1,
}


def values(rows) -> dict:
    return {row.key: row.value for row in rows}


def test_complaints_by_category_and_state_count_those_submitted_in_the_period(complaints, now):
    assert values(stats.complaints_by_category(PERIOD)) == CATEGORIES
    assert values(stats.complaints_by_state(PERIOD)) == STATES


def test_share_answered_within_the_clock(complaints, now):
    clock = stats.first_answer_within_clock(PERIOD)
    # Counted: C1–C5 (due in the period) and C7 (answered in it); not C0 (both before),
    # not C6 (not due yet). On time: C1, C4 (at the minute), C5, C7.
    assert (clock.on_time, clock.late, clock.unanswered) == (4, 1, 1)
    assert clock.counted == 6
    assert clock.percent == 66.7


def test_the_clock_for_one_day(complaints, now):
    clock = stats.first_answer_within_clock(
        stats.Period(dt.date(2026, 11, 5), dt.date(2026, 11, 5))
    )
    # C2 answered late that day; C3's answer fell due that day and never came.
    assert (clock.on_time, clock.late, clock.unanswered) == (0, 1, 1)
    assert (
        stats.first_answer_within_clock(
            stats.Period(dt.date(2026, 12, 1), dt.date(2026, 12, 2))
        ).percent
        is None
    )


def test_average_time_to_resolve(complaints, now):
    resolution = stats.resolution_time(PERIOD)
    # C0 192 h, C1 72 h, C4 72 h, C7 4 h: 340 h / 4.
    assert resolution.resolved == 4
    assert resolution.average == dt.timedelta(hours=85)
    assert (resolution.hours, resolution.days) == (85.0, 3.5)


def test_visas_issued_per_day(visas, now):
    per_day = stats.visas_issued_per_day(PERIOD)
    assert len(per_day) == 30 and per_day[0].key == "2026-10-27" and per_day[-1].key == "2026-11-25"
    assert {key: n for key, n in values(per_day).items() if n} == ISSUED


def test_rejections_by_rule_come_from_the_audit_log(visas, now):
    rejections = stats.rejections_by_rule(PERIOD)
    assert values(rejections.by_rule) == REJECTIONS
    assert (rejections.decisions, rejections.declined) == (3, 1)
    # The real decision wrote what the selector reads.
    real = AuditEvent.objects.get(action="visa.reject", target_id=str(visas["fixed_later"].pk))
    assert real.data["failed_rules"] == ["traffic"]


def test_rule_labels_are_the_rules_own_titles(resident):
    draft = complete_draft(resident, occupation="home-nurse", nationality="IND")
    with translation.override("en"):
        verdicts = rules.evaluate(user=resident, application=draft)
        assert {v.rule: str(v.title) for v in verdicts} == {
            rule: str(label) for rule, label in stats.RULE_LABELS.items()
        }


def test_all_the_figures_take_six_queries(complaints, visas, now, django_assert_num_queries):
    with django_assert_num_queries(6):
        stats.figures_for(PERIOD)


# --- The period form ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "period"),
    [
        ({}, ("2026-10-27", "2026-11-25")),
        ({"from": "2026-11-01", "to": "2026-11-10"}, ("2026-11-01", "2026-11-10")),
        ({"from": "٢٠٢٦-١١-٠١", "to": "2026-11-01"}, ("2026-11-01", "2026-11-01")),
        ({"from": "2026-11-20"}, ("2026-11-20", "2026-11-25")),
        ({"from": "2026-01-01"}, ("2026-01-01", "2026-01-30")),
        ({"to": "2026-11-10"}, ("2026-10-12", "2026-11-10")),
    ],
)
def test_the_period_form_fills_in_what_is_not_given(query, period):
    form = stats.PeriodForm(query, today=dt.date(2026, 11, 25))
    assert form.is_valid(), form.errors
    got = form.cleaned_data["period"]
    assert (got.start.isoformat(), got.end.isoformat()) == period


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"from": "2026-02-30"}, "from", "Enter a date as YYYY-MM-DD"),
        ({"to": "yesterday"}, "to", "Enter a date as YYYY-MM-DD"),
        ({"from": "2026-11-10", "to": "2026-11-01"}, "to", "on or after the start date"),
        ({"from": "2025-01-01", "to": "2026-11-01"}, "to", "at most 366 days"),
    ],
)
def test_bad_periods_are_field_errors(query, field, message):
    with translation.override("en"):
        form = stats.PeriodForm(query, today=dt.date(2026, 11, 25))
        assert not form.is_valid()
        assert message in " ".join(form.errors[field])


# --- The charts -----------------------------------------------------------------------


def test_bar_chart_is_an_accessible_escaped_image_mirrored_right_to_left():
    rows = [stats.Row("a", "<script>x</script> & co", 4), stats.Row("b", "Two", 2)]
    ltr = str(charts.bar_chart(rows, title="T <b>", chart_id="c", rtl=False))
    rtl = str(charts.bar_chart(rows, title="T", chart_id="c", rtl=True))
    assert 'role="img"' in ltr and 'aria-labelledby="c-title c-desc"' in ltr
    assert '<title id="c-title">T &lt;b&gt;</title>' in ltr
    assert "<script>" not in ltr and "&lt;script&gt;x&lt;/script&gt; &amp;" in ltr
    assert ">4</text>" in ltr and ">2</text>" in ltr  # the numbers are drawn
    bars = [re.search(r'<rect[^>]* x="([\d.]+)"[^>]* width="([\d.]+)"', s) for s in (ltr, rtl)]
    (lx, lw), (rx, rw) = ((float(m[1]), float(m[2])) for m in bars)
    assert lw == rw and lx + rx + rw == charts.CHART_WIDTH  # the same bar, mirrored
    assert 'direction="rtl"' in rtl and 'direction="ltr"' in ltr
    # The labels sit before the bars' fixed edge: on the left, or (Arabic) on the right.
    label_x = [float(re.search(r'<tspan x="([\d.]+)"', s)[1]) for s in (ltr, rtl)]
    assert label_x[0] < lx and rx + rw < label_x[1]
    assert label_x[0] + label_x[1] == charts.CHART_WIDTH


def test_column_chart_puts_the_first_day_on_the_right_in_arabic():
    rows = [stats.Row("d1", "1", 1), stats.Row("d2", "2", 3)]
    ltr = str(charts.column_chart(rows, title="V", chart_id="v", ticks=["1/11", "2/11"], rtl=False))
    rtl = str(charts.column_chart(rows, title="V", chart_id="v", ticks=["1/11", "2/11"], rtl=True))
    first_tick = [float(re.search(r'x="([\d.]+)"[^>]*>1/11<', s)[1]) for s in (ltr, rtl)]
    assert first_tick[0] < charts.CHART_WIDTH / 2 < first_tick[1]
    assert ">3</text>" in ltr and 'role="img"' in rtl


# --- The page and the CSV -------------------------------------------------------------


def read_csv(response) -> list[dict]:
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(content[1:])))


def test_the_csv_has_every_figure_and_is_audited(complaints, visas, supervisor, now, signed_in):
    response = signed_in(supervisor).get("/en/backoffice/statistics.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    table = {(r["section"], r["key"]): r["value"] for r in rows}
    assert table[("period", "from")] == "2026-10-27" and table[("period", "to")] == "2026-11-25"
    for key, n in CATEGORIES.items():
        assert table[("complaints_by_category", key)] == str(n)
    for key, n in STATES.items():
        assert table[("complaints_by_state", key)] == str(n)
    assert table[("first_answer", "on_time")] == "4"
    assert table[("first_answer", "late")] == "1"
    assert table[("first_answer", "unanswered")] == "1"
    assert table[("first_answer", "counted")] == "6"
    assert table[("first_answer", "percent")] == "66.7"
    assert table[("resolution_time", "resolved")] == "4"
    assert table[("resolution_time", "average_hours")] == "85.0"
    assert table[("resolution_time", "average_days")] == "3.5"
    issued = {k: int(v) for (section, k), v in table.items() if section == "visas_issued"}
    assert len(issued) == 30 and {k: n for k, n in issued.items() if n} == ISSUED
    for key, n in REJECTIONS.items():
        assert table[("rejections", key)] == str(n)
    assert table[("rejections", "decisions")] == "3"
    labels = {(r["section"], r["key"]): r["label"] for r in rows}
    assert labels[("rejections", "traffic")] == "No unpaid traffic violations"
    assert labels[("complaints_by_category", "office")] == "A recruitment office"
    event = AuditEvent.objects.get(action="backoffice.statistics_exported")
    assert event.actor == supervisor
    assert event.data == {"period_from": "2026-10-27", "period_to": "2026-11-25"}


def test_the_csv_labels_are_arabic_by_default_and_follow_the_period(
    complaints, supervisor, now, signed_in
):
    response = signed_in(supervisor).get(
        "/backoffice/statistics.csv", {"from": "2026-11-01", "to": "2026-11-03"}
    )
    rows = read_csv(response)
    table = {(r["section"], r["key"]): (r["label"], r["value"]) for r in rows}
    assert table[("complaints_by_category", "office")] == ("مكتب استقدام", "2")  # C1, C2
    assert table[("complaints_by_category", "visa")] == ("تأشيرة", "1")  # C3
    assert len([key for key in table if key[0] == "visas_issued"]) == 3
    assert "2026-11-01-2026-11-03" in response["Content-Disposition"]


def test_a_bad_period_for_the_csv_goes_back_to_the_page(supervisor, now, signed_in):
    response = signed_in(supervisor).get("/en/backoffice/statistics.csv", {"from": "2026-13-01"})
    assert response.status_code == 302
    assert response["Location"] == "/en/backoffice/statistics/?from=2026-13-01"
    assert not AuditEvent.objects.filter(action="backoffice.statistics_exported").exists()


def test_the_page_in_arabic_draws_right_to_left_with_tables(
    complaints, visas, supervisor, now, signed_in
):
    response = signed_in(supervisor).get("/backoffice/statistics/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert html.count('role="img"') == 5 and 'direction="rtl"' in html
    assert html.count("<caption") == 5 and 'scope="row"' in html
    assert '<th scope="row">مكتب استقدام</th><td>2</td>' in html
    assert '<th scope="row">عدم وجود مخالفات مرورية غير مسددة</th><td>2</td>' in html
    assert 'aria-current="page"' in html  # the nav marks this section
    assert "/backoffice/statistics.csv?from=2026-10-27&amp;to=2026-11-25" in html
    assert "no-store" in response.get("Cache-Control", "")


def test_the_page_in_english(complaints, visas, supervisor, now, signed_in):
    response = signed_in(supervisor).get("/en/backoffice/statistics/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en" dir="ltr">' in html and 'direction="ltr"' in html
    assert "66.7% answered within the clock (4 of 6)." in html
    assert "<dt>Average time to resolve (hours)</dt><dd>85.0</dd>" in html
    assert "<dt>Average time to resolve (days)</dt><dd>3.5</dd>" in html
    assert '<th scope="row">A recruitment office</th><td>2</td>' in html
    assert '<th scope="row">Rejected in quality check</th><td>1</td>' in html


def test_bad_dates_are_shown_with_what_was_typed(supervisor, now, signed_in):
    response = signed_in(supervisor).get(
        "/en/backoffice/statistics/", {"from": "2026-11-10", "to": "not a date"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "Enter a date as YYYY-MM-DD" in html
    assert 'value="2026-11-10"' in html and 'value="not a date"' in html
    assert 'role="img"' not in html


@pytest.mark.parametrize("url", ["/backoffice/statistics/", "/backoffice/statistics.csv"])
def test_access(url, now, officer, citizen, supervisor, signed_in):
    assert signed_in(officer).get(url).status_code == 403
    assert signed_in(citizen).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # anonymous: to the login page
    no_code = signed_in(supervisor, second_factor=False)
    assert no_code.get(url)["Location"].startswith("/login")  # second factor missing
    assert signed_in(officer).post(url).status_code == 403
    assert signed_in(citizen).post(url).status_code == 404
