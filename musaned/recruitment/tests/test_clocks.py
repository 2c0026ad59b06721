"""The journey's clocks, with frozen time at every boundary, and the one scheduled command:
the offices' window (2 working days with a visa), the beneficiary's time to choose and to
sign and pay, the delivery clock (day 89/90/91: the extension; 119/120/121: overdue, the
compensation 15 % then 20 %), the beneficiary's own cancellation by the schedule, the
trial (day 89: may still fail; day 90: completed). Running the command twice changes
nothing twice."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from musaned.core.models import AuditEvent
from musaned.notifications.models import Notification
from musaned.payments.models import BillState
from musaned.payments.selectors import bill_for
from musaned.recruitment.errors import RecruitmentError
from musaned.recruitment.models import (
    Account,
    Contract,
    ContractState,
    DeliveryClock,
    OfferState,
    RequestOfficeState,
    RequestState,
)
from musaned.recruitment.selectors import statement_for
from musaned.recruitment.services import contracts
from musaned.recruitment.services.clocks import recruitment_clocks_run
from musaned.recruitment.tests.factories import (
    accepted,
    arrived,
    offer_from,
    paid_contract,
    received_by,
    sent_request,
    signed,
)

pytestmark = pytest.mark.django_db

S = ContractState
K = DeliveryClock


def on_day(day: dt.date, days: int, hour: int = 3):
    """Frozen at ``hour`` (Riyadh) on the day ``days`` days after ``day``: the command runs
    after midnight."""
    moment = dt.datetime.combine(day + dt.timedelta(days=days), dt.time(hour))
    return time_machine.travel(timezone.make_aware(moment), tick=False)


def fresh(contract: Contract) -> Contract:
    return Contract.objects.get(pk=contract.pk)


# --- The delivery clock ----------------------------------------------------------------------


@pytest.mark.parametrize(("day", "clock"), [(89, K.RUNNING), (90, K.EXTENSION), (91, K.EXTENSION)])
def test_the_extension_starts_by_itself_at_day_90(mohammed, manager, office, day, clock):
    contract = paid_contract(mohammed, manager, office)
    with on_day(contract.paid_on, day):
        recruitment_clocks_run()
        recruitment_clocks_run()  # twice: nothing twice
    assert fresh(contract).clock == clock
    extensions = AuditEvent.objects.filter(action="contract.start_extension")
    told = Notification.objects.filter(user=mohammed, body__contains=contract.number)
    if clock == K.EXTENSION:
        assert extensions.count() == 1
        assert told.filter(body__contains="30").count() >= 1
    else:
        assert not extensions.exists()


@pytest.mark.parametrize(
    ("day", "clock", "percent"),
    [(119, K.EXTENSION, "15"), (120, K.OVERDUE, "20"), (121, K.OVERDUE, "20")],
)
def test_after_120_days_the_claim_is_the_price_and_20_percent(
    mohammed, manager, office, day, clock, percent
):
    contract = paid_contract(mohammed, manager, office)
    with on_day(contract.paid_on, 90):
        recruitment_clocks_run()
    with on_day(contract.paid_on, day):
        recruitment_clocks_run()
        recruitment_clocks_run()
        assert fresh(contract).clock == clock
        cancelled = contracts.contract_cancel(contract=contract, actor=mohammed)
    assert cancelled.state == S.CANCELLED_LATE and cancelled.clock == K.STOPPED
    statement = statement_for(actor=mohammed, contract=cancelled)
    compensation = (contract.total * Decimal(percent) / 100).quantize(Decimal("0.01"))
    assert statement.owed_back == contract.total + compensation
    assert statement.charged_to_guarantee == compensation
    assert statement.held == 0 and statement.balanced
    assert AuditEvent.objects.filter(action="contract.mark_overdue").count() == (
        1 if clock == K.OVERDUE else 0
    )
    contract.offer.refresh_from_db()
    assert contract.offer.state == OfferState.RELEASED


@pytest.mark.parametrize(
    ("day", "kept"), [(0, "0"), (5, "0"), (6, "5"), (30, "5"), (31, "10"), (89, "10")]
)
def test_the_beneficiarys_own_cancellation_follows_the_schedule(
    mohammed, manager, office, day, kept
):
    contract = paid_contract(mohammed, manager, office)
    with on_day(contract.paid_on, day, hour=12):
        cancelled = contracts.contract_cancel(contract=contract, actor=mohammed)
    assert cancelled.state == S.CANCELLED
    statement = statement_for(actor=mohammed, contract=cancelled)
    fee = (contract.total * Decimal(kept) / 100).quantize(Decimal("0.01"))
    assert statement.released == fee
    assert statement.owed_back == contract.total - fee
    assert statement.balanced and statement.charged_to_guarantee == 0


# --- The trial -------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "state"), [(89, S.IN_TRIAL), (90, S.COMPLETED)])
def test_the_trial_ends_after_90_days_and_the_rest_is_released(
    mohammed, manager, office, day, state
):
    contract = arrived(paid_contract(mohammed, manager, office), manager)
    with on_day(contract.arrived_on, day):
        recruitment_clocks_run()
        recruitment_clocks_run()
    assert fresh(contract).state == state
    statement = statement_for(actor=mohammed, contract=contract)
    assert statement.released == (
        contract.total if state == S.COMPLETED else Decimal("0.7") * contract.total
    )
    assert AuditEvent.objects.filter(action="contract.complete").count() == (state == S.COMPLETED)


def test_a_failed_trial_can_be_reported_on_day_89_not_on_day_90(mohammed, manager, office):
    contract = arrived(paid_contract(mohammed, manager, office), manager)
    with on_day(contract.arrived_on, 90, hour=1):
        with pytest.raises(RecruitmentError) as refused:
            contracts.contract_report_trial_failure(contract=contract, actor=mohammed, reason="x")
        assert refused.value.code == "trial_over"
    with on_day(contract.arrived_on, 89, hour=20):
        failed = contracts.contract_report_trial_failure(
            contract=contract, actor=mohammed, reason="She must go home."
        )
    assert failed.state == S.TRIAL_FAILED
    statement = statement_for(actor=mohammed, contract=failed)
    assert statement.owed_back == (contract.total / 90).quantize(Decimal("0.01"))
    assert statement.balanced and statement.held == 0


def test_the_trial_starts_by_itself_three_days_after_arrival(mohammed, manager, office):
    contract = arrived(paid_contract(mohammed, manager, office), manager)
    with on_day(contract.arrived_on, 2):
        recruitment_clocks_run()
    assert fresh(contract).state == S.ARRIVED
    with on_day(contract.arrived_on, 3):
        recruitment_clocks_run()
    assert fresh(contract).state == S.IN_TRIAL


# --- Requests, offers and the time to sign and pay -------------------------------------------


def test_an_office_that_lets_its_window_pass_is_late_and_the_request_expires(
    mohammed, manager, office, other_office
):
    request = sent_request(mohammed, [office, other_office])
    due = request.offers_due_at
    with time_machine.travel(due - dt.timedelta(minutes=1), tick=False):
        recruitment_clocks_run()
        offer_from(manager, request, office)
    with time_machine.travel(due, tick=False):
        done = recruitment_clocks_run()
        assert done["offices_late"] == 1
        assert recruitment_clocks_run()["offices_late"] == 0
    assert received_by(request, other_office).state == RequestOfficeState.LATE
    assert received_by(request, office).state == RequestOfficeState.ANSWERED
    request.refresh_from_db()
    assert request.state == RequestState.OFFERED  # the offer waits for the beneficiary
    with time_machine.travel(request.decide_by, tick=False):
        assert recruitment_clocks_run()["requests_unchosen"] == 1
    request.refresh_from_db()
    assert request.state == RequestState.EXPIRED
    assert set(request.offers.values_list("state", flat=True)) == {OfferState.EXPIRED}


def test_a_request_nobody_answers_expires_and_the_beneficiary_is_told(mohammed, office):
    request = sent_request(mohammed, [office])
    with time_machine.travel(request.offers_due_at, tick=False):
        done = recruitment_clocks_run()
    assert done["requests_unanswered"] == 1
    request.refresh_from_db()
    assert request.state == RequestState.EXPIRED
    assert received_by(request, office).state == RequestOfficeState.LATE
    assert Notification.objects.filter(user=mohammed, body__contains=request.number).exists()


def test_a_contract_not_signed_and_paid_in_time_lapses_with_its_bill(mohammed, manager, office):
    contract = signed(mohammed, manager, accepted(mohammed, manager, office))
    bill = bill_for(contract)
    with time_machine.travel(contract.respond_by - dt.timedelta(seconds=1), tick=False):
        assert recruitment_clocks_run()["contracts_lapsed"] == 0
    with time_machine.travel(contract.respond_by, tick=False):
        assert recruitment_clocks_run()["contracts_lapsed"] == 1
    assert fresh(contract).state == S.CANCELLED
    bill.refresh_from_db()
    assert bill.state == BillState.EXPIRED
    contract.request.refresh_from_db()
    assert contract.request.state == RequestState.CANCELLED  # the visa is free again


def test_the_command_runs_the_clocks_and_says_what_it_did(mohammed, manager, office):
    contract = paid_contract(mohammed, manager, office)
    out = io.StringIO()
    with on_day(contract.paid_on, 90):
        call_command("run_recruitment_clocks", stdout=out)
        call_command("run_recruitment_clocks", stdout=io.StringIO())
    assert "extensions_started: 1" in out.getvalue()
    assert AuditEvent.objects.filter(action="contract.start_extension").count() == 1
    assert statement_for(actor=mohammed, contract=contract).balances[Account.HELD] == contract.total


@pytest.mark.parametrize(("day", "percent"), [(95, "15"), (125, "20")])
def test_a_late_command_never_costs_the_beneficiary_the_compensation(
    mohammed, manager, office, day, percent
):
    """The command has not run since payment: on day 95 the cancellation is still the
    claim of the extension, on day 125 the full one — by the calendar, not the field."""
    contract = paid_contract(mohammed, manager, office)
    with on_day(contract.paid_on, day, hour=12):
        cancelled = contracts.contract_cancel(contract=contract, actor=mohammed)
    assert cancelled.state == S.CANCELLED_LATE
    compensation = (contract.total * Decimal(percent) / 100).quantize(Decimal("0.01"))
    assert statement_for(actor=mohammed, contract=cancelled).charged_to_guarantee == compensation


def test_an_offer_is_accepted_only_until_the_time_to_choose(mohammed, manager, office):
    from musaned.recruitment.services import offers

    request = sent_request(mohammed, [office])
    offer = offer_from(manager, request, office)
    late = time_machine.travel(request.decide_by, tick=False)
    with late, pytest.raises(RecruitmentError) as refused:
        offers.offer_accept(offer=offer, actor=mohammed)
    assert refused.value.code == "choice_time_passed"
    request.refresh_from_db()
    assert request.state == RequestState.OFFERED
