"""Recruitment fixtures: the catalogues, ceilings, VAT, staff roles and contract terms from
their data migrations (a transactional test flushes them), the people the journey's tests
act as, and an office recruiting Filipino housemaids at a listed price."""

import importlib

import pytest
from django.apps import apps

from musaned.accounts.tests.factories import BeneficiaryFactory, StaffFactory
from musaned.recruitment.tests.factories import register_office


def _load(migration: str) -> None:
    importlib.import_module(migration).load(apps, None)


@pytest.fixture(autouse=True)
def recruitment_data(db):
    _load("musaned.visas.migrations.0002_catalogues")
    _load("musaned.offices.migrations.0002_catalogues")
    _load("musaned.offices.migrations.0003_staff_roles")
    _load("musaned.recruitment.migrations.0002_terms")


@pytest.fixture
def licensing(recruitment_data):
    return StaffFactory(username="licensing", roles=["licensing officer"])


@pytest.fixture
def mohammed(citizen):
    """The beneficiary: a citizen every visa rule lets recruit (mobile +966500000001)."""
    return citizen


@pytest.fixture
def sarah(registry):
    """Another beneficiary (a citizen the rules let recruit)."""
    return BeneficiaryFactory(person="1000000032", username="sarah", mobile="+966500000004")


@pytest.fixture
def manager(registry):
    """The office's manager (Abdullah)."""
    return BeneficiaryFactory(person="1000000040", username="abdullah")


@pytest.fixture
def employee(registry):
    """An employee of the office (Ahmed)."""
    return BeneficiaryFactory(person="2000000006", username="ahmed")


@pytest.fixture
def other_manager(registry):
    """The manager of another office (John)."""
    return BeneficiaryFactory(person="2000000022", username="john")


@pytest.fixture
def office(licensing, manager, employee):
    return register_office(licensing, manager=manager, employees=[employee])


@pytest.fixture
def other_office(licensing, other_manager):
    return register_office(licensing, manager=other_manager, name="Al Amal Recruitment")
