"""The back office's recruitment section: staff who read contracts (complaints officers,
supervisors, licensing officers) find a contract by stage, lateness or number and read its
parties, signatures, clock, stages with their evidence and its ledger, read-only; every
read is audited. Everyone else: a reviewer or a staff member without a role gets 403, a
beneficiary (the owner too) and the office's people 404, a visitor the login page."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from musaned.accounts.tests.factories import StaffFactory
from musaned.core.models import AuditEvent
from musaned.core.tests.documents import pdf_upload
from musaned.recruitment.models import Account, Contract, ContractState, DeliveryClock
from musaned.recruitment.selectors import statement_for
from musaned.recruitment.services import contracts
from musaned.recruitment.services.clocks import recruitment_clocks_run
from musaned.recruitment.tests.backoffice_helpers import (
    beneficiary,
    load_contract_readers,
    paid_days_ago,
)
from musaned.recruitment.tests.factories import moved_to, paid_contract
from musaned.recruitment.workflow.contract import Action

pytestmark = pytest.mark.django_db

S = ContractState


@pytest.fixture(autouse=True)
def _readers(staff_roles, recruitment_data):
    load_contract_readers()


@pytest.fixture
def reader(licensing, officer, supervisor):
    """Every role that reads contracts."""
    return {"officer": officer, "supervisor": supervisor, "licensing": licensing}


@pytest.fixture
def contract(mohammed, manager, office):
    """Mohammed's contract: paid, its visa linked, the travel documents shown as a file."""
    contract = moved_to(paid_contract(mohammed, manager, office), manager, S.VISA_LINKED)
    return contracts.contract_stage_record(
        contract=contract,
        actor=manager,
        action=Action.TRAVEL_DOCUMENTS,
        document=pdf_upload("visa-stamp.pdf"),
    )


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# --- Who may ---------------------------------------------------------------------------------


@pytest.fixture
def urls(contract):
    n = contract.number
    readers = {"officer", "supervisor", "licensing"}
    return [
        ("/backoffice/contracts/", readers),
        ("/en/backoffice/contracts/", readers),
        (f"/backoffice/contracts/{n}/", readers),
        (f"/backoffice/contracts/{n}/evidence/travel_documents_ready/", readers),
        (f"/backoffice/contracts/{n}/audit/", {"supervisor"}),
    ]


@pytest.mark.parametrize("role", ["officer", "supervisor", "licensing", "reviewer", "no role"])
def test_each_staff_role_reads_the_contracts_its_permission_gives(request, urls, role, signed_in):
    user = StaffFactory(username="clerk") if role == "no role" else request.getfixturevalue(role)
    client = signed_in(user)
    for url, who in urls:
        expected = 200 if role in who else 403
        assert client.get(url).status_code == expected, (role, url)
        # Read-only: no method writes here.
        assert client.post(url).status_code in (403, 405), (role, url)


def test_the_beneficiary_and_the_office_get_404_and_a_visitor_logs_in(
    urls, mohammed, sarah, manager, employee, other_manager, other_office, signed_in
):
    for person in (mohammed, sarah, manager, employee, other_manager):
        client = signed_in(person)
        for url, _who in urls:
            assert client.get(url).status_code == 404, (person.username, url)
    for url, _who in urls:
        response = Client().get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_staff_without_the_sign_in_code_are_sent_to_sign_in_again(urls, officer, signed_in):
    for url, _who in urls:
        response = signed_in(officer, second_factor=False).get(url)
        assert response.status_code == 302
        assert re.match(r"^(/en)?/login/\?next=", response["Location"]), url


def test_the_back_office_menu_offers_recruitment_to_those_who_read_contracts(
    reviewer, officer, signed_in
):
    officers = page(signed_in(officer), "/en/backoffice/")
    assert 'href="/en/backoffice/contracts/"' in officers
    reviewers = page(signed_in(reviewer), "/en/backoffice/visas/")
    assert 'href="/en/backoffice/contracts/"' not in reviewers


# --- One contract ------------------------------------------------------------------------------


