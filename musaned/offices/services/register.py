"""The register: a licensing officer adds an office; every later change of its state is a
step of its workflow (``office_act``); the daily job expires lapsed licences and ends
suspensions whose last day has passed (``offices_expire``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from musaned.accounts.models import User
from musaned.core.audit import audit
from musaned.core.errors import InvalidTransition
from musaned.core.workflow import transition
from musaned.offices import permissions
from musaned.offices.errors import OfficeErrorCode as Code
from musaned.offices.errors import office_error
from musaned.offices.models import City, Office, OfficeRole, OfficeState
from musaned.offices.services.members import invite
from musaned.offices.workflow import Action
from musaned.visas.models import Nationality, Occupation


def office_register(
    *,
    actor: User,
    name_ar: str,
    name_en: str,
    licence_number: str,
    licence_expires_on: dt.date,
    cr_number: str,
    city: City,
    address: str,
    phone: str,
    email: str,
    nationalities: Iterable[Nationality],
    occupations: Iterable[Occupation],
    bank_guarantee: Decimal,
    manager_national_id: str,
) -> Office:
    """Add a licensed office to the register, active, and invite its manager (by ID
    number: the person accepts after signing in). Raises ``OfficeError``: not a
    licensing officer (403 ``not_allowed``), a licence already past
    (``licence_date_not_future``), a licence or registration number another office has
    (``licence_number_taken``, ``cr_number_taken``; each names its field). Side effects:
    ``office.registered`` and ``office.invited`` audit rows; the manager is told if they
    have an account."""
    if not permissions.holds(actor, permissions.REGISTER):
        raise office_error(Code.NOT_ALLOWED)
    if licence_expires_on <= timezone.localdate():
        raise office_error(Code.LICENCE_DATE_NOT_FUTURE, field="licence_expires_on")
    with transaction.atomic():
        _check_numbers_free(licence_number=licence_number, cr_number=cr_number)
        try:
            with transaction.atomic():
                office = Office.objects.create(
                    name_ar=name_ar,
                    name_en=name_en,
                    licence_number=licence_number,
                    licence_expires_on=licence_expires_on,
                    cr_number=cr_number,
                    city=city,
                    address=address,
                    phone=phone,
                    email=email,
                    bank_guarantee=bank_guarantee,
                    state=OfficeState.ACTIVE,
                    registered_by=actor,
                )
        except IntegrityError:
            # Another officer registered the same numbers a moment ago: say which.
            _check_numbers_free(licence_number=licence_number, cr_number=cr_number)
            raise
        office.nationalities.set(list(nationalities))
        office.occupations.set(list(occupations))
        audit(
            "office.registered",
            actor=actor,
            target=office,
            licence_number=licence_number,
            city=city.code,
            licence_expires_on=licence_expires_on.isoformat(),
        )
        invite(office=office, role=OfficeRole.MANAGER, national_id=manager_national_id, by=actor)
    return office


def _check_numbers_free(*, licence_number: str, cr_number: str) -> None:
    if Office.objects.filter(licence_number=licence_number).exists():
        raise office_error(Code.LICENCE_NUMBER_TAKEN, field="licence_number")
    if Office.objects.filter(cr_number=cr_number).exists():
        raise office_error(Code.CR_NUMBER_TAKEN, field="cr_number")


def office_act(
    *, office: Office, action: str, actor: User | None, reason: str = "", **payload: Any
) -> Office:
    """Take one step of the office workflow (``workflow.ROWS``): renew, warn, penalise,
    suspend, extend the suspension, reinstate, withdraw, or the manager's profile edit.
    Returns the office in its new state. Raises ``InvalidTransition`` (409) for a step
    not in the table or not this actor's, and the step's own ``OfficeError`` (a date,
    points, a missing reason); nothing is written then. Side effects: the audit row, the
    decision's ``OfficeSanction`` row, the notices to the office (and, on a suspension or
    withdrawal, to beneficiaries with a contract in progress)."""
    return transition(obj=office, action=action, actor=actor, reason=reason, **payload)


def offices_expire() -> dict[str, int]:
    """The daily job (``manage.py expire_office_licences``): an active office whose
    licence's last day has passed expires; a suspended office whose suspension's last day
    has passed is active again, or expired if its licence lapsed meanwhile. Safe to run
    twice, and beside another run: each office is locked and checked again, and a step
    another run took is passed over. Returns how many offices took each step."""
    today = timezone.localdate()
    done = {Action.EXPIRE.value: 0, Action.END_SUSPENSION.value: 0}
    lapsed = Office.objects.filter(state=OfficeState.ACTIVE, licence_expires_on__lt=today)
    ended = Office.objects.filter(state=OfficeState.SUSPENDED, suspended_until__lt=today)
    for office in [*lapsed.order_by("pk"), *ended.order_by("pk")]:
        if office.state == OfficeState.SUSPENDED and office.licence_valid_on(today):
            action = Action.END_SUSPENSION
        else:
            action = Action.EXPIRE
        try:
            transition(obj=office, action=action, actor=None)
        except InvalidTransition:
            continue  # another run moved it first
        done[action.value] += 1
    return done
