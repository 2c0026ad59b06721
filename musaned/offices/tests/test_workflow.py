"""The office workflow: the whole table (every allowed step works and is audited; every
other pair is refused with 409 and changes nothing), atomicity, and the daily job."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from musaned.core.errors import InvalidTransition
from musaned.core.models import AuditEvent
from musaned.notifications.models import Notification
from musaned.offices import services, sources
from musaned.offices.errors import OfficeErrorCode
from musaned.offices.models import Office, OfficeSanction, OfficeState, SanctionKind
from musaned.offices.tests.conftest import register_office, staff_member
from musaned.offices.workflow import MACHINE, Action

pytestmark = pytest.mark.django_db

S = OfficeState
TODAY = timezone.localdate


def payload_for(action: str) -> dict:
    """A valid form for each action."""
    later = TODAY() + dt.timedelta(days=30)
    return {
        Action.RENEW: {"expires_on": TODAY() + dt.timedelta(days=800)},
        Action.WARN: {"ground": "delay", "reason": "Two workers late."},
        Action.PENALISE: {"ground": "refund_unpaid", "points": 4, "reason": "Refund unpaid."},
        Action.SUSPEND: {"ground": "money_outside", "until": later, "reason": "Cash taken."},
        Action.EXTEND_SUSPENSION: {"until": later + dt.timedelta(days=30), "reason": "More."},
        Action.REINSTATE: {"reason": "Fixed."},
        Action.WITHDRAW: {"ground": "money_outside", "reason": "Repeated."},
        Action.UPDATE_PROFILE: {"address": "New address 7"},
        Action.END_SUSPENSION: {},
        Action.EXPIRE: {},
    }[action]


def put_in_state(office: Office, state: str) -> Office:
    """Reach ``state`` the way the platform does (services and the job)."""
    officer = office.registered_by
    if state == S.SUSPENDED:
        return services.office_act(
            office=office, action=Action.SUSPEND, actor=officer, **_with_reason(Action.SUSPEND)
        )
    if state == S.WITHDRAWN:
        return services.office_act(
            office=office, action=Action.WITHDRAW, actor=officer, **_with_reason(Action.WITHDRAW)
        )
    if state == S.EXPIRED:
        Office.objects.filter(pk=office.pk).update(
            licence_expires_on=TODAY() - dt.timedelta(days=1)
        )
        services.offices_expire()
    return Office.objects.get(pk=office.pk)


def _with_reason(action: str) -> dict:
    data = dict(payload_for(action))
    return {"reason": data.pop("reason", ""), **data}


def actor_for(row, office, manager):
    if row.whos[0].kind == "system":
        return None
    if row.whos[0].kind == "office":
        return manager
    return office.registered_by


def arrange_for_system_row(office: Office, action: str) -> None:
    """The job's rows need their dates to have passed (guards)."""
    yesterday = TODAY() - dt.timedelta(days=1)
    if office.state == S.SUSPENDED:
        Office.objects.filter(pk=office.pk).update(suspended_until=yesterday)
    # The licence's last day passed too, for the row that expires it.
    passed = {Action.EXPIRE: {"licence_expires_on": yesterday}}.get(Action(action), {})
    Office.objects.filter(pk=office.pk).update(**passed)


ALL_PAIRS = [(state, action) for state in S.values for action in Action]


@pytest.mark.parametrize(("state", "action"), ALL_PAIRS)
def test_every_pair_of_the_table_works_or_is_refused_with_nothing_changed(
    officer, manager, state, action
):
    office = put_in_state(register_office(officer, manager=manager), state)
    row = MACHINE.row(state, action)
    before_events = AuditEvent.objects.count()
    before_sanctions = OfficeSanction.objects.count()
    if row is None:
        for actor in (None, officer, manager):
            with pytest.raises(InvalidTransition) as refused:
                services.office_act(
                    office=office, action=action, actor=actor, **_with_reason(action)
                )
            assert refused.value.status == 409
        fresh = Office.objects.get(pk=office.pk)
        assert fresh.state == state and fresh.suspended_until == office.suspended_until
        assert AuditEvent.objects.count() == before_events
        assert OfficeSanction.objects.count() == before_sanctions
        return
    if row.whos[0].kind == "system":
        arrange_for_system_row(office, action)
        office = Office.objects.get(pk=office.pk)
    moved = services.office_act(
        office=office, action=action, actor=actor_for(row, office, manager), **_with_reason(action)
    )
    assert moved.state == row.target
    event = AuditEvent.objects.filter(action=f"office.{action}").latest("id")
    assert event.target_id == str(office.pk)
    if row.source != row.target or action != Action.UPDATE_PROFILE:
        assert (event.data["old"], event.data["new"]) == (state, row.target)
    kinds = {
        Action.WARN: SanctionKind.WARNING,
        Action.PENALISE: SanctionKind.PENALTY,
        Action.SUSPEND: SanctionKind.SUSPENSION,
        Action.WITHDRAW: SanctionKind.WITHDRAWAL,
    }
    if action in kinds:
        sanction = OfficeSanction.objects.latest("id")
        assert sanction.kind == kinds[action] and sanction.office_id == office.pk
        assert event.data["sanction"] == sanction.pk
    else:
        assert OfficeSanction.objects.count() == before_sanctions


