"""A complaint about an office can name the beneficiary's own recruitment contract with it:
on the filing form and in ``POST /complaints`` the beneficiary's contracts are offered (and
nobody else's); a contract with another office is refused; the owner's page, the office
portal's and the back office's show it, with a link where its page is routed."""

import re

import pytest
from django.urls import NoReverseMatch, reverse

from musaned.accounts.tests.factories import StaffFactory
from musaned.complaints import services
from musaned.complaints.errors import ComplaintError
from musaned.complaints.models import Complaint, ComplaintState
from musaned.recruitment.tests.backoffice_helpers import load_contract_readers
from musaned.recruitment.tests.factories import accepted, paid_contract

pytestmark = pytest.mark.django_db

NOT_A_CHOICE = "Select a valid choice. That choice is not one of the available choices."
FILED = {
    "category": "office",
    "subject": "The worker has not come",
    "description": "Paid two months ago; no date for the ticket yet.",
    "contact_preference": "sms",
}


@pytest.fixture(autouse=True)
def _data(service_level, staff_roles, recruitment_data):
    load_contract_readers()


@pytest.fixture
def contract(mohammed, manager, office):
    return paid_contract(mohammed, manager, office)


@pytest.fixture
def sarahs(sarah, other_manager, other_office):
    """Sarah's contract, with the other office."""
    return accepted(sarah, other_manager, other_office)


