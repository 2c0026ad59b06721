"""Complaint fixtures: the service level from its data migration, people, a filed complaint."""

import importlib
import time

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client

from musaned.complaints import services
from musaned.core.tests.documents import minimal_pdf
from musaned.visas.tests.conftest import make_beneficiary

PDF = minimal_pdf()  # a real one-page PDF: uploads are parsed (issue 10)


@pytest.fixture(autouse=True)
def service_level(db):
    importlib.import_module("musaned.complaints.migrations.0002_service_level").load(apps, None)
    importlib.import_module("musaned.complaints.migrations.0003_staff_roles").load(apps, None)


@pytest.fixture
def citizen(registry):
    return make_beneficiary("1000000008", "mohammed")


@pytest.fixture
def other_citizen(registry):
    return make_beneficiary("1000000016", "noura")


def staff_member(django_user_model, username: str, role: str):
    user = django_user_model.objects.create_user(
        username=username, password="x", is_staff=True, mobile="+966500000099"
    )
    user.groups.add(Group.objects.get(name=role))
    return django_user_model.objects.get(pk=user.pk)


@pytest.fixture
def officer(django_user_model):
    return staff_member(django_user_model, "officer", "complaints officer")


def client_for(user, *, second_factor: bool = True) -> Client:
    client = Client()
    client.force_login(user)
    if second_factor:
        session = client.session
        session["signed_in_at"] = int(time.time())
        session.save()
    return client


def file_complaint(owner, **overrides):
    fields = {
        "owner": owner,
        "category": "office",
        "subject": "The office does not answer",
        "description": "Since two weeks.",
        "contact_preference": "sms",
    }
    return services.complaint_submit(**(fields | overrides))
