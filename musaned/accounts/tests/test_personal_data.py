"""The download of everything the platform holds about a person (PDPL's right of access,
``/profile/my-data.json``): the account, and what each app keeps about them — their visa
applications, complaints, office memberships, recruitment requests and contracts — and
nothing of anyone else's, in the same few queries however much they have."""

import importlib
import json

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from musaned.accounts import personal_data
from musaned.accounts.tests.factories import BeneficiaryFactory, StaffFactory
from musaned.complaints import services as complaint_services
from musaned.complaints.tests.factories import file_complaint
from musaned.complaints.workflow import Action
from musaned.core.workflow import transition
from musaned.recruitment.services import contracts
from musaned.recruitment.tests.factories import accepted, paid, register_office, signed
from musaned.visas.tests.factories import draft_at_finance

NOTE = "Internal: the office has a warning on file."


@pytest.fixture(autouse=True)
def reference_data(catalogues, office_catalogues, service_level, staff_roles):
    importlib.import_module("musaned.recruitment.migrations.0002_terms").load(apps, None)


@pytest.fixture
def office(abdullah):
    """Al Noor Recruitment, with Abdullah its manager."""
    licensing = StaffFactory(username="licensing", roles=["licensing officer"])
    return register_office(licensing, manager=abdullah)


@pytest.fixture
def sarah(registry):
    return BeneficiaryFactory(person="1000000032", username="sarah", mobile="+966500000004")


def a_paid_contract(person, manager, office, *, visa=True):
    return paid(signed(person, manager, accepted(person, manager, office, visa=visa)))


def a_conversation(person, officer, subject):
    """A complaint the officer took, noted internally, asked about, and the person answered."""
    complaint = file_complaint(person, subject=subject)
    transition(obj=complaint, action=Action.TAKE, actor=officer)
    complaint_services.complaint_note(complaint=complaint, actor=officer, body=NOTE)
    transition(obj=complaint, action=Action.ASK_INFO, actor=officer, message="Which worker?")
    transition(obj=complaint, action=Action.REPLY, actor=person, message=f"About {subject}")
    return complaint


def download(signed_in, person) -> dict:
    response = signed_in(person).get("/profile/my-data.json")
    assert response.status_code == 200
    return response.json()


def test_the_download_holds_the_person_s_records_in_every_app(
    signed_in, citizen, abdullah, office, officer
):
    contract = a_paid_contract(citizen, abdullah, office)
    draft = draft_at_finance(citizen)
    about_office = file_complaint(citizen, category="office", office=office, contract=contract)
    conversation = a_conversation(citizen, officer, "The worker's salary")

    data = download(signed_in, citizen)

    assert data["account"]["national_id"] == citizen.national_id
    visas = {v["reference"]: v for v in data["visa_applications"]}
    assert set(visas) == {contract.visa.reference, draft.reference}
    assert visas[contract.visa.reference]["state"] == "issued"
    assert visas[contract.visa.reference]["visa_number"] == contract.visa.visa_number
    assert visas[contract.visa.reference]["bank_balance"] == "50000.00"

    [request] = data["recruitment_requests"]
    assert request["number"] == contract.request.number
    assert request["state"] == "accepted"
    assert request["visa"] == contract.visa.reference
    assert request["sent_to"] == [office.name]

    [mine] = data["recruitment_contracts"]
    assert mine["number"] == contract.number
    assert mine["state"] == "paid"
    assert mine["office"] == office.name
    assert mine["worker_name"] == contract.worker_name
    assert mine["passport_number"] == contract.passport_number
    assert mine["total"] == str(contract.total)
    assert mine["paid_at"] == contract.paid_at.isoformat()
    assert sorted(s["party"] for s in mine["signatures"]) == ["beneficiary", "office"]
    assert all(s["signed_at"] for s in mine["signatures"])
    assert mine["statement"], "the payment is on the statement"
    assert sum(float(line["amount"]) for line in mine["statement"]) == 0

    complaints = {c["number"]: c for c in data["complaints"]}
    assert set(complaints) == {about_office.number, conversation.number}
    assert complaints[about_office.number]["office"] == office.name
    assert complaints[about_office.number]["contract"] == contract.number
    messages = complaints[conversation.number]["messages"]
    assert [(m["from"], m["body"]) for m in messages] == [
        ("musaned", "Which worker?"),
        ("you", "About The worker's salary"),
    ]
    # Office memberships are the office's people's; the citizen works for none.
    assert data["office_memberships"] == []


def test_an_office_manager_finds_their_membership(signed_in, abdullah, office):
    [membership] = download(signed_in, abdullah)["office_memberships"]
    assert membership["office"] == office.name
    assert membership["role"] == "manager"
    assert membership["since"] and membership["until"] is None


def test_the_download_holds_nothing_of_another_person_s(
    signed_in, citizen, sarah, abdullah, office, officer
):
    a_paid_contract(citizen, abdullah, office)
    a_conversation(citizen, officer, "Mohammed's worker")
    theirs = a_paid_contract(sarah, abdullah, office)
    their_complaint = a_conversation(sarah, officer, "Sarah's worker")
    their_draft = draft_at_finance(sarah)

    text = json.dumps(download(signed_in, citizen), ensure_ascii=False)

    for reference in (
        theirs.number,
        theirs.request.number,
        theirs.visa.reference,
        theirs.visa.visa_number,
        theirs.passport_number,
        their_draft.reference,
        their_complaint.number,
        "Sarah's worker",
        sarah.national_id,
        sarah.mobile,
        sarah.username,
    ):
        assert reference not in text, reference
    # Nor the staff's: an internal note, the officer's name, the office manager's ID.
    for theirs_too in (NOTE, officer.first_name, officer.username, abdullah.national_id):
        assert theirs_too not in text, theirs_too


def test_the_download_takes_the_same_queries_however_many_records(
    signed_in, citizen, abdullah, office, officer
):
    client = signed_in(citizen)
    first = a_paid_contract(citizen, abdullah, office)
    a_conversation(citizen, officer, "first")
    client.get("/profile/my-data.json")  # warm the session
    with CaptureQueriesContext(connection) as one:
        assert client.get("/profile/my-data.json").status_code == 200

    contracts.contract_cancel(contract=first, actor=citizen)  # the visa is free again
    for _ in range(3):
        more = accepted(citizen, abdullah, office, visa=False)
        contracts.contract_cancel(contract=more, actor=citizen)
    a_paid_contract(citizen, abdullah, office, visa=False)
    for n in range(3):
        a_conversation(citizen, officer, f"more {n}")
        draft_at_finance(citizen)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/profile/my-data.json")

    assert len(response.json()["recruitment_contracts"]) == 5
    assert len(response.json()["complaints"]) == 4
    assert len(many.captured_queries) == len(one.captured_queries)


def test_a_section_registers_once_and_may_not_take_the_download_s_own():
    assert [name for name, _reader in personal_data.sections()] == [
        "complaints",
        "office_memberships",
        "recruitment_contracts",
        "recruitment_requests",
        "visa_applications",
    ]
    with pytest.raises(ImproperlyConfigured):
        personal_data.register("account", lambda user: {})
