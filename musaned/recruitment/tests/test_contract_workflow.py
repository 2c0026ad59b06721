"""The contract's table: every allowed pair works and is audited; every other pair is refused
with 409 and changes nothing (no state, audit row, notice, signature, evidence, bill or
ledger entry); and atomicity: a row whose effect fails leaves nothing behind."""

import datetime as dt
from contextlib import contextmanager

import pytest
import time_machine
from django.utils import timezone

from musaned.core.errors import InvalidTransition
from musaned.core.models import AuditEvent
from musaned.core.workflow import transition
from musaned.notifications.models import Notification
from musaned.payments.models import Bill
from musaned.recruitment.models import (
    Contract,
    ContractState,
    DeliveryClock,
    LedgerEntry,
    Signature,
    StageEvidence,
)
from musaned.recruitment.services import contracts
from musaned.recruitment.services.clocks import recruitment_clocks_run
from musaned.recruitment.tests.factories import (
    accepted,
    moved_to,
    paid,
    signature_code,
    signed,
    stage_evidence,
)
from musaned.recruitment.workflow.contract import CONTRACT_MACHINE, STAGE_ROWS, Action

pytestmark = pytest.mark.django_db

S = ContractState
A = Action


def at(moment):
    return time_machine.travel(moment, tick=False)


def days_after(day: dt.date, days: int) -> dt.datetime:
    """Ten in the morning, Riyadh time, ``days`` days after ``day``."""
    moment = dt.datetime.combine(day + dt.timedelta(days=days), dt.time(10))
    return timezone.make_aware(moment)


def put_in_state(state, beneficiary, manager, office) -> Contract:
    """Reach ``state`` the way the platform does."""
    contract = accepted(beneficiary, manager, office)
    if state == S.AWAITING_SIGNATURES:
        return contract
    if state == S.CANCELLED:
        return contracts.contract_cancel(contract=contract, actor=beneficiary)
    if state == S.SIGNED_BY_OFFICE:
        return contracts.contract_sign_as_office(contract=contract, actor=manager)
    if state == S.SIGNED_BY_BENEFICIARY:
        code = signature_code(beneficiary, contract)
        return contracts.contract_sign_as_beneficiary(
            contract=contract, actor=beneficiary, attempt="attempt-1", code=code
        )
    contract = signed(beneficiary, manager, contract)
    if state == S.SIGNED:
        return contract
    contract = paid(contract)
    if state == S.CANCELLED_LATE:
        with at(days_after(contract.paid_on, 95)):
            recruitment_clocks_run()
            return contracts.contract_cancel(contract=contract, actor=beneficiary)
    if state in (S.IN_TRIAL, S.COMPLETED, S.TRIAL_FAILED):
        contract = moved_to(contract, manager, S.ARRIVED)
        if state == S.IN_TRIAL:
            return contracts.contract_hand_over(contract=contract, actor=beneficiary)
        if state == S.TRIAL_FAILED:
            return contracts.contract_report_trial_failure(
                contract=contract, actor=beneficiary, reason="She wants to go home."
            )
        with at(days_after(contract.arrived_on, 95)):
            recruitment_clocks_run()
        return Contract.objects.get(pk=contract.pk)
    return moved_to(contract, manager, state)


def counts():
    return (
        AuditEvent.objects.count(),
        Notification.objects.count(),
        LedgerEntry.objects.count(),
        Signature.objects.count(),
        StageEvidence.objects.count(),
        list(Bill.objects.order_by("pk").values_list("state", flat=True)),
    )


def _sign_as_beneficiary(contract, beneficiary, manager):
    code = signature_code(beneficiary, contract)
    return contracts.contract_sign_as_beneficiary(
        contract=contract, actor=beneficiary, attempt="attempt-1", code=code
    )


def _by_the_clock(moment):
    """A row of the platform's, taken on the day ``moment(contract)`` its guard needs."""

    def run(contract, beneficiary, manager, action):
        with at(moment(contract)):
            return transition(obj=contract, action=action, actor=None)

    return run


def _late(then):
    """A row of the delivery clock: the extension starts at day 90, then ``then`` runs
    (on day 90 for the claim once late, or at day 120 for the platform's own rows)."""

    def run(contract, beneficiary, manager, action):
        with at(days_after(contract.paid_on, 90)):
            contract = transition(obj=contract, action=A.START_EXTENSION, actor=None)
            return then(contract, beneficiary, manager, action)

    return run


def _after_day_120(contract, beneficiary, manager, action):
    with at(days_after(contract.paid_on, 120)):
        return transition(obj=contract, action=action, actor=None)


