"""The people who work for an office. A licensing officer names the manager and the
manager invites employees, each by ID number (an employee also by the mobile registered
to it); the invitee accepts after signing in with their own platform account, before the
invitation expires (``MUSANED_OFFICE_INVITATION_DAYS``). The manager removes employees."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from musaned.accounts.models import User
from musaned.core import locks
from musaned.core.audit import audit
from musaned.core.workflow import Formatted
from musaned.identity.registry import parse_national_id
from musaned.identity.saudi_id import mask_id
from musaned.notifications.services import notify
from musaned.offices import permissions
from musaned.offices.errors import OfficeErrorCode as Code
from musaned.offices.errors import office_error
from musaned.offices.models import (
    InvitationState,
    Office,
    OfficeInvitation,
    OfficeMembership,
    OfficeRole,
    OfficeState,
)
from musaned.offices.workflow import Bilingual, Dual, is_manager, is_member

INVITED = _(
    "%(office)s invites you to work for it on Musaned as %(role)s. Sign in and accept the "
    "invitation by %(date)s."
)
ACCEPTED = _("%(person)s accepted the invitation to work for %(office)s as %(role)s.")
REMOVED = _("You no longer work for %(office)s on Musaned.")
SUBJECT = _("Musaned: recruitment office %(office)s")


def _refuse_if_closed(office: Office) -> None:
    if office.state == OfficeState.WITHDRAWN:
        raise office_error(Code.OFFICE_CLOSED)


def invite(
    *, office: Office, role: OfficeRole, national_id: str, by: User, mobile: str = ""
) -> OfficeInvitation:
    """Invite the person with ``national_id`` (already checked, ASCII digits) to work for
    ``office`` as ``role``; a pending invitation of the same person to the same office is
    replaced. Called inside the caller's transaction, with the office locked. Raises
    ``OfficeError`` (``id_invalid``) for a number that is not a person's ID."""
    if parse_national_id(national_id) != national_id:
        raise office_error(Code.ID_INVALID, field="national_id")
    now = timezone.now()
    replaced = OfficeInvitation.objects.filter(
        office=office, national_id=national_id, state=InvitationState.PENDING
    )
    replaced.update(state=InvitationState.REVOKED, answered_at=now, updated_at=now)
    invitation = OfficeInvitation.objects.create(
        office=office,
        role=role,
        national_id=national_id,
        mobile=mobile,
        invited_by=by,
        expires_at=now + dt.timedelta(days=settings.MUSANED_OFFICE_INVITATION_DAYS),
    )
    audit(
        "office.invited",
        actor=by,
        target=office,
        invitation=str(invitation.uid),
        role=role,
        national_id=mask_id(national_id),
    )
    invitee = User.objects.filter(national_id=national_id, is_active=True).first()
    if invitee is not None:
        values = {
            "office": Bilingual(office),
            "role": OfficeRole(role).label,
            "date": Dual(timezone.localdate(invitation.expires_at)),
        }
        notify(
            user=invitee,
            subject=Formatted(SUBJECT, values),
            body=Formatted(INVITED, values),
            key=f"office-invitation-{invitation.uid.hex}",
        )
    return invitation


def office_invite_manager(*, actor: User, office: Office, national_id: str) -> OfficeInvitation:
    """A licensing officer names the office's (new) manager. When the invitee accepts,
    the present manager's membership ends. Raises ``OfficeError``: ``not_allowed`` (403),
    ``office_closed`` (409)."""
    if not permissions.holds(actor, permissions.REGISTER):
        raise office_error(Code.NOT_ALLOWED)
    with transaction.atomic():
        office = locks.lock(office)
        _refuse_if_closed(office)
        return invite(office=office, role=OfficeRole.MANAGER, national_id=national_id, by=actor)


def office_invite_employee(
    *, actor: User, office: Office, national_id: str, mobile: str
) -> OfficeInvitation:
    """The manager invites an employee by ID number and mobile (E.164). Raises
    ``OfficeError``: not of this office (404), not its manager (403 ``managers_only``),
    ``office_closed``, ``already_here`` (409)."""
    with transaction.atomic():
        office = locks.lock(office)
        if not is_member(office, actor):
            raise office_error(Code.NOT_FOUND)
        if not is_manager(office, actor):
            raise office_error(Code.MANAGERS_ONLY)
        _refuse_if_closed(office)
        if OfficeMembership.objects.filter(
            office=office, user__national_id=national_id, ended_at__isnull=True
        ).exists():
            raise office_error(Code.ALREADY_HERE, field="national_id")
        return invite(
            office=office,
            role=OfficeRole.EMPLOYEE,
            national_id=national_id,
            mobile=mobile,
            by=actor,
        )


def _locked_invitation_for(actor: User, invitation: OfficeInvitation) -> OfficeInvitation:
    """The invitation, locked with its office after the person (the lock order), if it
    is addressed to ``actor`` and still pending; otherwise the same 404 as no invitation."""
    # ``actor`` may be the request's lazy user: lock its row by primary key.
    locks.lock_pk(User, actor.pk)
    locks.lock_pk(Office, invitation.office_id)
    fresh = locks.lock(invitation)
    if (
        not actor.national_id
        or fresh.national_id != actor.national_id
        or fresh.state != InvitationState.PENDING
    ):
        raise office_error(Code.NOT_FOUND)
    if not fresh.is_open():
        raise office_error(Code.INVITATION_EXPIRED)
    return fresh


