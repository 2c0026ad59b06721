"""Back-office fixtures: the data migrations' rows, staff in each role signed in with the
second factor, beneficiaries, complaints and a visa in quality check (all made through
the real services)."""

import importlib
import time
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from musaned.complaints.tests.conftest import file_complaint
from musaned.core.tests.documents import minimal_pdf
from musaned.visas import services as visa_services
from musaned.visas.tests.conftest import complete_draft, make_beneficiary

PDF = minimal_pdf()  # a real one-page PDF: uploads are parsed (issue 10)


@pytest.fixture(autouse=True)
def reference_data(db):
    """Service level, staff roles and visa catalogues (a transactional test flushes them)."""
    for module in (
        "musaned.visas.migrations.0002_catalogues",
        "musaned.complaints.migrations.0002_service_level",
        "musaned.complaints.migrations.0003_staff_roles",
    ):
        importlib.import_module(module).load(apps, None)


def make_staff(django_user_model, username: str, *roles: str, first_name: str = ""):
    user = django_user_model.objects.create_user(
        username=username, password="x", is_staff=True, first_name=first_name
    )
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    return django_user_model.objects.get(pk=user.pk)  # no stale permission cache


def signed_in(user, *, second_factor: bool = True) -> Client:
    """A client signed in as ``user``; with the sign-in code checked unless told otherwise."""
    client = Client()
    client.force_login(user)
    if second_factor:
        session = client.session
        session["signed_in_at"] = int(time.time())
        session.save()
    return client


@pytest.fixture
def officer(django_user_model):
    return make_staff(django_user_model, "officer", "complaints officer", first_name="Salem")


@pytest.fixture
def other_officer(django_user_model):
    return make_staff(django_user_model, "officer2", "complaints officer", first_name="Huda")


@pytest.fixture
def reviewer(django_user_model):
    return make_staff(django_user_model, "reviewer", "reviewer")


@pytest.fixture
def supervisor(django_user_model):
    return make_staff(django_user_model, "supervisor", "supervisor", first_name="Majed")


@pytest.fixture
def citizen(registry):
    return make_beneficiary("1000000008", "mohammed")


@pytest.fixture
def exempt(registry):
    """Fee exempt: a submitted home-nurse request goes straight to quality check."""
    return make_beneficiary("1000000016", "noura")


def pdf_upload(name: str = "contract.pdf") -> SimpleUploadedFile:
    upload = SimpleUploadedFile(name, PDF, content_type="application/pdf")
    upload.sniffed_type = "application/pdf"  # what the upload field's content check sets
    return upload


@pytest.fixture
def complaint(citizen):
    return file_complaint(citizen, files=[pdf_upload()])


def in_quality_check(owner):
    """A fee-exempt owner's home-nurse request, submitted: it waits in quality check.
    (Up to three per citizen: the capacity tiers allow three visas.)"""
    application = complete_draft(owner, occupation="home-nurse", bank_balance=Decimal("500000"))
    return visa_services.visa_application_submit(application=application, actor=owner)


@pytest.fixture
def in_review(exempt):
    application = in_quality_check(exempt)
    assert application.state == "in_review"
    return application
