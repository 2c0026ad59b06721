"""The whole transition table: allowed pairs move and audit; every other pair is a 409 and
changes nothing; an actor a row does not admit is refused too.

The table is tested as a table: the rows' effects (numbers, bills, rules) are left out
here and tested through the services (test_services.py); the guards stay.
"""

import dataclasses
import datetime as dt
import itertools

import pytest
from django.utils import timezone

from musaned.accounts.tests.factories import StaffFactory
from musaned.core.errors import InvalidTransition
from musaned.core.models import AuditEvent
from musaned.core.workflow import OWNER, SYSTEM, transition
from musaned.visas import services
from musaned.visas.models import VisaApplication, VisaState
from musaned.visas.workflow import (
    ACTIVE_STATES,
    EDITABLE_STATES,
    MACHINE,
    TERMINAL_STATES,
    Action,
    actions_of,
)

pytestmark = pytest.mark.django_db

ALL_PAIRS = list(itertools.product(VisaState, Action))


@pytest.fixture(autouse=True)
def table_only(monkeypatch):
    """The rows as they are, without their effects (what the services test)."""
    rows = {
        pair: dataclasses.replace(row, effects=(), after_save=())
        for pair, row in MACHINE._by_pair.items()
    }
    monkeypatch.setattr(MACHINE, "_by_pair", rows)


@pytest.fixture
def people(citizen, exempt):
    return {
        "owner": citizen,
        "system": None,
        "reviewer": StaffFactory(username="reviewer", permissions=["decide_visaapplication"]),
        "stranger": exempt,
    }


def _admitted(row, people) -> list[str]:
    kinds = {"owner": OWNER, "system": SYSTEM}
    return [
        name
        for name in people
        if kinds.get(name) in row.whos or (name == "reviewer" and row.staff_permissions)
    ]


def _at(application, state):
    # Numbers too: the database refuses an issued visa without them. The fix-by and
    # expiry dates are ahead, so the guards let the owner act.
    VisaApplication.objects.filter(pk=application.pk).update(
        state=state,
        visa_number=f"9{application.reference[1:]}",
        issued_number=f"4{application.reference[1:]}",
        fix_by=timezone.localdate() + dt.timedelta(days=2),
        expires_on=timezone.localdate() + dt.timedelta(days=300),
    )
    application.refresh_from_db()
    return application


def _audits(application):
    return AuditEvent.objects.filter(
        target_type="visas.visaapplication", target_id=str(application.pk)
    )


@pytest.mark.parametrize(("state", "action"), ALL_PAIRS, ids=lambda x: str(x))
def test_every_state_and_action_pair(people, state, action):
    application = _at(services.visa_application_create(owner=people["owner"]), state)
    before = _audits(application).count()
    row = MACHINE.row(state, action)
    if row:
        actor = people[_admitted(row, people)[0]]
        moved = transition(obj=application, action=action, actor=actor, reason="x")
        assert moved.state == row.target
    else:
        for actor in people.values():
            with pytest.raises(InvalidTransition) as error:
                transition(obj=application, action=action, actor=actor)
            assert error.value.status == 409
    application.refresh_from_db()
    if row:
        assert application.state == row.target
        assert _audits(application).count() == before + 1
        event = _audits(application).order_by("-id").first()
        assert event.action == MACHINE.audit_action(row)
        if row.source != row.target:
            assert (event.data["old"], event.data["new"]) == (state, row.target)
    else:
        assert application.state == state
        assert _audits(application).count() == before


@pytest.mark.parametrize("row", MACHINE.rows, ids=lambda row: f"{row.source}-{row.action}")
def test_an_actor_the_row_does_not_admit_cannot_move_an_application(people, row):
    application = _at(services.visa_application_create(owner=people["owner"]), row.source)
    before = _audits(application).count()
    for name in set(people) - set(_admitted(row, people)):
        with pytest.raises(InvalidTransition) as error:
            transition(obj=application, action=row.action, actor=people[name])
        assert error.value.status == 409
    application.refresh_from_db()
    assert application.state == row.source
    assert _audits(application).count() == before


def test_cancelled_expired_and_withdrawn_are_final():
    assert {VisaState.CANCELLED, VisaState.EXPIRED, VisaState.WITHDRAWN} == TERMINAL_STATES
    assert {VisaState.DRAFT} == EDITABLE_STATES
    assert not ACTIVE_STATES & TERMINAL_STATES


def test_the_buttons_are_the_rows_the_person_may_take_now(people):
    owner, reviewer = people["owner"], people["reviewer"]
    draft = services.visa_application_create(owner=owner)
    assert list(actions_of(draft, owner)) == ["update", "submit", "withdraw"]
    assert actions_of(draft, people["stranger"]) == {}
    assert actions_of(draft, reviewer) == {}
    in_review = _at(services.visa_application_create(owner=owner), VisaState.IN_REVIEW)
    assert actions_of(in_review, owner) == {}
    assert list(actions_of(in_review, reviewer)) == ["approve", "decline"]
    # A guard that refuses hides the button too: the fix-by date has passed.
    rejected = _at(services.visa_application_create(owner=owner), VisaState.REJECTED)
    assert list(actions_of(rejected, owner)) == ["recheck"]
    VisaApplication.objects.filter(pk=rejected.pk).update(
        fix_by=timezone.localdate() - dt.timedelta(days=1)
    )
    rejected.refresh_from_db()
    assert actions_of(rejected, owner) == {}


def test_a_reviewer_without_the_permission_is_refused(people, resident):
    application = _at(services.visa_application_create(owner=people["owner"]), VisaState.IN_REVIEW)
    colleague = StaffFactory(username="colleague")
    with pytest.raises(InvalidTransition):
        transition(obj=application, action=Action.APPROVE, actor=colleague)
    with pytest.raises(InvalidTransition):
        transition(obj=application, action=Action.APPROVE, actor=resident)
    application.refresh_from_db()
    assert application.state == VisaState.IN_REVIEW