def invitation_accept(*, actor: User, invitation: OfficeInvitation) -> OfficeMembership:
    """The invitee, signed in, accepts: they work for the office from now on. A manager's
    invitation ends the present manager's membership (and the invitee's own employee
    membership of the same office). Raises ``OfficeError``: not addressed to ``actor`` or
    no longer pending (404), ``invitation_expired``, ``mobile_mismatch`` (an employee's
    invitation names another mobile than the account's), ``already_member`` (working for
    another office), ``already_here``, ``office_closed`` (409)."""
    with transaction.atomic():
        invitation = _locked_invitation_for(actor, invitation)
        office = invitation.office
        _refuse_if_closed(office)
        if invitation.mobile and invitation.mobile != actor.mobile:
            raise office_error(Code.MOBILE_MISMATCH)
        now = timezone.now()
        current = OfficeMembership.objects.filter(user=actor, ended_at__isnull=True).first()
        if current is not None and current.office_id != office.pk:
            raise office_error(Code.ALREADY_MEMBER)
        if current is not None and (
            current.role == invitation.role or invitation.role == OfficeRole.EMPLOYEE
        ):
            raise office_error(Code.ALREADY_HERE)
        if invitation.role == OfficeRole.MANAGER:
            previous = OfficeMembership.objects.filter(
                office=office, role=OfficeRole.MANAGER, ended_at__isnull=True
            ).first()
            for ending in (previous, current):
                if ending is not None:
                    ending.ended_at, ending.ended_by = now, invitation.invited_by
                    ending.save(update_fields=["ended_at", "ended_by", "updated_at"])
            if previous is not None:
                audit(
                    "office.manager_replaced",
                    actor=actor,
                    target=office,
                    membership=str(previous.uid),
                )
        membership = OfficeMembership.objects.create(
            office=office, user=actor, role=invitation.role
        )
        invitation.state, invitation.answered_at, invitation.answered_by = (
            InvitationState.ACCEPTED,
            now,
            actor,
        )
        invitation.save(update_fields=["state", "answered_at", "answered_by", "updated_at"])
        audit(
            "office.invitation_accepted",
            actor=actor,
            target=office,
            invitation=str(invitation.uid),
            role=invitation.role,
        )
        values = {
            "person": actor.get_full_name() or actor.username,
            "office": Bilingual(office),
            "role": OfficeRole(invitation.role).label,
        }
        notify(
            user=invitation.invited_by,
            subject=Formatted(SUBJECT, values),
            body=Formatted(ACCEPTED, values),
            key=f"office-invitation-accepted-{invitation.uid.hex}",
        )
    return membership


def invitation_decline(*, actor: User, invitation: OfficeInvitation) -> OfficeInvitation:
    """The invitee declines. Raises ``OfficeError`` (404 when not theirs or answered)."""
    with transaction.atomic():
        invitation = _locked_invitation_for(actor, invitation)
        invitation.state, invitation.answered_at, invitation.answered_by = (
            InvitationState.DECLINED,
            timezone.now(),
            actor,
        )
        invitation.save(update_fields=["state", "answered_at", "answered_by", "updated_at"])
        audit(
            "office.invitation_declined",
            actor=actor,
            target=invitation.office,
            invitation=str(invitation.uid),
        )
    return invitation


def invitation_revoke(*, actor: User, invitation: OfficeInvitation) -> OfficeInvitation:
    """Take back a pending invitation: the manager an employee's, a licensing officer a
    manager's. Raises ``OfficeError``: 404 (not theirs to take back, or answered)."""
    with transaction.atomic():
        locks.lock(invitation.office)
        invitation = locks.lock(invitation)
        office = invitation.office
        allowed = (
            permissions.holds(actor, permissions.REGISTER)
            if invitation.role == OfficeRole.MANAGER
            else is_manager(office, actor)
        )
        if not allowed or invitation.state != InvitationState.PENDING:
            raise office_error(Code.NOT_FOUND)
        invitation.state, invitation.answered_at = InvitationState.REVOKED, timezone.now()
        invitation.save(update_fields=["state", "answered_at", "updated_at"])
        audit(
            "office.invitation_revoked",
            actor=actor,
            target=office,
            invitation=str(invitation.uid),
        )
    return invitation


def membership_end(*, actor: User, membership: OfficeMembership) -> OfficeMembership:
    """The manager removes an employee (the manager is replaced only by the licensing
    officer naming another). Raises ``OfficeError``: not the actor's office (404), not its
    manager (403), ``not_an_employee`` (409). Side effects: ``office.member_removed``;
    the person is told."""
    with transaction.atomic():
        office = locks.lock(membership.office)
        membership = locks.lock(membership)
        if not is_member(office, actor) or membership.ended_at is not None:
            raise office_error(Code.NOT_FOUND)
        if not is_manager(office, actor):
            raise office_error(Code.MANAGERS_ONLY)
        if membership.role != OfficeRole.EMPLOYEE:
            raise office_error(Code.NOT_AN_EMPLOYEE)
        membership.ended_at, membership.ended_by = timezone.now(), actor
        membership.save(update_fields=["ended_at", "ended_by", "updated_at"])
        audit(
            "office.member_removed",
            actor=actor,
            target=office,
            membership=str(membership.uid),
        )
        values = {"office": Bilingual(office)}
        notify(
            user=membership.user,
            subject=Formatted(SUBJECT, values),
            body=Formatted(REMOVED, values),
            key=f"office-member-removed-{membership.uid.hex}",
        )
    return membership
