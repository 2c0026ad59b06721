"""The recruitment section of the back office's statistics, checked against a hand-made
world of five contracts (each a different beneficiary, all made today):

- A: paid today, its clock running;
- B: paid 100 days ago, in the 30-day extension;
- C: paid 125 days ago, past the 120 days;
- D: paid 100 days ago and cancelled by the beneficiary in the extension (the claim: the
  total back with 15 % compensation from the office's guarantee);
- E: paid 60 days ago, the worker arrived today (on time).
"""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from musaned.backoffice import stats
from musaned.recruitment.models import ContractState
from musaned.recruitment.services import contracts
from musaned.recruitment.services.clocks import recruitment_clocks_run
from musaned.recruitment.tests.backoffice_helpers import (
    beneficiary,
    load_contract_readers,
    paid_days_ago,
)
from musaned.recruitment.tests.factories import accepted, arrived

pytestmark = pytest.mark.django_db

S = ContractState


@pytest.fixture(autouse=True)
def _readers(staff_roles, recruitment_data):
    load_contract_readers()


@pytest.fixture
def world(mohammed, sarah, manager, office):
    people = [
        mohammed,
        sarah,
        beneficiary("1000000123", "latifa"),
        beneficiary("1000000131", "turki"),
        beneficiary("1000000107", "majed"),
    ]
    made = {
        "A": paid_days_ago(people[0], manager, office, days=0),
        "B": paid_days_ago(people[1], manager, office, days=100),
        "C": paid_days_ago(people[2], manager, office, days=125),
        "D": paid_days_ago(people[3], manager, office, days=100),
        "E": arrived(paid_days_ago(people[4], manager, office, days=60), manager),
    }
    recruitment_clocks_run()
    made["D"] = contracts.contract_cancel(contract=made["D"], actor=people[3], reason="late")
    assert made["D"].state == S.CANCELLED_LATE
    return made


def last_days(days: int = 30, *, ending_days_ago: int = 0) -> stats.Period:
    return stats.Period.last_days(
        days, today=timezone.localdate() - dt.timedelta(days=ending_days_ago)
    )


def by_key(rows) -> dict[str, int | float]:
    return {row.key: row.value for row in rows}


def test_contracts_made_in_the_period_by_their_stage_today(world):
    rows = by_key(stats.contracts_by_stage(last_days()))
    assert list(rows) == list(S.values)  # every stage, in the table's order
    assert {k: n for k, n in rows.items() if n} == {
        S.PAID: 3,
        S.ARRIVED: 1,
        S.CANCELLED_LATE: 1,
    }
    # Made today: an earlier period has none.
    assert sum(by_key(stats.contracts_by_stage(last_days(ending_days_ago=1))).values()) == 0


def test_staff_read_the_signing_stages_of_the_beneficiary_not_their_own_words():
    with translation.override("en"):
        labels = {row.key: row.label for row in stats.contracts_by_stage(last_days())}
    assert labels[S.SIGNED_BY_BENEFICIARY] == "Signed by the beneficiary; waiting for the office"
    assert labels[S.SIGNED_BY_OFFICE] == "Signed by the office; waiting for the beneficiary"


def test_late_contracts_on_the_last_day_of_the_period(world):
    # Today: B in the extension, C past the 120 days; D ended, E arrived, A on time.
    assert by_key(stats.late_contracts(last_days())) == {"late": 2, "extension": 1, "overdue": 1}
    # Ten days ago B and D were on day 90, C on day 115: all three in the extension then
    # (D was cancelled only today; E was on day 50).
    assert by_key(stats.late_contracts(last_days(ending_days_ago=10))) == {
        "late": 3,
        "extension": 3,
        "overdue": 0,
    }
    # Eleven days ago B and D were on day 89: on time.
    assert by_key(stats.late_contracts(last_days(ending_days_ago=11))) == {
        "late": 1,
        "extension": 1,
        "overdue": 0,
    }


def test_compensation_paid_is_the_compensation_entered_in_the_period(world):
    compensation = (world["D"].total * Decimal("0.15")).quantize(Decimal("0.01"))
    assert stats.compensation_paid(last_days()) == stats.Compensation(compensation, 1)
    assert stats.compensation_paid(last_days(ending_days_ago=1)) == stats.Compensation(
        Decimal("0.00"), 0
    )


def test_the_page_draws_the_recruitment_figures_with_their_tables(world, supervisor, signed_in):
    html = signed_in(supervisor).get("/en/backoffice/statistics/").content.decode()
    assert "Recruitment contracts by stage" in html and 'id="chart-contract-stages-title"' in html
    assert "5 contracts made in the period." in html
    assert '<th scope="row">Paid; held by the platform</th><td>3</td>' in html
    assert '<th scope="row">In the 30-day extension</th><td>1</td>' in html
    assert '<th scope="row">Past the 120 days</th><td>1</td>' in html
    compensation = (world["D"].total * Decimal("0.15")).quantize(Decimal("0.01"))
    shown = f"{compensation:,.2f}".removesuffix(".00")
    assert f'<dt>Compensation paid (SAR)</dt><dd><span dir="ltr">{shown}</span></dd>' in html
    assert "<dt>Contracts compensated</dt><dd>1</dd>" in html


def test_the_page_in_arabic(world, supervisor, signed_in):
    html = signed_in(supervisor).get("/backoffice/statistics/").content.decode()
    assert "عقود الاستقدام حسب المرحلة" in html
    assert '<th scope="row">في المهلة الإضافية (30 يومًا)</th><td>1</td>' in html


def test_the_csv_carries_the_recruitment_figures(world, supervisor, signed_in):
    response = signed_in(supervisor).get("/en/backoffice/statistics.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8")[1:])))
    table = {(r["section"], r["key"]): r["value"] for r in rows}
    assert table[("contracts_by_stage", "paid")] == "3"
    assert table[("contracts_by_stage", "cancelled_late")] == "1"
    assert table[("late_contracts", "late")] == "2"
    assert table[("late_contracts", "extension")] == "1"
    assert table[("late_contracts", "overdue")] == "1"
    compensation = (world["D"].total * Decimal("0.15")).quantize(Decimal("0.01"))
    assert table[("compensation", "amount")] == str(compensation)
    assert table[("compensation", "contracts")] == "1"


def test_an_unpaid_contract_is_neither_late_nor_compensated(mohammed, manager, office):
    accepted(mohammed, manager, office)
    assert by_key(stats.late_contracts(last_days())) == {"late": 0, "extension": 0, "overdue": 0}
    assert by_key(stats.contracts_by_stage(last_days()))[S.AWAITING_SIGNATURES] == 1
