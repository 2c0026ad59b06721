"""The people of an office: the manager named by the licensing officer, employees invited
by the manager, each accepting with their own account; one office at a time."""

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from musaned.core.errors import ApplicationError
from musaned.core.models import AuditEvent
from musaned.notifications.models import Notification
from musaned.offices import services
from musaned.offices.errors import OfficeErrorCode as Code
from musaned.offices.models import InvitationState, OfficeMembership, OfficeRole
from musaned.offices.selectors import invitations_for, membership_for
from musaned.offices.tests.conftest import hire, register_office

pytestmark = pytest.mark.django_db


def refusal(call) -> str:
    with pytest.raises(ApplicationError) as raised:
        call()
    return raised.value.code


def test_the_named_manager_accepts_after_signing_in_and_manages_the_office(officer, manager):
    office = register_office(officer)  # the manager has not accepted yet
    assert membership_for(actor=manager) is None
    services.office_invite_manager(actor=officer, office=office, national_id=manager.national_id)
    invitation = invitations_for(actor=manager).get()
    assert Notification.objects.filter(user=manager).exists()  # told: they have an account
    membership = services.invitation_accept(actor=manager, invitation=invitation)
    assert membership.role == OfficeRole.MANAGER and membership.office_id == office.pk
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED
    assert AuditEvent.objects.filter(action="office.invitation_accepted", target_id=str(office.pk))


def test_an_employee_is_invited_by_id_and_mobile_and_must_match_both(office, manager, employee):
    invitation = services.office_invite_employee(
        actor=manager, office=office, national_id=employee.national_id, mobile="+966500000099"
    )
    # The account's mobile is another one: refused, and the invitation waits.
    assert refusal(lambda: services.invitation_accept(actor=employee, invitation=invitation)) == (
        Code.MOBILE_MISMATCH
    )
    assert membership_for(actor=employee) is None
    # Someone else with the link gets the same 404 as for no invitation at all.
    assert refusal(lambda: services.invitation_accept(actor=manager, invitation=invitation)) == (
        Code.NOT_FOUND
    )
    again = services.office_invite_employee(
        actor=manager, office=office, national_id=employee.national_id, mobile=employee.mobile
    )
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.REVOKED  # replaced by the new one
    member = services.invitation_accept(actor=employee, invitation=again)
    assert member.role == OfficeRole.EMPLOYEE
    assert (
        refusal(
            lambda: services.office_invite_employee(
                actor=manager,
                office=office,
                national_id=employee.national_id,
                mobile=employee.mobile,
            )
        )
        == Code.ALREADY_HERE
    )


def test_only_the_manager_invites_and_removes(office, manager, employee, beneficiary):
    hire(office, manager, employee)
    assert (
        refusal(
            lambda: services.office_invite_employee(
                actor=employee,
                office=office,
                national_id=beneficiary.national_id,
                mobile=beneficiary.mobile,
            )
        )
        == Code.MANAGERS_ONLY
    )
    # Someone who does not work for the office: the office does not exist for them.
    assert (
        refusal(
            lambda: services.office_invite_employee(
                actor=beneficiary,
                office=office,
                national_id=beneficiary.national_id,
                mobile=beneficiary.mobile,
            )
        )
        == Code.NOT_FOUND
    )
    manager_membership = membership_for(actor=manager)
    assert (
        refusal(lambda: services.membership_end(actor=manager, membership=manager_membership))
        == Code.NOT_AN_EMPLOYEE
    )
    employee_membership = membership_for(actor=employee)
    assert (
        refusal(lambda: services.membership_end(actor=employee, membership=employee_membership))
        == Code.MANAGERS_ONLY
    )
    services.membership_end(actor=manager, membership=employee_membership)
    assert membership_for(actor=employee) is None
    employee_membership.refresh_from_db()
    assert employee_membership.ended_by == manager  # the row stays, ended
    assert Notification.objects.filter(user=employee).exists()