# How each allowed row is taken by its actor (the stage rows: the office with evidence).
TAKE = {
    A.SIGN_AS_BENEFICIARY: lambda c, b, m, a: _sign_as_beneficiary(c, b, m),
    A.SIGN_AS_OFFICE: lambda c, b, m, a: contracts.contract_sign_as_office(contract=c, actor=m),
    A.PAY: lambda c, b, m, a: paid(c),
    A.HAND_OVER: lambda c, b, m, a: contracts.contract_hand_over(contract=c, actor=b),
    A.CANCEL: lambda c, b, m, a: contracts.contract_cancel(contract=c, actor=b),
    A.REPORT_TRIAL_FAILURE: lambda c, b, m, a: contracts.contract_report_trial_failure(
        contract=c, actor=b, reason="It did not work out."
    ),
    A.LAPSE: _by_the_clock(lambda c: timezone.now() + dt.timedelta(days=4)),
    A.START_TRIAL: _by_the_clock(lambda c: days_after(c.arrived_on, 3)),
    A.COMPLETE: _by_the_clock(lambda c: days_after(c.arrived_on, 90)),
    A.START_EXTENSION: _by_the_clock(lambda c: days_after(c.paid_on, 90)),
    A.CLAIM: _late(lambda c, b, m, a: contracts.contract_cancel(contract=c, actor=b)),
    **{
        stage.action: lambda c, b, m, a: contracts.contract_stage_record(
            contract=c, actor=m, action=a, **stage_evidence(c, a)
        )
        for stage in STAGE_ROWS
    },
}


def take(row, contract, beneficiary, manager):
    """Take an allowed row as its actor does, on the day its guard needs (the rest of the
    delivery clock's rows: once the extension started, after day 120)."""
    run = TAKE.get(row.action, _late(_after_day_120))
    return run(contract, beneficiary, manager, row.action)


@pytest.mark.parametrize(
    ("state", "action"), [(state, action) for state in S.values for action in A]
)
def test_every_pair_of_the_contract_table_works_or_is_refused_with_nothing_changed(
    state, action, mohammed, manager, employee, other_manager, office, other_office, licensing
):
    contract = put_in_state(state, mohammed, manager, office)
    assert contract.state == state
    row = CONTRACT_MACHINE.row(state, action)
    before = counts()
    if row is None:
        for actor in (None, mohammed, manager, employee, other_manager, licensing):
            with pytest.raises(InvalidTransition) as refused:
                transition(obj=contract, action=action, actor=actor, reason="x", method="sms_code")
            assert refused.value.status == 409
        fresh = Contract.objects.get(pk=contract.pk)
        assert (fresh.state, fresh.clock) == (state, contract.clock)
        assert counts() == before
        return
    moved = take(row, contract, mohammed, manager)
    assert moved.state == row.target
    event = AuditEvent.objects.filter(action=f"contract.{action}").latest("id")
    assert event.target_id == str(contract.pk)
    assert (event.data["old"], event.data["new"]) == (state, row.target)
    balance = sum(LedgerEntry.objects.filter(contract=contract).values_list("amount", flat=True))
    assert balance == 0


def test_the_table_is_the_stage_order():
    order = [(r.source, r.target) for r in STAGE_ROWS]
    assert order == [
        (S.PAID, S.VISA_LINKED),
        (S.VISA_LINKED, S.TRAVEL_DOCUMENTS_READY),
        (S.TRAVEL_DOCUMENTS_READY, S.MEDICAL_PASSED),
        (S.MEDICAL_PASSED, S.TICKET_BOOKED),
        (S.TICKET_BOOKED, S.ARRIVED),
    ]
    assert CONTRACT_MACHINE.terminal == {
        S.COMPLETED,
        S.CANCELLED,
        S.CANCELLED_LATE,
        S.TRIAL_FAILED,
    }


def test_rows_refuse_the_actors_they_do_not_admit(
    mohammed, sarah, manager, employee, other_manager, office
):
    contract = accepted(mohammed, manager, office)
    for stranger in (sarah, other_manager, manager, None):
        with pytest.raises(InvalidTransition):
            transition(
                obj=contract, action=A.SIGN_AS_BENEFICIARY, actor=stranger, method="sms_code"
            )
    for stranger in (mohammed, other_manager, sarah, None):
        with pytest.raises(InvalidTransition):
            contracts.contract_sign_as_office(contract=contract, actor=stranger)
    with pytest.raises(Exception) as refused:  # an employee is of the office, not its manager
        contracts.contract_sign_as_office(contract=contract, actor=employee)
    assert refused.value.code == "managers_only" and refused.value.status == 403
    assert not Signature.objects.exists()
    contract = paid(signed(mohammed, manager, contract))
    for stranger in (mohammed, other_manager, None):
        with pytest.raises(InvalidTransition):
            contracts.contract_stage_record(
                contract=contract, actor=stranger, action=A.LINK_VISA,
                number=contract.visa.visa_number,
            )  # fmt: skip
    moved = contracts.contract_stage_record(
        contract=contract, actor=employee, action=A.LINK_VISA, number=contract.visa.visa_number
    )
    assert moved.state == S.VISA_LINKED