def test_an_officer_reads_the_parties_signatures_stages_and_ledger(
    contract, mohammed, office, officer, signed_in
):
    html = page(signed_in(officer), f"/en/backoffice/contracts/{contract.number}/")
    assert contract.number in html and "Visa stamped, travel documents ready" in html
    # The parties: the beneficiary masked, the office named with its licence.
    assert mohammed.masked_id in html and mohammed.national_id not in html
    assert office.name_en in html and office.licence_number in html
    # Both signatures, holding the document's hash.
    assert "SMS code sent to the beneficiary's mobile" in html
    assert "office-portal session" in html
    assert contract.document_hash in html
    # The clock: paid today, the worker due by day 89.
    assert "Running" in html and 'Day <span dir="ltr">0</span> since payment' in html
    # The stages in the table's order, the evidence of those reached.
    stages = re.findall(r'<th scope="row">([^<]+)</th>', html)
    assert stages.index("Visa linked") < stages.index("Medical check passed")
    assert contract.visa.visa_number in html
    assert f"/en/backoffice/contracts/{contract.number}/evidence/travel_documents_ready/" in html
    assert html.count("Not reached yet") == 3  # medical, ticket, arrival
    # The ledger: the payment's two lines, the balances, and the check.
    total = f"{contract.total:,.2f}".removesuffix(".00")
    assert f"-{total}" in html and "The entries balance: their sum is zero." in html
    assert "Held by the platform now (SAR)" in html
    # Read-only: nothing on the page posts.
    assert "<form" not in html.split('<main id="main"', 1)[1]


def test_the_contract_page_reads_in_arabic_with_both_calendars(contract, officer, signed_in):
    html = page(signed_in(officer), f"/backoffice/contracts/{contract.number}/")
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    assert "دفتر القيود" in html  # "The ledger"
    assert "هـ" in html  # a Hijri date beside the Gregorian one


def test_every_read_of_a_contract_is_audited(contract, supervisor, signed_in):
    client = signed_in(supervisor)
    base = f"/backoffice/contracts/{contract.number}/"
    client.get(base)
    download = client.get(f"{base}evidence/travel_documents_ready/")
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith(
        f'filename="{contract.number}-travel_documents_ready.pdf"'
    )
    client.get(f"{base}audit/")
    rows = AuditEvent.objects.filter(actor=supervisor, target_id=str(contract.pk))
    assert list(rows.order_by("id").values_list("action", flat=True)) == [
        "backoffice.contract_viewed",
        "backoffice.contract_evidence_viewed",
        "backoffice.contract_audit_viewed",
    ]
    assert rows.get(action="backoffice.contract_evidence_viewed").data["stage"] == (
        "travel_documents_ready"
    )


def test_a_stage_without_a_document_and_an_unknown_contract_are_404(contract, officer, signed_in):
    client = signed_in(officer)
    assert (
        client.get(f"/backoffice/contracts/{contract.number}/evidence/visa_linked/").status_code
        == 404
    )
    assert (
        client.get(f"/backoffice/contracts/{contract.number}/evidence/arrived/").status_code == 404
    )
    assert client.get("/backoffice/contracts/700000000000/").status_code == 404
    assert not AuditEvent.objects.filter(action="backoffice.contract_evidence_viewed").exists()


def test_the_audit_trail_shows_the_staff_reads_and_the_contracts_steps(
    contract, officer, supervisor, signed_in
):
    signed_in(officer).get(f"/backoffice/contracts/{contract.number}/")
    html = page(signed_in(supervisor), f"/en/backoffice/contracts/{contract.number}/audit/")
    assert f"Audit trail of contract {contract.number}" in html
    assert "Opened by staff" in html and "Signed by the beneficiary" in html
    assert "Visa linked" in html
    # A staff read is never on the contract's own timeline.
    timeline = page(signed_in(officer), f"/en/backoffice/contracts/{contract.number}/")
    assert "Opened by staff" not in timeline.split("<h2>Timeline</h2>")[1]


def test_a_claimed_contract_shows_the_refund_and_the_compensation(
    mohammed, manager, office, officer, signed_in
):
    contract = paid_days_ago(mohammed, manager, office, days=100)
    recruitment_clocks_run()
    contract = contracts.contract_cancel(contract=contract, actor=mohammed, reason="late")
    assert contract.state == S.CANCELLED_LATE
    statement = statement_for(actor=officer, contract=contract)
    compensation = (contract.total * Decimal("0.15")).quantize(Decimal("0.01"))
    assert statement.balances[Account.REFUND] == contract.total + compensation
    html = page(signed_in(officer), f"/en/backoffice/contracts/{contract.number}/")
    assert "Cancelled: office late, compensated" in html
    assert f"{compensation:,.2f}".removesuffix(".00") in html
    assert "Compensation" in html and "Charged to the office&#x27;s guarantee" in html
    assert "The entries balance: their sum is zero." in html


# --- The list -------------------------------------------------------------------------------


