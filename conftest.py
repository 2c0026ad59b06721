"""Fixtures shared by every test: a clean SMS outbox and cache, the demo registry, the data
migrations' reference rows, the people most tests act as, and signed-in clients (a web
session, an API token).

The people are made by ``musaned/accounts/tests/factories.py`` (anyone else a test needs
is made there too): beneficiaries are the demo registry's people (their rules read the
registry, so they bring the ``registry`` fixture), staff are in the roles of the data
migration. An app's own ``tests/conftest.py`` keeps only what is particular to the app.
"""

import importlib
import re
import time

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.test import Client

from musaned.notifications import sms

# --- every test ----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _clean_outbox_and_cache():
    sms.outbox.clear()
    cache.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def last_sms_code():
    """The six-digit code in the newest SMS sent to a number."""

    def read(to: str) -> str:
        for message in reversed(sms.outbox):
            if message.to == to:
                return re.search(r"\b([0-9]{6})\b", message.body).group(1)
        raise AssertionError(f"no SMS was sent to {to}")

    return read


@pytest.fixture
def postgresql():
    """Skips the test off PostgreSQL: what it shows needs real row locks (SQLite ignores
    ``select_for_update``)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")


# --- reference data ----------------------------------------------------------------------
# The rows the data migrations make. A transactional test flushes them, so a test that
# needs them asks for them (an app's conftest may make that automatic); loading twice
# changes nothing.


def _load(migration: str) -> None:
    importlib.import_module(migration).load(apps, None)


@pytest.fixture
def registry(db):
    """The demo people (musaned/identity/demo.py) in the local registry."""
    from musaned.identity.demo import registry_rows
    from musaned.identity.models import RegistryPerson

    for row in registry_rows():
        RegistryPerson.objects.create(**row)
    return RegistryPerson.objects.all()


@pytest.fixture
def catalogues(db):
    """Occupations, nationalities, arrival points and the rule sets."""
    _load("musaned.visas.migrations.0002_catalogues")


@pytest.fixture
def service_level(db):
    """The complaints' service level (first answer, resolution, reopening)."""
    _load("musaned.complaints.migrations.0002_service_level")


@pytest.fixture
def staff_roles(db):
    """The staff roles (reviewer, complaints officer, supervisor) with their permissions."""
    _load("musaned.complaints.migrations.0003_staff_roles")


@pytest.fixture
def office_catalogues(catalogues):
    """The offices' cities, price ceilings and VAT rates, and the licensing officer role."""
    _load("musaned.offices.migrations.0002_catalogues")
    _load("musaned.offices.migrations.0003_staff_roles")


@pytest.fixture
def recruitment_office(office_catalogues, abdullah):
    """A recruitment office in the register (Riyadh; the Philippines, Kenya, Uganda and
    Ethiopia; housemaids, drivers and cooks), with ``abdullah`` its manager."""
    from musaned.offices.tests.conftest import register_office, staff_member

    return register_office(staff_member("licensing"), manager=abdullah)


# --- people ------------------------------------------------------------------------------


@pytest.fixture
def abdullah(db):
    """Abdullah, whose account is open and activated (as seed_demo makes it)."""
    from musaned.accounts.tests.factories import BeneficiaryFactory

    return BeneficiaryFactory()


def _beneficiary(national_id: str):
    from musaned.accounts.tests.factories import BeneficiaryFactory

    return BeneficiaryFactory(person=national_id)


@pytest.fixture
def citizen(registry):
    """Mohammed: a citizen every rule lets apply (and pay the fee)."""
    return _beneficiary("1000000008")


@pytest.fixture
def exempt(registry):
    """Noura: a citizen exempt from the fee (a submitted request is decided at once)."""
    return _beneficiary("1000000016")


@pytest.fixture
def violator(registry):
    """Fahad: a citizen with unpaid traffic violations."""
    return _beneficiary("1000000024")


@pytest.fixture
def resident(registry):
    """Ahmed: a resident (Egyptian)."""
    return _beneficiary("2000000006")


def _staff(username: str, role: str, **fields):
    from musaned.accounts.tests.factories import StaffFactory

    return StaffFactory(username=username, roles=[role], **fields)


@pytest.fixture
def officer(staff_roles):
    return _staff("officer", "complaints officer", first_name="Salem", mobile="+966500000099")


@pytest.fixture
def other_officer(staff_roles):
    return _staff("officer2", "complaints officer", first_name="Huda")


@pytest.fixture
def reviewer(staff_roles):
    return _staff("reviewer", "reviewer")


@pytest.fixture
def supervisor(staff_roles):
    return _staff("supervisor", "supervisor", first_name="Majed")


# --- clients -----------------------------------------------------------------------------


@pytest.fixture
def signed_in():
    """A web client signed in as a user: ``signed_in(user)``, with the sign-in code checked
    as a real sign-in leaves the session (the back office asks for it) unless
    ``second_factor=False``; other keywords go to ``Client``."""

    def open_(user, *, second_factor: bool = True, **client_options) -> Client:
        client = Client(**client_options)
        client.force_login(user)
        if second_factor:
            session = client.session
            session["signed_in_at"] = int(time.time())  # the absolute timeout counts from it
            session.save()
        return client

    return open_


@pytest.fixture
def token_for():
    """A new API token of a user: ``token_for(user)`` (the raw key)."""
    from musaned.api.services import api_token_create

    def make(user, name: str = "tests") -> str:
        return api_token_create(user=user, name=name)[1]

    return make


class Api:
    """A client that speaks JSON to /api/v1 with a token (or none), in a language."""

    def __init__(self, token: str | None = None, language: str = "en"):
        self.client = Client()
        self.headers = {"HTTP_ACCEPT_LANGUAGE": language}
        if token:
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"

    def get(self, path, **extra):
        return self.client.get(f"/api/v1{path}", **self.headers, **extra)

    def post(self, path, data=None, key: str | None = None, **extra):
        headers = dict(self.headers)
        if key is not None:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        return self.client.post(
            f"/api/v1{path}", data=data or {}, content_type="application/json", **headers, **extra
        )


@pytest.fixture
def api():
    """``api(token_for(user), language="ar")``: an ``Api`` client; ``api()`` has no token."""
    return Api
