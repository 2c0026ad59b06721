"""What recruitment tells the offices' scorecard: the contracts signed, the arrivals and
those on time, the median days from payment to arrival, the ratings, the requests an office
let lapse, and who is told when the office is suspended."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from musaned.offices import scorecard, sources
from musaned.offices.models import Office
from musaned.recruitment.scorecard import ContractsOfOffices
from musaned.recruitment.services import contracts
from musaned.recruitment.services.clocks import recruitment_clocks_run
from musaned.recruitment.tests.factories import (
    accepted,
    arrived,
    paid_contract,
    sent_request,
)

pytestmark = pytest.mark.django_db


def test_the_recruitment_app_registers_its_contracts_with_the_scorecard():
    assert isinstance(sources.contracts(), ContractsOfOffices)


def test_the_scorecard_counts_real_contracts(mohammed, sarah, manager, office, other_office):
    on_time = arrived(paid_contract(mohammed, manager, office), manager)
    contracts.contract_hand_over(contract=on_time, actor=mohammed)
    late = paid_contract(sarah, manager, office)
    with time_machine.travel(
        timezone.make_aware(dt.datetime.combine(late.paid_on + dt.timedelta(days=100), dt.time(9))),
        tick=False,
    ):
        recruitment_clocks_run()
        late = arrived(late, manager)
        recruitment_clocks_run()
    with time_machine.travel(timezone.now() + dt.timedelta(days=200), tick=False):
        recruitment_clocks_run()
        contracts.contract_rate(contract=on_time, actor=mohammed, rating=5)
        contracts.contract_rate(contract=late, actor=sarah, rating=2)
        period = scorecard.last_twelve_months()
        counted = scorecard.annotate(Office.objects.filter(pk=office.pk), period).get()
        shown = {f.key: f for f in scorecard.figures(counted, period)}
    assert (counted.contracts_signed, counted.arrivals, counted.arrivals_on_time) == (2, 2, 1)
    assert (counted.ratings, counted.rating_total) == (2, 7)
    assert shown["on-time"].value == 50
    assert shown["days-to-arrival"].value == 50  # the median of 0 and 100 days
    assert shown["rating"].value == pytest.approx(3.5)


def test_an_office_that_lets_requests_lapse_has_them_counted(mohammed, sarah, office, other_office):
    sent_request(mohammed, [office, other_office])
    request = sent_request(sarah, [office])
    with time_machine.travel(request.offers_due_at, tick=False):
        recruitment_clocks_run()
        counted = scorecard.annotate(
            Office.objects.filter(pk=office.pk), scorecard.last_twelve_months()
        ).get()
    assert (counted.requests_received, counted.requests_unanswered) == (2, 2)


def test_the_people_with_a_contract_in_progress_are_told_of_a_suspension(
    mohammed, sarah, manager, office
):
    accepted(mohammed, manager, office)
    done = paid_contract(sarah, manager, office)
    contracts.contract_cancel(contract=done, actor=sarah)
    assert list(ContractsOfOffices().beneficiaries(office=office)) == [mohammed]
