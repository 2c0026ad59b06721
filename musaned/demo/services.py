"""The demo platform's one write: the demo people, a ready beneficiary account, a staff
user and one account per staff role, the recruitment offices with their people, prices
and the ministry's decisions, and the complaints about them (``manage.py seed_demo``).
Safe to run again: what exists is kept as it is."""

import datetime as dt
import importlib
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from musaned.accounts.models import User
from musaned.complaints.models import Complaint
from musaned.complaints.services import complaint_submit
from musaned.core.audit import audit
from musaned.core.workflow import transition
from musaned.demo.offices import DEMO_COMPLAINTS, DEMO_OFFICES, MESSAGES
from musaned.identity.demo import (
    DEMO_ACCOUNT,
    DEMO_COMPLAINANTS,
    DEMO_OFFICE_MANAGERS,
    DEMO_OFFICE_USERS,
    DEMO_ROLES,
    DEMO_STAFF,
    registry_rows,
)
from musaned.identity.models import RegistryPerson
from musaned.identity.services import registry_person_save
from musaned.offices import services as offices
from musaned.offices.models import City, Office, OfficeMembership, OfficeRole
from musaned.offices.selectors import invitations_for
from musaned.offices.workflow import Action as OfficeAction
from musaned.visas.models import Nationality, Occupation

# The data migrations whose rows the demo needs (a flushed test database lost them).
REFERENCE_DATA = (
    "musaned.visas.migrations.0002_catalogues",
    "musaned.complaints.migrations.0002_service_level",
    "musaned.complaints.migrations.0003_staff_roles",
    "musaned.offices.migrations.0002_catalogues",
    "musaned.offices.migrations.0003_staff_roles",
)


def _account(password: str | None, *, key: dict[str, str], **defaults: object) -> tuple[User, bool]:
    """The account ``key`` names, made with ``defaults`` and ``password`` (``None``: an
    account nobody signs in to) if it is new."""
    user, created = User.objects.get_or_create(**key, defaults=defaults)
    if created:
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save(update_fields=["password"])
    return user, created


def _beneficiary(national_id: str, username: str, password: str | None) -> User:
    """The open, activated account of the demo registry person ``national_id``; a new one
    is audited as registered (``seeded``)."""
    person = RegistryPerson.objects.get(national_id=national_id)
    account, created = _account(
        password,
        key={"national_id": person.national_id},
        username=username,
        id_type=person.id_type,
        first_name=person.first_name_ar,
        last_name=person.family_name_ar,
        birth_date=person.birth_date,
        email=f"{username}@example.com",
        mobile=person.mobile,
        activated_at=timezone.now(),
        privacy_notice_version="demo",
        privacy_consent_at=timezone.now(),
    )
    if created:
        audit("account.registered", actor=account, target=account, seeded=True)
    return account


def demo_seed() -> User:
    """Load the demo data in one transaction (the platform acts: no actor). The
    catalogues, roles, ceilings and the service level come from data migrations; they
    are put back if a test (or an operator) flushed the database since. New accounts are
    audited as registered (``seeded``). The offices and the complaints about them go
    through their apps' services, the licensing officer acting (``demo_offices``,
    ``demo_office_complaints``). Returns the ready account."""
    with transaction.atomic():
        for migration in REFERENCE_DATA:
            importlib.import_module(migration).load(apps, None)
        for row in registry_rows():
            registry_person_save(fields=row)
        account = _beneficiary(
            DEMO_ACCOUNT["national_id"], DEMO_ACCOUNT["username"], DEMO_ACCOUNT["password"]
        )
        _account(
            DEMO_STAFF["password"],
            key={"username": DEMO_STAFF["username"]},
            first_name="Staff",
            last_name="Demo",
            email="staff@example.com",
            is_staff=True,
            is_superuser=True,
            mobile="+966500000099",
            activated_at=timezone.now(),
        )
        for number, role in enumerate(DEMO_ROLES, start=1):
            member, created = _account(
                role["password"],
                key={"username": role["username"]},
                first_name=role["username"].title(),
                last_name="Demo",
                email=f"{role['username']}@example.com",
                is_staff=True,
                mobile=f"+96650000009{number}",
                activated_at=timezone.now(),
            )
            if created:
                member.groups.add(Group.objects.get(name=role["role"]))
        for user in DEMO_OFFICE_USERS:
            _beneficiary(user["national_id"], user["username"], user["password"])
        for national_id in [*DEMO_OFFICE_MANAGERS, *DEMO_COMPLAINANTS]:
            _beneficiary(national_id, f"demo{national_id}", None)
        listed = demo_offices(officer=_staff(role="licensing officer"))
        demo_office_complaints(offices=listed, officer=_staff(role="complaints officer"))
    return account