def test_the_table_has_the_rows_the_decision_describes():
    pairs = {(r.source, r.action, r.target) for r in MACHINE.rows}
    assert (S.ACTIVE, Action.SUSPEND, S.SUSPENDED) in pairs
    assert (S.SUSPENDED, Action.REINSTATE, S.ACTIVE) in pairs
    assert (S.EXPIRED, Action.RENEW, S.ACTIVE) in pairs
    assert MACHINE.terminal == {S.WITHDRAWN}


def test_an_officer_without_the_permission_cannot_take_a_step(officer, manager):
    office = register_office(officer, manager=manager)
    stranger = staff_member("supervisor-only", role=None)
    for actor in (stranger, manager):
        with pytest.raises(InvalidTransition):
            services.office_act(
                office=office, action=Action.SUSPEND, actor=actor, **_with_reason(Action.SUSPEND)
            )
    assert Office.objects.get(pk=office.pk).state == S.ACTIVE


def test_an_employee_cannot_change_the_profile_only_the_manager(officer, manager, employee):
    from musaned.offices.tests.conftest import hire

    office = register_office(officer, manager=manager)
    hire(office, manager, employee)
    with pytest.raises(Exception) as refused:
        services.office_act(
            office=office, action=Action.UPDATE_PROFILE, actor=employee, address="Elsewhere"
        )
    assert refused.value.code == OfficeErrorCode.MANAGERS_ONLY
    assert Office.objects.get(pk=office.pk).address != "Elsewhere"


def test_a_sanction_needs_a_reason_and_a_ground(officer, manager):
    office = register_office(officer, manager=manager)
    with pytest.raises(Exception) as refused:
        services.office_act(office=office, action=Action.WARN, actor=officer, ground="delay")
    assert refused.value.code == OfficeErrorCode.REASON_REQUIRED
    with pytest.raises(Exception) as refused:
        services.office_act(
            office=office, action=Action.WARN, actor=officer, reason="x", ground="?"
        )
    assert refused.value.code == OfficeErrorCode.GROUND_REQUIRED
    with pytest.raises(Exception) as refused:
        services.office_act(
            office=office,
            action=Action.PENALISE,
            actor=officer,
            reason="x",
            ground="delay",
            points=0,
        )
    assert refused.value.code == OfficeErrorCode.POINTS_RANGE
    assert not OfficeSanction.objects.exists()


def test_a_suspension_ends_after_today_and_an_extension_is_later(officer, manager):
    office = register_office(officer, manager=manager)
    with pytest.raises(Exception) as refused:
        services.office_act(
            office=office,
            action=Action.SUSPEND,
            actor=officer,
            reason="x",
            ground="delay",
            until=TODAY(),
        )
    assert refused.value.code == OfficeErrorCode.SUSPENSION_END_NOT_FUTURE
    until = TODAY() + dt.timedelta(days=10)
    office = services.office_act(
        office=office, action=Action.SUSPEND, actor=officer, reason="x", ground="delay", until=until
    )
    with pytest.raises(Exception) as refused:
        services.office_act(
            office=office, action=Action.EXTEND_SUSPENSION, actor=officer, reason="y", until=until
        )
    assert refused.value.code == OfficeErrorCode.SUSPENSION_NOT_LATER
    assert Office.objects.get(pk=office.pk).suspended_until == until


def test_reinstating_needs_a_valid_licence(officer, manager):
    office = register_office(officer, manager=manager, licence_days=5)
    until = TODAY() + dt.timedelta(days=20)
    services.office_act(
        office=office, action=Action.SUSPEND, actor=officer, reason="x", ground="delay", until=until
    )
    with time_machine.travel(timezone.now() + dt.timedelta(days=10), tick=False):
        with pytest.raises(InvalidTransition) as refused:
            services.office_act(office=office, action=Action.REINSTATE, actor=officer)
        assert refused.value.code == OfficeErrorCode.RENEW_FIRST
        assert Office.objects.get(pk=office.pk).state == S.SUSPENDED


def test_a_step_that_fails_part_way_leaves_nothing_written(officer, manager, monkeypatch):
    """The suspension's sanction row and audit row are written, then telling the
    beneficiaries fails: the office stays active and no row remains."""
    office = register_office(officer, manager=manager)

    class Failing:
        def annotations(self, *, since):
            return {}

        def arrival_days(self, *, office, since):
            return []

        def beneficiaries(self, *, office):
            raise RuntimeError("the contract source broke")

    before = (AuditEvent.objects.count(), Notification.objects.count())
    with sources.swapped(contracts=Failing()), pytest.raises(RuntimeError):
        services.office_act(
            office=office, action=Action.SUSPEND, actor=officer, **_with_reason(Action.SUSPEND)
        )
    fresh = Office.objects.get(pk=office.pk)
    assert (fresh.state, fresh.suspended_until) == (S.ACTIVE, None)
    assert not OfficeSanction.objects.exists()
    assert (AuditEvent.objects.count(), Notification.objects.count()) == before


