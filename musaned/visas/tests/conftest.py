"""Beneficiaries from the demo registry, and drafts made through the real services."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from musaned.accounts.models import User
from musaned.core.tests.documents import minimal_pdf
from musaned.identity.demo import registry_rows
from musaned.visas import services
from musaned.visas.models import ArrivalPoint, Nationality, Occupation

PDF = minimal_pdf()  # a real one-page PDF: uploads are parsed (issue 10)


def make_beneficiary(national_id: str, username: str) -> User:
    row = next(r for r in registry_rows() if r["national_id"] == national_id)
    return User.objects.create_user(
        username=username,
        password="Long-enough-passphrase-2026",
        national_id=national_id,
        id_type=row["id_type"],
        first_name=row["first_name_ar"],
        last_name=row["family_name_ar"],
        birth_date=row["birth_date"],
        email=f"{username}@example.com",
        mobile=row["mobile"] or "+966500000077",
        activated_at=timezone.now(),
    )


@pytest.fixture(autouse=True)
def catalogues(db):
    """The data migration's catalogues and rule sets (a transactional test flushes them)."""
    import importlib

    from django.apps import apps

    importlib.import_module("musaned.visas.migrations.0002_catalogues").load(apps, None)


@pytest.fixture
def citizen(registry):
    return make_beneficiary("1000000008", "mohammed")


@pytest.fixture
def resident(registry):
    return make_beneficiary("2000000006", "ahmed")


@pytest.fixture
def violator(registry):
    return make_beneficiary("1000000024", "fahad")


@pytest.fixture
def exempt(registry):
    return make_beneficiary("1000000016", "noura")


def pdf_upload(name="proof.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def complete_draft(owner, *, occupation="housemaid", nationality="PHL", gender="F", **overrides):
    """A draft with everything filled in, made through the services."""
    application = services.visa_application_create(owner=owner)
    occupation_row = Occupation.objects.get(code=occupation)
    fields = {
        "occupation": occupation_row,
        "nationality": Nationality.objects.get(code=nationality),
        "worker_gender": gender,
        "arrival_point": ArrivalPoint.objects.get(code="RUH"),
        "proof_type": "bank",
        "bank_balance": Decimal("50000"),
        "proof_document": pdf_upload(),
        "proof_document_type": "application/pdf",
        "declaration": True,
    }
    if occupation_row.needs_document:
        fields["occupation_document"] = pdf_upload("report.pdf")
        fields["occupation_document_type"] = "application/pdf"
    fields.update(overrides)
    return services.visa_application_update(application=application, actor=owner, **fields)


@pytest.fixture
def today():
    return dt.date(2026, 11, 25)
