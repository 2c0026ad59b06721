"""What the back office's recruitment tests add to ``factories``: the staff roles that read
contracts (the back office's data migration), more beneficiaries, and contracts paid a
number of days ago (the provider's callback dates the payment: the clock counts from it)."""

from __future__ import annotations

import datetime as dt
import importlib

from django.apps import apps
from django.utils import timezone

from musaned.accounts.tests.factories import BeneficiaryFactory
from musaned.recruitment.models import Contract
from musaned.recruitment.tests.factories import accepted, paid, signed

READERS_MIGRATION = "musaned.backoffice.migrations.0001_recruitment_roles"


def load_contract_readers() -> None:
    """The complaints' and offices' staff roles, then the permission to read contracts."""
    for migration in (
        "musaned.complaints.migrations.0003_staff_roles",
        "musaned.offices.migrations.0003_staff_roles",
        READERS_MIGRATION,
    ):
        importlib.import_module(migration).load(apps, None)


def beneficiary(national_id: str, username: str):
    """A citizen of the demo registry every visa rule lets recruit."""
    return BeneficiaryFactory(person=national_id, username=username)


def paid_days_ago(person, manager, office, days: int) -> Contract:
    """``person``'s contract with ``office``, signed by both and paid ``days`` days ago
    (the provider's callback says when it was paid)."""
    contract = signed(person, manager, accepted(person, manager, office))
    return paid(contract, paid_at=timezone.now() - dt.timedelta(days=days))