def _staff(*, role: str) -> User:
    """The demo staff account of ``role``, read fresh (no cached permissions)."""
    username = next(r["username"] for r in DEMO_ROLES if r["role"] == role)
    return User.objects.get(username=username)


def _accept(person: User, office: Office) -> None:
    invitation = invitations_for(actor=person).get(office=office)
    offices.invitation_accept(actor=person, invitation=invitation)


def demo_offices(*, officer: User) -> dict[str, Office]:
    """The demo's offices (``musaned/demo/offices.py``), each added once by the licensing
    officer ``officer``: registered with its manager named, who accepts; its prices set
    by the manager; the ministry's decisions recorded (penalty points and a warning on
    one, a suspension on another); and the demo office's employee invited by its manager
    and accepted. An office already in the register (by licence number) is left as it
    is. Returns the offices by their key."""
    today = timezone.localdate()
    found: dict[str, Office] = {}
    for spec in DEMO_OFFICES:
        office = Office.objects.filter(licence_number=spec["licence_number"]).first()
        if office is None:
            office = _office(spec, officer=officer, today=today)
        found[spec["key"]] = office
    first = found[DEMO_OFFICES[0]["key"]]
    employee_id = next(u["national_id"] for u in DEMO_OFFICE_USERS if u["role"] == "employee")
    employee = User.objects.get(national_id=employee_id)
    if not OfficeMembership.objects.filter(user=employee).exists():
        manager = User.objects.get(national_id=DEMO_OFFICES[0]["manager"])
        offices.office_invite_employee(
            actor=manager, office=first, national_id=employee_id, mobile=employee.mobile
        )
        _accept(employee, first)
    return {key: Office.objects.get(pk=office.pk) for key, office in found.items()}


def _office(spec: dict[str, Any], *, officer: User, today: dt.date) -> Office:
    manager = User.objects.get(national_id=spec["manager"])
    office = offices.office_register(
        actor=officer,
        name_ar=spec["name_ar"],
        name_en=spec["name_en"],
        licence_number=spec["licence_number"],
        licence_expires_on=today + dt.timedelta(days=spec["licence_days"]),
        cr_number=spec["cr_number"],
        city=City.objects.get(code=spec["city"]),
        address=spec["address"],
        phone=spec["phone"],
        email=spec["email"],
        nationalities=Nationality.objects.filter(code__in=spec["nationalities"]),
        occupations=Occupation.objects.filter(code__in=spec["occupations"]),
        bank_guarantee=Decimal(spec["bank_guarantee"]),
        manager_national_id=spec["manager"],
    )
    _accept(manager, office)
    for nationality, occupation, amount, days in spec["prices"]:
        offices.office_price_set(
            actor=manager,
            office=office,
            nationality=Nationality.objects.get(code=nationality),
            occupation=Occupation.objects.get(code=occupation),
            amount=Decimal(amount),
            days_to_arrival=days,
        )
    for action, points, ground, reason in spec.get("sanctions", ()):
        payload: dict[str, Any] = {"ground": ground}
        if action == OfficeAction.PENALISE:
            payload["points"] = points
        if action == OfficeAction.SUSPEND:
            payload["until"] = today + dt.timedelta(days=spec["suspended_days"])
        office = offices.office_act(
            office=office, action=action, actor=officer, reason=reason, **payload
        )
    return office


def demo_office_complaints(*, offices: dict[str, Office], officer: User) -> list[Complaint]:
    """The complaints about the demo's offices (``musaned/demo/offices.py``), once: filed
    by their owners through the complaints service, each naming its office (so it starts
    with the office: the amicable phase), then taken through the complaint workflow's
    steps: the office's manager answers, the owner accepts the answer or asks the
    ministry, the office's window ends, the complaints officer takes and resolves it.
    Nothing is filed when any complaint already names a demo office (the ready account's
    complaint is the first of them). Returns the complaints filed."""
    if Complaint.objects.filter(office__in=offices.values()).exists():
        return []
    filed = []
    for spec in DEMO_COMPLAINTS:
        office = offices[spec["office"]]
        owner = User.objects.get(national_id=spec["owner"])
        complaint = complaint_submit(
            owner=owner,
            category="office",
            office=office,
            subject=spec["subject"],
            description=spec["description"],
            contact_preference="sms",
        )
        manager = User.objects.get(
            office_memberships__office=office,
            office_memberships__role=OfficeRole.MANAGER,
            office_memberships__ended_at__isnull=True,
        )
        actors = {"office": manager, "owner": owner, "officer": officer, "system": None}
        for action, who in spec["steps"]:
            complaint = transition(
                obj=complaint,
                action=action,
                actor=actors[who],
                message=MESSAGES.get(action, ""),
            )
        filed.append(complaint)
    return filed