def test_a_stage_needs_its_evidence(mohammed, manager, office):
    from musaned.recruitment.errors import RecruitmentError

    contract = paid(signed(mohammed, manager, accepted(mohammed, manager, office)))
    with pytest.raises(RecruitmentError) as refused:
        contracts.contract_stage_record(contract=contract, actor=manager, action=A.LINK_VISA)
    assert refused.value.code == "evidence_required"
    with pytest.raises(RecruitmentError) as refused:
        contracts.contract_stage_record(
            contract=contract, actor=manager, action=A.LINK_VISA, number="9123456789"
        )
    assert refused.value.code == "visa_number_mismatch"
    with pytest.raises(InvalidTransition):  # not the next stage
        contracts.contract_stage_record(
            contract=contract, actor=manager, action=A.MEDICAL, number="WAF-1"
        )
    contract = moved_to(contract, manager, S.MEDICAL_PASSED)
    with pytest.raises(RecruitmentError) as refused:
        contracts.contract_stage_record(
            contract=contract, actor=manager, action=A.BOOK_TICKET, flight_number="SV871",
            flight_date=timezone.localdate() - dt.timedelta(days=1),
        )  # fmt: skip
    assert refused.value.code == "flight_date_past"
    contract = moved_to(contract, manager, S.TICKET_BOOKED)
    with pytest.raises(RecruitmentError) as refused:
        contracts.contract_stage_record(
            contract=contract, actor=manager, action=A.ARRIVE,
            arrival_date=timezone.localdate() + dt.timedelta(days=1),
            arrival_point=None,
        )  # fmt: skip
    assert refused.value.code == "arrival_required"
    evidence = StageEvidence.objects.get(contract=contract, stage=S.TRAVEL_DOCUMENTS_READY)
    assert evidence.document.name.startswith("recruitment/evidence/")
    assert evidence.document_type == "application/pdf"
    ticket = StageEvidence.objects.get(contract=contract, stage=S.TICKET_BOOKED)
    assert ticket.flight_number == "SV 871"


@contextmanager
def failing_after_save(state, action):
    """The row of ``(state, action)`` fails once it has saved (a frozen row: put back)."""
    row = CONTRACT_MACHINE.row(state, action)
    kept = row.after_save

    def broken(step):
        raise RuntimeError("boom")

    object.__setattr__(row, "after_save", (*kept, broken))
    try:
        yield
    finally:
        object.__setattr__(row, "after_save", kept)


def test_a_refused_stage_keeps_no_document(mohammed, manager, office):
    contract = paid(signed(mohammed, manager, accepted(mohammed, manager, office)))
    contract = moved_to(contract, manager, S.VISA_LINKED)
    storage = StageEvidence.document.field.storage
    folder = f"recruitment/evidence/{timezone.now():%Y/%m}"
    before = set(storage.listdir(folder)[1]) if storage.exists(folder) else set()
    with failing_after_save(S.VISA_LINKED, A.TRAVEL_DOCUMENTS), pytest.raises(RuntimeError):
        contracts.contract_stage_record(
            contract=contract, actor=manager, action=A.TRAVEL_DOCUMENTS,
            **stage_evidence(contract, A.TRAVEL_DOCUMENTS),
        )  # fmt: skip
    assert not StageEvidence.objects.filter(stage=S.TRAVEL_DOCUMENTS_READY).exists()
    after = set(storage.listdir(folder)[1]) if storage.exists(folder) else set()
    assert after == before


def test_a_failing_effect_leaves_no_state_audit_notice_or_money(mohammed, manager, office):
    """Atomicity: the arrival's evidence and posting are written, then a step after the save
    fails: nothing stays."""
    contract = moved_to(
        paid(signed(mohammed, manager, accepted(mohammed, manager, office))),
        manager,
        S.TICKET_BOOKED,
    )
    before = counts()
    with failing_after_save(S.TICKET_BOOKED, A.ARRIVE), pytest.raises(RuntimeError):
        contracts.contract_stage_record(
            contract=contract, actor=manager, action=A.ARRIVE,
            **stage_evidence(contract, A.ARRIVE),
        )  # fmt: skip
    fresh = Contract.objects.get(pk=contract.pk)
    assert (fresh.state, fresh.clock, fresh.arrived_on) == (
        S.TICKET_BOOKED,
        DeliveryClock.RUNNING,
        None,
    )
    assert counts() == before
