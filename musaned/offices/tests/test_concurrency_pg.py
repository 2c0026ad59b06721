"""The office's rows under concurrency, on PostgreSQL with real threads (SQLite ignores
``select_for_update``): the daily jobs run on several machines at once, two officers act
at once, and two people accept invitations to manage one office at once."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from musaned.core.models import AuditEvent
from musaned.notifications.models import Notification
from musaned.offices import services
from musaned.offices.models import (
    Office,
    OfficeMembership,
    OfficeRole,
    OfficeSanction,
    OfficeState,
    PriceState,
)
from musaned.offices.selectors import invitations_for
from musaned.offices.tests.conftest import price, register_office
from musaned.offices.workflow import Action
from musaned.visas.models import Nationality

THREADS = 6

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")


def race(work, count=THREADS) -> tuple[list, list]:
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait()
            results.append(work(i))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_the_licence_job_on_several_machines_expires_each_office_once(postgresql, officer, manager):
    offices = [register_office(officer, licence_days=2) for _n in range(3)]
    with time_machine.travel(timezone.now() + dt.timedelta(days=3), tick=False):
        results, errors = race(lambda i: services.offices_expire())
    assert errors == []
    assert sum(r["expire"] for r in results) == 3
    assert AuditEvent.objects.filter(action="office.expire").count() == 3
    assert set(
        Office.objects.filter(pk__in=[o.pk for o in offices]).values_list("state", flat=True)
    ) == {OfficeState.EXPIRED}


def test_two_officers_suspending_at_once_make_one_suspension(postgresql, officer, manager):
    office = register_office(officer, manager=manager)
    until = timezone.localdate() + dt.timedelta(days=9)

    def suspend(i):
        return services.office_act(
            office=office,
            action=Action.SUSPEND,
            actor=officer,
            reason=f"officer {i}",
            ground="delay",
            until=until,
        )

    results, errors = race(suspend)
    assert len(results) == 1 and len(errors) == THREADS - 1
    assert all(getattr(e, "status", None) == 409 for e in errors)
    assert OfficeSanction.objects.filter(office=office).count() == 1
    assert AuditEvent.objects.filter(action="office.suspend").count() == 1


def test_two_managers_accepting_at_once_leave_one_manager(
    postgresql, officer, manager, other_manager
):
    office = register_office(officer)
    for person in (manager, other_manager):
        services.office_invite_manager(actor=officer, office=office, national_id=person.national_id)
    people = [manager, other_manager]

    def accept(i):
        person = people[i]
        return services.invitation_accept(
            actor=person, invitation=invitations_for(actor=person).get(office=office)
        )

    results, errors = race(accept, count=2)
    assert errors == []
    assert len(results) == 2  # each in turn: the second replaces the first
    assert (
        OfficeMembership.objects.filter(
            office=office, role=OfficeRole.MANAGER, ended_at__isnull=True
        ).count()
        == 1
    )


def test_the_ceiling_job_on_several_machines_tells_each_office_once(postgresql, officer, manager):
    office = register_office(officer, manager=manager)
    above = price(office, manager, nationality="KEN", amount="8900")
    services.price_ceiling_add(
        actor=officer,
        nationality=Nationality.objects.get(code="KEN"),
        occupation=None,
        amount=8000,
        effective_from=timezone.localdate() + dt.timedelta(days=1),
        source="Test",
    )
    with time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=False):
        results, errors = race(lambda i: services.price_ceilings_apply())
    assert errors == []
    assert sum(results) == 1
    above.refresh_from_db()
    assert above.state == PriceState.SUSPENDED
    assert Notification.objects.filter(user=manager, key__startswith="ceiling-").count() == 1
