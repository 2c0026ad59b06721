"""Every scorecard figure against a count done by hand from records built for the test,
and the honest "nothing to count yet" while complaints and contracts cannot name an
office."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db.models import IntegerField, Sum, Value
from django.utils import timezone, translation

from musaned.offices import scorecard, selectors, services, sources
from musaned.offices.models import InvitationState, OfficeInvitation
from musaned.offices.tests.conftest import register_office
from musaned.offices.workflow import Action

pytestmark = pytest.mark.django_db


def figures_of(office, *, when=None):
    period = scorecard.last_twelve_months(when)
    annotated = selectors.public_office(uid=office.uid, period=period)
    return {f.key: f for f in scorecard.figures(annotated, period)}


def decide(office, officer, action, **payload):
    return services.office_act(office=office, action=action, actor=officer, **payload)


def test_the_period_is_the_last_twelve_months_to_today():
    period = scorecard.last_twelve_months(dt.date(2026, 12, 2))
    assert (period.start, period.end) == (dt.date(2025, 12, 3), dt.date(2026, 12, 2))
    leap = scorecard.last_twelve_months(dt.date(2028, 2, 29))
    assert leap.start == dt.date(2027, 3, 1)


def test_penalty_points_warnings_and_suspensions_count_the_decisions_of_the_period(
    officer, manager
):
    office = register_office(officer, manager=manager)
    other = register_office(officer)
    thirteen_months_ago = timezone.now() - dt.timedelta(days=400)
    with time_machine.travel(thirteen_months_ago, tick=False):
        # Before the period: not counted.
        decide(office, officer, Action.PENALISE, points=9, ground="delay", reason="old")
        decide(office, officer, Action.WARN, ground="delay", reason="old")
    decide(office, officer, Action.PENALISE, points=3, ground="delay", reason="a")
    decide(office, officer, Action.PENALISE, points=5, ground="refund_unpaid", reason="b")
    decide(office, officer, Action.WARN, ground="complaints", reason="c")
    decide(office, officer, Action.WARN, ground="delay", reason="d")
    decide(
        office,
        officer,
        Action.SUSPEND,
        ground="delay",
        reason="e",
        until=timezone.localdate() + dt.timedelta(days=5),
    )
    decide(  # an extension is not a new suspension
        office,
        officer,
        Action.EXTEND_SUSPENSION,
        reason="f",
        until=timezone.localdate() + dt.timedelta(days=9),
    )
    decide(other, officer, Action.PENALISE, points=7, ground="delay", reason="someone else")

    shown = figures_of(office)
    # By hand: 3 + 5 points from 2 decisions; 2 warnings; 1 suspension.
    assert (shown["penalty-points"].value, shown["penalty-points"].count) == (8, 2)
    assert (shown["warnings"].value, shown["suspensions"].value) == (2, 1)
    assert figures_of(other)["penalty-points"].value == 7
    period = scorecard.last_twelve_months()
    for figure in shown.values():
        assert figure.period == period


def test_without_complaints_or_contracts_the_scorecard_says_so_and_shows_no_number(
    officer, manager
):
    with sources.swapped(), translation.override("en"):
        shown = figures_of(register_office(officer, manager=manager))
    for key in ("complaints-per-100-contracts", "complaints-resolved"):
        assert shown[key].value is None
        assert "cannot name a recruitment office" in shown[key].missing
    for key in ("rating", "on-time", "days-to-arrival"):
        assert shown[key].value is None
        assert "no recruitment contracts on the platform yet" in shown[key].missing


def test_complaint_figures_count_the_rows_that_name_the_office(officer, manager, other_manager):
    """The switch the complaints app turns on: ``complaints_from`` counts a model's rows
    that name an office (here invitations stand in: an office foreign key, a time of
    filing and a state), with a hand count to compare."""
    office = register_office(officer, manager=manager)
    other = register_office(officer, manager=other_manager)
    ids = ["1000000008", "1000000016", "1000000024", "1000000032", "2000000014"]
    for national_id in ids[:4]:
        services.office_invite_employee(
            actor=manager, office=office, national_id=national_id, mobile="+966500000001"
        )
    old = OfficeInvitation.objects.filter(office=office).first()
    OfficeInvitation.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=500)
    )
    declined = OfficeInvitation.objects.filter(office=office).exclude(pk=old.pk).first()
    OfficeInvitation.objects.filter(pk=declined.pk).update(state=InvitationState.DECLINED)
    services.office_invite_employee(
        actor=other_manager, office=other, national_id=ids[4], mobile="+966500000001"
    )
    # By hand, for the office in the period: 1 manager's + 3 employees' invitations
    # (the old one is out), of which 1 declined.
    since = scorecard.last_twelve_months().since
    filed = OfficeInvitation.objects.filter(office=office, created_at__gte=since)
    assert filed.count() == 4 and filed.filter(state=InvitationState.DECLINED).count() == 1
    source = sources.complaints_from(OfficeInvitation, resolved_states={InvitationState.DECLINED})
    with sources.swapped(complaints=source):
        shown = figures_of(office)
        resolved = shown["complaints-resolved"]
        assert (resolved.value, resolved.count) == (Decimal("25"), 4)
        assert resolved.shown == "25 %"
        # No contracts yet: the rate per 100 contracts says so, with the complaints counted.
        per_100 = shown["complaints-per-100-contracts"]
        assert per_100.value is None and per_100.count == 4
        assert figures_of(other)["complaints-resolved"].count == 2  # its manager's and one more


class FakeContracts:
    """Contracts as recruitment (issue 13) will register them: per office, what was signed,
    arrived, arrived on time, and rated, counted from a table the test fills."""

    def __init__(self, rows):
        self.rows = rows  # office pk -> dict of counts and arrival days

    def _value(self, name):
        from django.db.models import Case, When

        whens = [When(pk=pk, then=Value(row[name])) for pk, row in self.rows.items()]
        return Case(*whens, default=Value(0), output_field=IntegerField())

    def annotations(self, *, since):
        names = ("contracts_signed", "arrivals", "arrivals_on_time", "ratings", "rating_total")
        return {name: self._value(name) for name in names}

    def arrival_days(self, *, office, since):
        return list(self.rows.get(office.pk, {}).get("days", []))

    def beneficiaries(self, *, office):
        return []


def test_contract_figures_are_computed_from_the_counts(officer, manager):
    office = register_office(officer, manager=manager)
    contracts = FakeContracts(
        {
            office.pk: {
                "contracts_signed": 40,
                "arrivals": 8,
                "arrivals_on_time": 6,
                "ratings": 3,
                "rating_total": 13,
                "days": [50, 61, 40, 90, 55, 58, 47, 70],
            }
        }
    )
    source = sources.complaints_from(OfficeInvitation, resolved_states={InvitationState.ACCEPTED})
    with sources.swapped(complaints=source, contracts=contracts):
        shown = figures_of(office)
    # By hand: 1 "complaint" (the manager's invitation) per 40 contracts = 2.5 per 100.
    assert shown["complaints-per-100-contracts"].value == Decimal("2.5")
    assert shown["rating"].value == Decimal("4.3")  # 13 / 3
    assert shown["rating"].count == 3
    assert shown["on-time"].value == Decimal("75")  # 6 of 8
    assert shown["days-to-arrival"].value == Decimal("56.5")  # median of the 8
    assert shown["days-to-arrival"].count == 8


def test_the_directory_sorts_by_rating_once_contracts_exist(officer, manager, other_manager):
    low = register_office(officer, manager=manager, name="Aaa")
    high = register_office(officer, manager=other_manager, name="Zzz")
    unrated = register_office(officer, name="Mmm")
    contracts = FakeContracts(
        {
            low.pk: {
                "contracts_signed": 1,
                "arrivals": 2,
                "arrivals_on_time": 2,
                "ratings": 2,
                "rating_total": 6,
                "days": [],
            },
            high.pk: {
                "contracts_signed": 1,
                "arrivals": 4,
                "arrivals_on_time": 1,
                "ratings": 1,
                "rating_total": 5,
                "days": [],
            },
        }
    )
    period = scorecard.last_twelve_months()
    with translation.override("en"), sources.swapped(contracts=contracts):
        by_rating = list(selectors.directory(period=period, sort=selectors.SORT_RATING))
        by_on_time = list(selectors.directory(period=period, sort=selectors.SORT_ON_TIME))
    assert [o.pk for o in by_rating] == [high.pk, low.pk, unrated.pk]
    assert [o.pk for o in by_on_time] == [low.pk, high.pk, unrated.pk]


def test_penalty_points_match_a_sum_done_by_the_database_another_way(officer, manager):
    from musaned.offices.models import OfficeSanction

    office = register_office(officer, manager=manager)
    for points in (1, 2, 4):
        decide(office, officer, Action.PENALISE, points=points, ground="delay", reason="x")
    by_hand = OfficeSanction.objects.filter(office=office).aggregate(total=Sum("points"))["total"]
    assert by_hand == 7 == figures_of(office)["penalty-points"].value