def routed(name: str, *args) -> str | None:
    """The URL of a page another part of the journey routes, if it is routed here."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# --- Filing on the website ---------------------------------------------------------------------


def test_the_form_offers_the_beneficiarys_own_contracts_only(contract, sarahs, mohammed, signed_in):
    html = signed_in(mohammed).get("/en/complaints/new/").content.decode()
    assert 'name="contract"' in html
    assert f'value="{contract.uid}"' in html and contract.number in html
    assert str(sarahs.uid) not in html and sarahs.number not in html


def test_without_a_contract_the_form_does_not_ask_for_one(citizen, signed_in, registry):
    html = signed_in(citizen).get("/en/complaints/new/").content.decode()
    assert 'name="contract"' not in html


def test_a_complaint_names_the_contract_and_takes_its_office(contract, mohammed, signed_in):
    client = signed_in(mohammed)
    response = client.post("/en/complaints/new/", {**FILED, "contract": str(contract.uid)})
    assert response.status_code == 302
    complaint = Complaint.objects.get(owner=mohammed)
    assert (complaint.contract, complaint.office) == (contract, contract.office)
    assert complaint.state == ComplaintState.WITH_OFFICE  # the office answers first
    html = client.get(f"/en/complaints/{complaint.number}/").content.decode()
    assert "Recruitment contract" in html and contract.number in html
    link = routed("recruitment:contract", contract.uid)
    if link is not None:  # the beneficiary's contract page
        assert f'href="{link}"' in html


def test_the_office_chosen_and_the_contract_must_agree(contract, mohammed, other_office, signed_in):
    response = signed_in(mohammed).post(
        "/en/complaints/new/",
        {**FILED, "office": str(other_office.uid), "contract": str(contract.uid)},
    )
    assert response.status_code == 200  # the form again, what was typed kept
    html = response.content.decode()
    assert "That contract is with another office" in html
    assert FILED["subject"] in html
    assert not Complaint.objects.exists()


def test_another_beneficiarys_contract_is_not_a_choice(contract, sarahs, mohammed, signed_in):
    response = signed_in(mohammed).post(
        "/en/complaints/new/", {**FILED, "contract": str(sarahs.uid)}
    )
    assert "Select a valid choice." in response.content.decode()
    assert not Complaint.objects.exists()


def test_the_contracts_page_can_start_a_complaint_about_it(contract, mohammed, signed_in):
    html = signed_in(mohammed).get(f"/en/complaints/new/?contract={contract.uid}").content.decode()
    assert re.search(rf'<option value="{contract.uid}"[^>]*selected', html)
    assert re.search(rf'<option value="{contract.office.uid}"[^>]*selected', html)
    assert re.search(r'value="office"[^>]*checked', html)


# --- The service ----------------------------------------------------------------------------


def test_the_service_refuses_another_beneficiarys_contract(contract, sarah):
    with pytest.raises(ComplaintError) as refused:
        services.complaint_submit(owner=sarah, contract=contract, **FILED)
    assert refused.value.code == "not_your_contract"


def test_the_service_refuses_a_contract_with_another_office(contract, mohammed, other_office):
    with pytest.raises(ComplaintError) as refused:
        services.complaint_submit(owner=mohammed, office=other_office, contract=contract, **FILED)
    assert refused.value.code == "contract_other_office"


def test_only_a_complaint_about_an_office_names_a_contract(contract, mohammed):
    complaint = services.complaint_submit(
        owner=mohammed, contract=contract, **{**FILED, "category": "worker"}
    )
    assert complaint.contract is None and complaint.office is None


def test_the_filing_is_audited_with_the_contract(contract, mohammed):
    from musaned.core.models import AuditEvent

    complaint = services.complaint_submit(owner=mohammed, contract=contract, **FILED)
    event = AuditEvent.objects.get(action="complaint.submitted", target_id=str(complaint.pk))
    assert event.data["contract"] == contract.number


# --- The API --------------------------------------------------------------------------------


def test_the_api_files_a_complaint_naming_a_contract(contract, mohammed, api, token_for):
    client = api(token_for(mohammed))
    response = client.post("/complaints", {**FILED, "contract": str(contract.uid)}, key="k-1")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["contract"] == {"id": str(contract.uid), "number": contract.number}
    assert body["office"]["id"] == str(contract.office.uid)
    listed = client.get("/complaints").json()
    assert listed[0]["contract"] == {"id": str(contract.uid), "number": contract.number}


def test_the_api_refuses_another_contract_and_another_office(
    contract, sarahs, mohammed, other_office, api, token_for
):
    client = api(token_for(mohammed))
    theirs = client.post("/complaints", {**FILED, "contract": str(sarahs.uid)}, key="k-2")
    assert theirs.status_code == 422
    assert theirs.json()["fields"]["contract"] == [NOT_A_CHOICE]
    garbage = client.post("/complaints", {**FILED, "contract": "not-an-id"}, key="k-3")
    assert garbage.status_code == 422 and "contract" in garbage.json()["fields"]
    mixed = client.post(
        "/complaints",
        {**FILED, "office": str(other_office.uid), "contract": str(contract.uid)},
        key="k-4",
    )
    assert mixed.status_code == 422
    assert "another office" in mixed.json()["fields"]["contract"][0]
    assert not Complaint.objects.exists()


# --- The office and the back office read it ----------------------------------------------


@pytest.fixture
def complaint(contract, mohammed):
    return services.complaint_submit(owner=mohammed, contract=contract, **FILED)


def test_the_office_sees_which_of_its_contracts_it_is_about(
    complaint, contract, manager, api, token_for, signed_in
):
    html = signed_in(manager).get(f"/en/office/complaints/{complaint.number}/").content.decode()
    assert "Recruitment contract" in html and contract.number in html
    link = routed("recruitment_office:contract", contract.uid)
    if link is not None:  # the office's contract page in its portal
        assert f'href="{link}"' in html
    body = api(token_for(manager)).get(f"/office/complaints/{complaint.number}").json()
    assert body["contract"] == {"id": str(contract.uid), "number": contract.number}


def test_the_officer_follows_the_complaint_to_its_contract_and_back(
    complaint, contract, officer, signed_in
):
    client = signed_in(officer)
    html = client.get(f"/en/backoffice/complaints/{complaint.number}/").content.decode()
    assert f'href="/en/backoffice/contracts/{contract.number}/"' in html
    page = client.get(f"/en/backoffice/contracts/{contract.number}/").content.decode()
    assert "Complaints that name this contract" in page
    assert f'href="/en/backoffice/complaints/{complaint.number}/"' in page


def test_a_complaint_handler_who_does_not_read_contracts_sees_the_number_only(
    complaint, contract, signed_in
):
    handler = StaffFactory(username="handler", permissions=["handle_complaint"])
    html = signed_in(handler).get(f"/en/backoffice/complaints/{complaint.number}/")
    html = html.content.decode()
    assert contract.number in html
    assert f"/backoffice/contracts/{contract.number}/" not in html
