"""The journey in the admin: the terms in force are read-only (a new version takes effect
on a later date); requests, offers, contracts and the ledger are read-only."""

import pytest

from musaned.accounts.tests.factories import StaffFactory
from musaned.recruitment.models import ContractTerms
from musaned.recruitment.tests.factories import paid_contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_root(client):
    client.force_login(StaffFactory(username="root", is_superuser=True))
    return client


def test_the_terms_in_force_are_read_only_and_the_journey_cannot_be_edited_by_hand(
    as_root, mohammed, manager, office
):
    contract = paid_contract(mohammed, manager, office)
    terms = ContractTerms.objects.get(version="2026.1")
    page = as_root.get(f"/en/admin/recruitment/contractterms/{terms.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert (
        as_root.post(f"/en/admin/recruitment/contractterms/{terms.pk}/delete/").status_code == 403
    )
    shown = as_root.get(f"/en/admin/recruitment/contract/{contract.pk}/change/")
    assert shown.status_code == 200 and contract.number.encode() in shown.content
    for model in ("contract", "ledgerentry", "offer", "recruitmentrequest"):
        assert as_root.get(f"/en/admin/recruitment/{model}/").status_code == 200
        assert as_root.get(f"/en/admin/recruitment/{model}/add/").status_code == 403