def test_suspending_tells_the_office_and_its_beneficiaries(officer, manager, beneficiary):
    office = register_office(officer, manager=manager)

    class Contracts:
        def annotations(self, *, since):
            return {}

        def arrival_days(self, *, office, since):
            return []

        def beneficiaries(self, *, office):
            return [beneficiary]

    with sources.swapped(contracts=Contracts()):
        services.office_act(
            office=office, action=Action.SUSPEND, actor=officer, **_with_reason(Action.SUSPEND)
        )
    to_manager = Notification.objects.filter(user=manager).latest("id")
    assert "Ground" in to_manager.body or "السبب" in to_manager.body
    to_beneficiary = Notification.objects.get(user=beneficiary)
    assert office.name_ar in to_beneficiary.body or office.name_en in to_beneficiary.body


# --- The daily job --------------------------------------------------------------------------


def test_the_job_expires_lapsed_licences_once(officer, manager):
    lapsing = register_office(officer, manager=manager, licence_days=3)
    lasting = register_office(officer, licence_days=300)
    with time_machine.travel(timezone.now() + dt.timedelta(days=3), tick=False):
        assert services.offices_expire() == {"expire": 0, "end_suspension": 0}  # last day
    with time_machine.travel(timezone.now() + dt.timedelta(days=4), tick=False):
        out = io.StringIO()
        call_command("expire_office_licences", stdout=out)
        assert "Expired 1 office licence(s)" in out.getvalue()
        events = AuditEvent.objects.filter(action="office.expire").count()
        assert services.offices_expire() == {"expire": 0, "end_suspension": 0}  # twice: nothing
        assert AuditEvent.objects.filter(action="office.expire").count() == events == 1
    assert Office.objects.get(pk=lapsing.pk).state == S.EXPIRED
    assert Office.objects.get(pk=lasting.pk).state == S.ACTIVE
    assert Notification.objects.filter(user=manager, body__contains=lapsing.name_ar).exists()


def test_a_suspension_ends_by_itself_after_its_last_day(officer, manager):
    office = register_office(officer, manager=manager)
    until = TODAY() + dt.timedelta(days=7)
    services.office_act(
        office=office, action=Action.SUSPEND, actor=officer, reason="x", ground="delay", until=until
    )
    with time_machine.travel(timezone.now() + dt.timedelta(days=7), tick=False):
        services.offices_expire()
        assert Office.objects.get(pk=office.pk).state == S.SUSPENDED  # its last day
    with time_machine.travel(timezone.now() + dt.timedelta(days=8), tick=False):
        assert services.offices_expire() == {"expire": 0, "end_suspension": 1}
        assert services.offices_expire() == {"expire": 0, "end_suspension": 0}
    fresh = Office.objects.get(pk=office.pk)
    assert (fresh.state, fresh.suspended_until) == (S.ACTIVE, None)
    event = AuditEvent.objects.get(action="office.end_suspension")
    assert event.actor is None


def test_a_suspended_office_whose_licence_lapsed_expires_when_the_suspension_ends(officer, manager):
    office = register_office(officer, manager=manager, licence_days=2)
    services.office_act(
        office=office,
        action=Action.SUSPEND,
        actor=officer,
        reason="x",
        ground="delay",
        until=TODAY() + dt.timedelta(days=10),
    )
    with time_machine.travel(timezone.now() + dt.timedelta(days=5), tick=False):
        services.offices_expire()
        assert Office.objects.get(pk=office.pk).state == S.SUSPENDED  # still suspended
    with time_machine.travel(timezone.now() + dt.timedelta(days=11), tick=False):
        assert services.offices_expire() == {"expire": 1, "end_suspension": 0}
    assert Office.objects.get(pk=office.pk).state == S.EXPIRED


def test_renewing_an_expired_licence_makes_the_office_active_again(officer, manager):
    office = put_in_state(register_office(officer, manager=manager), S.EXPIRED)
    assert office.state == S.EXPIRED
    with pytest.raises(Exception) as refused:
        services.office_act(office=office, action=Action.RENEW, actor=officer, expires_on=TODAY())
    assert refused.value.code == OfficeErrorCode.LICENCE_DATE_NOT_FUTURE
    renewed = services.office_act(
        office=office,
        action=Action.RENEW,
        actor=officer,
        expires_on=TODAY() + dt.timedelta(days=365),
    )
    assert renewed.state == S.ACTIVE