def test_an_invitation_expires(office, manager, employee, settings):
    settings.MUSANED_OFFICE_INVITATION_DAYS = 2
    invitation = services.office_invite_employee(
        actor=manager, office=office, national_id=employee.national_id, mobile=employee.mobile
    )
    with time_machine.travel(timezone.now() + dt.timedelta(days=2, minutes=1), tick=False):
        assert not invitations_for(actor=employee).exists()
        assert (
            refusal(lambda: services.invitation_accept(actor=employee, invitation=invitation))
            == Code.INVITATION_EXPIRED
        )
    assert membership_for(actor=employee) is None


def test_a_person_works_for_one_office_at_a_time(officer, manager, other_manager, employee):
    first = register_office(officer, manager=manager)
    second = register_office(officer, manager=other_manager)
    hire(first, manager, employee)
    invitation = services.office_invite_employee(
        actor=other_manager,
        office=second,
        national_id=employee.national_id,
        mobile=employee.mobile,
    )
    assert (
        refusal(lambda: services.invitation_accept(actor=employee, invitation=invitation))
        == Code.ALREADY_MEMBER
    )
    # The database says it too, whatever a service forgets.
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficeMembership.objects.create(office=second, user=employee, role=OfficeRole.EMPLOYEE)


def test_a_new_manager_replaces_the_old_one_when_accepting(office, officer, manager, employee):
    hire(office, manager, employee)
    invitation = services.office_invite_manager(
        actor=officer, office=office, national_id=employee.national_id
    )
    assert membership_for(actor=manager).role == OfficeRole.MANAGER  # until accepted
    services.invitation_accept(actor=employee, invitation=invitation)
    assert membership_for(actor=employee).role == OfficeRole.MANAGER
    assert membership_for(actor=manager) is None
    assert (
        OfficeMembership.objects.filter(
            office=office, role=OfficeRole.MANAGER, ended_at__isnull=True
        ).count()
        == 1
    )
    assert AuditEvent.objects.filter(action="office.manager_replaced").exists()


def test_declining_and_taking_back(office, manager, employee):
    invitation = services.office_invite_employee(
        actor=manager, office=office, national_id=employee.national_id, mobile=employee.mobile
    )
    services.invitation_decline(actor=employee, invitation=invitation)
    assert (
        refusal(lambda: services.invitation_accept(actor=employee, invitation=invitation))
        == Code.NOT_FOUND
    )
    second = services.office_invite_employee(
        actor=manager, office=office, national_id=employee.national_id, mobile=employee.mobile
    )
    services.invitation_revoke(actor=manager, invitation=second)
    second.refresh_from_db()
    assert second.state == InvitationState.REVOKED
    assert not invitations_for(actor=employee).exists()


def test_only_a_licensing_officer_names_a_manager(office, manager, employee):
    assert (
        refusal(
            lambda: services.office_invite_manager(
                actor=manager, office=office, national_id=employee.national_id
            )
        )
        == Code.NOT_ALLOWED
    )


def test_the_audit_trail_never_holds_an_unmasked_id(office, manager, employee):
    services.office_invite_employee(
        actor=manager, office=office, national_id=employee.national_id, mobile=employee.mobile
    )
    for event in AuditEvent.objects.filter(action="office.invited"):
        assert employee.national_id not in str(event.data)
        assert manager.national_id not in str(event.data)


def test_an_invitation_needs_a_real_id_number(office, manager, officer):
    for number in ("1000000000", "3000000004", "١٠٠٠٠٠٠٠٠٨"):  # bad Luhn, not a person, not ASCII
        assert (
            refusal(
                lambda number=number: services.office_invite_employee(
                    actor=manager, office=office, national_id=number, mobile="+966500000001"
                )
            )
            == Code.ID_INVALID
        )
    assert (
        refusal(
            lambda: services.office_invite_manager(actor=officer, office=office, national_id="12")
        )
        == Code.ID_INVALID
    )
