"""The bill's whole transition table (allowed pairs work and audit; every other pair is a
409 and changes nothing; an actor a row does not admit is refused), and atomicity: a
step that fails leaves nothing written — state, audit, notice outbox, payment event."""

import itertools
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from musaned.core import workflow as core_workflow
from musaned.core.errors import InvalidTransition
from musaned.core.models import AuditEvent
from musaned.core.workflow import OWNER, SYSTEM, transition
from musaned.notifications.models import Notification
from musaned.payments import services
from musaned.payments.models import Bill, BillState, PaymentEvent, PaymentEventKind
from musaned.payments.tests.fakes import callback_for
from musaned.payments.workflow import MACHINE, OPEN_STATES, TERMINAL_STATES, Action

ALL_PAIRS = list(itertools.product(BillState, Action))


@pytest.fixture(autouse=True)
def recording_gateway(settings):
    settings.PAYMENT_GATEWAY_BACKEND = "musaned.payments.tests.fakes.RecordingGateway"


@pytest.fixture
def people(make_user):
    """Everyone who might act on a bill, by the kind of actor they are."""

    def of(bill: Bill) -> dict:
        refunder = make_user(is_staff=True)
        refunder.user_permissions.add(Permission.objects.get(codename="refund_bill"))
        return {
            "owner": bill.owner,
            "system": None,
            "refunder": type(refunder).objects.get(pk=refunder.pk),
            "stranger": make_user(),
            "staff without the permission": make_user(is_staff=True),
        }

    return of


def _admitted(row, people: dict) -> list[str]:
    kinds = {"owner": OWNER, "system": SYSTEM}
    return [
        name
        for name in people
        if kinds.get(name) in row.whos or (name == "refunder" and row.staff_permissions)
    ]


def _at(bill: Bill, state: str) -> Bill:
    now = timezone.now()
    Bill.objects.filter(pk=bill.pk).update(
        state=state,
        paid_at=now if state in (BillState.PAID, BillState.REFUNDED) else None,
        refunded_at=now if state == BillState.REFUNDED else None,
    )
    bill.refresh_from_db()
    return bill


def _payload(bill: Bill, action: str) -> dict:
    """What the callback hands the pay row (the other rows need nothing)."""
    if action != Action.PAY:
        return {}
    return {
        "event_id": "EVT-TABLE",
        "amount": bill.amount,
        "paid_at": timezone.now(),
        "message": {"event_id": "EVT-TABLE"},
    }


def _written(bill: Bill) -> tuple:
    """Everything a transition of ``bill`` could write."""
    bill.refresh_from_db()
    return (
        bill.state,
        bill.paid_at,
        bill.refunded_at,
        AuditEvent.objects.filter(target_type="payments.bill", target_id=str(bill.pk)).count(),
        PaymentEvent.objects.filter(bill=bill).count(),
        Notification.objects.count(),
    )


@pytest.mark.parametrize(("state", "action"), ALL_PAIRS, ids=lambda x: str(x))
def test_every_state_and_action_pair(make_bill, people, recorder, state, action):
    bill = _at(make_bill(), state)
    everyone = people(bill)
    before = _written(bill)
    audits = AuditEvent.objects.filter(target_type="payments.bill", target_id=str(bill.pk))
    row = MACHINE.row(state, action)
    if row:
        actor = everyone[_admitted(row, everyone)[0]]
        moved = transition(
            obj=bill, action=action, actor=actor, reason="x", **_payload(bill, action)
        )
        assert moved.state == row.target
        bill.refresh_from_db()
        assert bill.state == row.target
        assert audits.count() == before[3] + 1
        event = audits.order_by("-id").first()
        assert event.action == MACHINE.audit_action(row) == f"bill.{row.target}"
        assert (event.data["old_state"], event.data["new_state"]) == (state, row.target)
    else:
        for actor in everyone.values():
            with pytest.raises(InvalidTransition) as error:
                transition(obj=bill, action=action, actor=actor, **_payload(bill, action))
            assert error.value.status == 409
        assert _written(bill) == before
        assert recorder.paid == recorder.expired == []


@pytest.mark.parametrize("row", MACHINE.rows, ids=lambda row: f"{row.source}-{row.action}")
def test_an_actor_the_row_does_not_admit_cannot_move_a_bill(make_bill, people, recorder, row):
    bill = _at(make_bill(), row.source)
    everyone = people(bill)
    before = _written(bill)
    for name in set(everyone) - set(_admitted(row, everyone)):
        with pytest.raises(InvalidTransition) as error:
            transition(
                obj=bill, action=row.action, actor=everyone[name], **_payload(bill, row.action)
            )
        assert error.value.status == 409, name
    assert _written(bill) == before
    assert recorder.paid == recorder.expired == []


def test_the_state_groups_come_from_the_table():
    assert {BillState.UNPAID, BillState.PAID} == OPEN_STATES
    assert {BillState.EXPIRED, BillState.REFUNDED} == TERMINAL_STATES
    assert {"bill.expired", "bill.refunded"} == set(MACHINE.owner_labels)


# --- Atomicity -------------------------------------------------------------------------------


def test_a_payment_whose_subject_fails_leaves_nothing_written(bill, recorder):
    recorder.tell_owner = True  # the subject queues a notice, then fails
    recorder.fail_on_paid = RuntimeError("the visa could not be updated")
    before = _written(bill)
    with pytest.raises(RuntimeError):
        services.bill_payment_callback(**callback_for(bill))
    assert _written(bill) == before
    assert not AuditEvent.objects.filter(action="bill.paid").exists()
    assert recorder.paid == []


def test_an_expiry_whose_subject_fails_leaves_nothing_written(make_bill, recorder):
    bill = make_bill(due_in=timedelta(hours=1))
    recorder.tell_owner = True
    recorder.fail_on_expired = RuntimeError("the visa could not be updated")
    before = _written(bill)
    assert services.bills_expire(now=bill.due_at + timedelta(minutes=1)) == 0
    assert _written(bill) == before
    assert not AuditEvent.objects.filter(action="bill.expired").exists()


def test_a_refund_that_fails_after_the_gateway_answered_leaves_nothing_written(
    bill, recorder, monkeypatch
):
    services.bill_payment_callback(**callback_for(bill))
    before = _written(bill)

    def broken_audit(*args, **kwargs):
        raise RuntimeError("the database went away mid-transaction")

    # The refund effect has stored its event and set refunded_at when the audit row fails.
    monkeypatch.setattr(core_workflow, "audit", broken_audit)
    with pytest.raises(RuntimeError):
        services.bill_refund(bill=bill, actor=None, reason="Cancelled")
    assert _written(bill) == before
    assert not PaymentEvent.objects.filter(kind=PaymentEventKind.REFUND).exists()
    assert bill.state == BillState.PAID and bill.refunded_at is None
