"""Office fixtures: the catalogues, ceilings and roles from their data migrations, a
licensing officer, and offices made through the real services (their manager accepted)."""

import datetime as dt
import importlib
import time
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from musaned.accounts.models import User
from musaned.accounts.tests.factories import PASSWORD, BeneficiaryFactory
from musaned.offices import services
from musaned.offices.models import City, Office
from musaned.offices.selectors import invitations_for
from musaned.visas.models import Nationality, Occupation


@pytest.fixture(autouse=True)
def office_data(db):
    """The visas' catalogues, then the offices' cities, ceilings, VAT and staff role (a
    transactional test flushes what the migrations loaded)."""
    importlib.import_module("musaned.visas.migrations.0002_catalogues").load(apps, None)
    importlib.import_module("musaned.offices.migrations.0002_catalogues").load(apps, None)
    importlib.import_module("musaned.offices.migrations.0003_staff_roles").load(apps, None)


def staff_member(username: str, role: str | None = "licensing officer") -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        first_name="Khalid",
        last_name=f"Alzahrani-{username}",
        is_staff=True,
        mobile="+966500000090",
        activated_at=timezone.now(),
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return User.objects.get(pk=user.pk)  # fresh: no cached permissions


@pytest.fixture
def officer(db):
    return staff_member("licensing")


@pytest.fixture
def manager(registry):
    return BeneficiaryFactory(person="1000000040", username="abdullah")  # mobile +966500000005


@pytest.fixture
def employee(registry):
    return BeneficiaryFactory(person="2000000006", username="ahmed")  # mobile +966500000006


@pytest.fixture
def other_manager(registry):
    return BeneficiaryFactory(person="1000000024", username="fahad")


@pytest.fixture
def beneficiary(registry):
    return BeneficiaryFactory(person="1000000008", username="mohammed")


def client_for(user, *, second_factor: bool = True) -> Client:
    client = Client()
    client.force_login(user)
    if second_factor:
        session = client.session
        session["signed_in_at"] = int(time.time())
        session.save()
    return client


_numbers = iter(range(1, 10_000))


def register_office(
    officer,
    *,
    manager=None,
    name="Al Noor Recruitment",
    city="riyadh",
    nationalities=("PHL", "KEN", "UGA", "ETH"),
    occupations=("housemaid", "private-driver", "cook"),
    licence_days=365,
    **overrides,
) -> Office:
    """An office registered by ``officer``; ``manager`` (a beneficiary) accepted."""
    n = next(_numbers)
    fields = {
        "name_ar": f"مكتب {n}",
        "name_en": f"{name} {n}",
        "licence_number": f"L-{n:05d}",
        "licence_expires_on": timezone.localdate() + dt.timedelta(days=licence_days),
        "cr_number": f"{1010000000 + n}",
        "city": City.objects.get(code=city),
        "address": f"{n} King Fahd Road",
        "phone": "+966112345678",
        "email": f"office{n}@example.com",
        "nationalities": Nationality.objects.filter(code__in=nationalities),
        "occupations": Occupation.objects.filter(code__in=occupations),
        "bank_guarantee": Decimal("100000"),
        "manager_national_id": manager.national_id if manager else "1000000032",
    }
    office = services.office_register(actor=officer, **(fields | overrides))
    if manager is not None:
        invitation = invitations_for(actor=manager).get(office=office)
        services.invitation_accept(actor=manager, invitation=invitation)
    return Office.objects.get(pk=office.pk)


def hire(office, manager, person):
    """``manager`` invites ``person`` as an employee and they accept."""
    invitation = services.office_invite_employee(
        actor=manager, office=office, national_id=person.national_id, mobile=person.mobile
    )
    return services.invitation_accept(actor=person, invitation=invitation)


@pytest.fixture
def office(officer, manager):
    return register_office(officer, manager=manager)


def price(office, actor, nationality="PHL", occupation="housemaid", amount="12000", days=60):
    return services.office_price_set(
        actor=actor,
        office=office,
        nationality=Nationality.objects.get(code=nationality),
        occupation=Occupation.objects.get(code=occupation),
        amount=Decimal(amount),
        days_to_arrival=days,
    )[0]