@pytest.fixture
def three(mohammed, sarah, manager, office):
    """Contracts paid today, 100 days ago (in the extension) and 125 days ago (past the
    120 days), for three beneficiaries."""
    latifa = beneficiary("1000000123", "latifa")
    made = {
        "today": paid_days_ago(mohammed, manager, office, days=0),
        "extension": paid_days_ago(sarah, manager, office, days=100),
        "overdue": paid_days_ago(latifa, manager, office, days=125),
    }
    recruitment_clocks_run()
    return made


def numbers(html: str) -> set[str]:
    return set(re.findall(r'/backoffice/contracts/([0-9]{12})/"', html))


def test_the_list_filters_late_contracts_by_their_dates(three, officer, signed_in):
    client = signed_in(officer)
    everything = page(client, "/en/backoffice/contracts/")
    assert numbers(everything) == {c.number for c in three.values()}
    assert "in the extension" in everything and "past the 120 days" in everything
    late = page(client, "/en/backoffice/contracts/?late=late")
    assert numbers(late) == {three["extension"].number, three["overdue"].number}
    assert numbers(page(client, "/en/backoffice/contracts/?late=extension")) == {
        three["extension"].number
    }
    assert numbers(page(client, "/en/backoffice/contracts/?late=overdue")) == {
        three["overdue"].number
    }
    assert numbers(page(client, "/en/backoffice/contracts/?state=paid")) == {
        c.number for c in three.values()
    }
    assert numbers(page(client, "/en/backoffice/contracts/?state=arrived")) == set()
    # The clock the command moved agrees with the dates.
    assert [Contract.objects.get(pk=c.pk).clock for c in three.values()] == [
        DeliveryClock.RUNNING,
        DeliveryClock.EXTENSION,
        DeliveryClock.OVERDUE,
    ]


def test_a_search_finds_a_contract_by_its_number_or_the_beneficiarys_id_and_is_audited(
    three, sarah, officer, signed_in
):
    client = signed_in(officer)
    found = page(client, f"/en/backoffice/contracts/?q={three['today'].number}&late=overdue")
    assert numbers(found) == {three["today"].number}  # a search ignores the other filters
    by_id = page(client, f"/en/backoffice/contracts/?q={sarah.national_id}")
    assert numbers(by_id) == {three["extension"].number}
    none = page(client, "/en/backoffice/contracts/?q=123")
    assert "No contract has that number or ID number." in none
    searches = AuditEvent.objects.filter(action="backoffice.contract_search", actor=officer)
    assert [e.data["query"] for e in searches.order_by("id")] == [
        three["today"].number,
        sarah.masked_id,
        "123",
    ]


def test_an_unknown_filter_is_shown_as_an_error_and_the_list_stays(three, officer, signed_in):
    response = signed_in(officer).get("/en/backoffice/contracts/?state=nonsense&late=soon")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert numbers(html) == {c.number for c in three.values()}


def test_the_list_takes_the_same_queries_for_one_contract_or_many(
    mohammed, sarah, manager, office, officer, signed_in
):
    client = signed_in(officer)
    paid_days_ago(mohammed, manager, office, days=3)
    client.get("/backoffice/contracts/")  # warm the session and the permission cache
    with CaptureQueriesContext(connection) as one:
        client.get("/backoffice/contracts/")
    paid_days_ago(sarah, manager, office, days=40)
    paid_days_ago(beneficiary("1000000131", "turki"), manager, office, days=95)
    with CaptureQueriesContext(connection) as three_rows:
        client.get("/backoffice/contracts/")
    assert len(three_rows.captured_queries) == len(one.captured_queries)


def test_the_day_boundaries_of_the_extension_on_the_list(
    mohammed, manager, office, officer, signed_in
):
    """Day 89 is on time; day 90 is the first of the extension; day 119 its last; day 120
    is past the 120 days (the dates, whatever the command did)."""
    contract = paid_days_ago(mohammed, manager, office, days=0)
    for day, late in ((89, set()), (90, {"late", "extension"}), (119, {"late", "extension"}),
                      (120, {"late", "overdue"})):  # fmt: skip
        moment = timezone.make_aware(
            dt.datetime.combine(contract.paid_on + dt.timedelta(days=day), dt.time(10))
        )
        with time_machine.travel(moment, tick=False):
            client = signed_in(officer)  # a session of that day
            for kind in ("late", "extension", "overdue"):
                listed = numbers(page(client, f"/backoffice/contracts/?late={kind}"))
                assert (contract.number in listed) == (kind in late), (day, kind)
