"""The office's side of the journey in its portal, as its people meet it: the requests
sent to the office with their windows, a request's page (what the beneficiary asked for,
never their ID number) with the offer form, several offers, taking one back, declining
the request; the office's contracts, the manager's signature (an employee reads why
not), the stages with their evidence in the table's order, the clock and the statement.
Every URL is walked for each kind of person; bad input keeps what was typed; the queue
costs the same queries however many requests it holds."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from musaned.accounts.tests.factories import StaffFactory
from musaned.core.tests.documents import pdf_upload
from musaned.notifications.models import Notification
from musaned.offices.services import price_ceiling_add
from musaned.recruitment.models import (
    ContractState,
    Offer,
    OfferState,
    RequestOfficeState,
    Signature,
)
from musaned.recruitment.services import requests as request_services
from musaned.recruitment.services.clocks import recruitment_clocks_run
from musaned.recruitment.tests.factories import (
    accepted,
    moved_to,
    offer_from,
    paid,
    photo,
    received_by,
    sent_request,
    signed,
    wish,
)
from musaned.recruitment.tests.pages_helpers import request_from, visa_held_by
from musaned.recruitment.workflow.contract import Action

pytestmark = pytest.mark.django_db

LOGIN = ("/login/", "/en/login/")


def offer_post(**overrides) -> dict:
    """The offer form as the office fills it in."""
    return {
        "full_name": "Maria Santos Reyes",
        "passport_number": "p 1234567",
        "date_of_birth": "1994-05-17",
        "religion": "christian",
        "marital_status": "single",
        "languages": ["fil", "en"],
        "experience_years": "4",
        "experience_kind": "Housemaid in Riyadh, 2019–2023",
        "skills": "Cooking, childcare",
        "photo": photo(),
        "monthly_salary": "1500",
        "price": "11500",
        "days_to_arrival": "45",
        **overrides,
    }


def told(person, text: str = "") -> bool:
    """A notice to ``person`` is queued (the task worker sends it after commit)."""
    bodies = Notification.objects.filter(user=person).values_list("body", flat=True)
    return any(text in body for body in bodies)


def url(name: str, **kwargs) -> str:
    """The Arabic address (no prefix); ``"/en" + url(…)`` is the English one."""
    with translation.override("ar"):
        return reverse(f"recruitment_office:{name}", kwargs=kwargs)


@pytest.fixture
def received(mohammed, office):
    """A request Mohammed sent to the office (he holds a visa that fits), with wishes."""
    request = sent_request(
        mohammed, [office], min_age=25, max_age=40, languages=["en"], religion="christian"
    )
    return received_by(request, office)


# --- The queue --------------------------------------------------------------------------------


def test_the_office_sees_the_requests_sent_to_it_with_their_windows(
    signed_in, mohammed, sarah, manager, office, other_office
):
    ours = received_by(sent_request(mohammed, [office]), office)
    theirs = received_by(request_from(sarah, [other_office]), other_office)
    # Sarah holds no visa for it: her request waits for the visa made for it, and the
    # offices see nothing yet.
    awaiting = request_services.request_make(actor=sarah, offices=[office], **wish())
    response = signed_in(manager).get(url("incoming"))
    assert response.status_code == 200
    page = response.content.decode()
    assert ours.request.number in page
    assert theirs.request.number not in page
    assert awaiting.number not in page
    assert (
        "Waiting for your offers"
        in signed_in(manager).get("/en" + url("incoming")).content.decode()
    )
    assert "هـ" in page  # the window in the Hijri calendar, and the Gregorian beside it
    assert str(timezone.localtime(ours.due_at).year) in page
    assert 'aria-current="page"' in page


def test_the_queue_filters_waiting_answered_and_expired_and_marks_the_late(
    signed_in, mohammed, sarah, manager, office
):
    waiting = received_by(sent_request(mohammed, [office]), office)
    answered = received_by(request_from(sarah, [office]), office)
    offer_from(manager, answered.request, office)
    client = signed_in(manager)

    def numbers(show: str) -> str:
        return client.get(url("incoming"), {"show": show}).content.decode()

    assert waiting.request.number in numbers("waiting")
    assert answered.request.number not in numbers("waiting")
    assert answered.request.number in numbers("answered")
    assert waiting.request.number not in numbers("expired")

    # Past the window, before the clocks run: still waiting, marked late; then expired.
    with time_machine.travel(waiting.due_at + dt.timedelta(minutes=1), tick=False):
        client = signed_in(manager)
        page = client.get("/en" + url("incoming"), {"show": "waiting"}).content.decode()
        assert waiting.request.number in page and "late" in page
        recruitment_clocks_run()
        page = client.get("/en" + url("incoming"), {"show": "expired"}).content.decode()
        assert waiting.request.number in page
        assert "Expired: no answer in time" in page


def test_the_queue_costs_the_same_queries_however_many_requests(
    signed_in, mohammed, manager, office
):
    """One visa, reused: each request is cancelled (the visa is free again) and stays in
    the office's queue, closed."""

    def add(count: int, *, first: bool = False) -> None:
        for index in range(count):
            request = sent_request(mohammed, [office], visa=first and index == 0)
            request_services.request_cancel(request=request, actor=mohammed)

    def queries() -> int:
        client = signed_in(manager)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("incoming")).status_code == 200
        return len(captured)

    add(2, first=True)
    few = queries()
    add(6)
    assert queries() == few


# --- A request and its offers -----------------------------------------------------------------


def test_the_request_shows_what_was_asked_and_never_the_beneficiarys_id(
    signed_in, mohammed, manager, received
):
    response = signed_in(manager).get("/en" + url("request", uid=received.uid))
    page = response.content.decode()
    assert response.status_code == 200
    for text in ("Housemaid", "Philippines", "Female", "25 to 40 years", "English", "Christian"):
        assert text in page, text
    assert received.request.number in page
    assert mohammed.national_id not in page
    assert "Send an offer" in page


def test_the_office_sends_two_offers_and_the_beneficiary_is_told(
    signed_in, mohammed, manager, employee, received
):
    response = signed_in(manager).post(url("offer_make", uid=received.uid), offer_post())
    assert response.status_code == 302
    response = signed_in(employee).post(
        url("offer_make", uid=received.uid),
        offer_post(full_name="Ana Cruz", passport_number="P7654321", photo=photo("ana.png")),
    )
    assert response.status_code == 302
    offers = Offer.objects.filter(request=received.request).order_by("created_at")
    assert [o.full_name for o in offers] == ["Maria Santos Reyes", "Ana Cruz"]
    assert offers[0].passport_number == "P1234567"  # spaces taken out, upper case
    assert offers[0].made_by == manager and offers[1].made_by == employee
    assert told(mohammed)
    page = signed_in(manager).get("/en" + url("request", uid=received.uid)).content.decode()
    assert "Maria Santos Reyes" in page and "Ana Cruz" in page
    assert "Send another offer" in page
    received.refresh_from_db()
    assert received.state == RequestOfficeState.ANSWERED


def test_a_price_above_the_listed_one_is_refused_keeping_what_was_typed(
    signed_in, manager, received
):
    response = signed_in(manager).post(
        "/en" + url("offer_make", uid=received.uid), offer_post(price="13000")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Your listed price for this nationality and occupation is 12,000 SAR" in page
    for typed in (
        'value="Maria Santos Reyes"',
        'value="p 1234567"',
        'value="1994-05-17"',
        'value="13000"',
        'value="45"',
        "Cooking, childcare",
    ):
        assert typed in page, typed
    assert re.search(r'value="fil"[^>]*checked', page)
    assert "Choose the photo again" in page
    assert not Offer.objects.exists()


def test_a_price_above_the_ceiling_is_refused_by_the_service_with_the_ceiling(
    signed_in, licensing, manager, received
):
    """A lower ceiling takes effect tomorrow; the office's listed price is suspended only
    when the job applies it, so the ceiling itself refuses the offer in between."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    price_ceiling_add(
        actor=licensing,
        nationality=received.request.nationality,
        occupation=None,
        amount=Decimal("11000"),
        effective_from=tomorrow,
        source="Ministry circular (test)",
    )
    with time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=False):
        response = signed_in(manager).post(
            "/en" + url("offer_make", uid=received.uid), offer_post(price="11500")
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The ministry&#x27;s ceiling is 11,000 SAR before VAT" in page
    assert 'value="11500"' in page and 'value="Maria Santos Reyes"' in page
    assert not Offer.objects.exists()


def test_a_missing_or_wrong_part_of_the_cv_is_shown_beside_its_field(signed_in, manager, received):
    client = signed_in(manager)
    response = client.post(
        "/en" + url("offer_make", uid=received.uid),
        offer_post(full_name="", languages=[], photo=pdf_upload("cv.pdf")),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("field--error") >= 3  # the name, the languages, the photo
    assert "The photo is a JPG or PNG picture." in page
    response = client.post(
        "/en" + url("offer_make", uid=received.uid), offer_post(date_of_birth="2015-01-01")
    )
    assert response.status_code == 400
    assert "A worker is from 21 to 60 years old" in response.content.decode()
    assert 'value="2015-01-01"' in response.content.decode()
    response = client.post(
        "/en" + url("offer_make", uid=received.uid), offer_post(days_to_arrival="١٢")
    )  # Arabic-Indic digits read as 12
    assert response.status_code == 302
    assert Offer.objects.get().days_to_arrival == 12


def test_the_office_takes_an_offer_back_while_it_waits(signed_in, mohammed, manager, received):
    offer = offer_from(manager, received.request, received.office)
    client = signed_in(manager)
    page = client.get("/en" + url("request", uid=received.uid)).content.decode()
    assert "Take this offer back" in page
    response = client.post(url("offer_retract", uid=received.uid, offer=offer.uid))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.state == OfferState.WITHDRAWN
    page = client.get("/en" + url("request", uid=received.uid)).content.decode()
    assert "Take this offer back" not in page
    response = client.post("/en" + url("offer_retract", uid=received.uid, offer=offer.uid))
    assert response.status_code == 409  # it waits no more
    assert "This offer cannot do that now" in response.content.decode()


def test_the_office_declines_a_request_with_a_reason(signed_in, mohammed, employee, received):
    client = signed_in(employee)
    response = client.post("/en" + url("decline", uid=received.uid), {"reason": "  "})
    assert response.status_code == 400
    assert "field--error" in response.content.decode()
    response = client.post(
        url("decline", uid=received.uid), {"reason": "No Filipino housemaid free this month."}
    )
    assert response.status_code == 302
    received.refresh_from_db()
    assert received.state == RequestOfficeState.DECLINED
    page = client.get("/en" + url("request", uid=received.uid)).content.decode()
    assert "No Filipino housemaid free this month." in page
    assert "Send an offer" not in page and "Decline the request" not in page
    assert told(mohammed)


def test_past_the_window_the_form_is_gone_and_an_offer_is_refused(signed_in, manager, received):
    with time_machine.travel(received.due_at + dt.timedelta(minutes=1), tick=False):
        client = signed_in(manager)
        page = client.get("/en" + url("request", uid=received.uid)).content.decode()
        assert "Send an offer" not in page
        assert "This request no longer takes offers." in page
        response = client.post("/en" + url("offer_make", uid=received.uid), offer_post())
        assert response.status_code == 409
        assert "The time to answer this request has passed." in response.content.decode()
    assert not Offer.objects.exists()


# --- Contracts --------------------------------------------------------------------------------


@pytest.fixture
def contract(mohammed, manager, office):
    return accepted(mohammed, manager, office)


def test_the_manager_signs_and_an_employee_reads_why_not(
    signed_in, mohammed, manager, employee, contract
):
    page = signed_in(employee).get("/en" + url("contract", uid=contract.uid)).content.decode()
    assert "Only the office&#x27;s manager can sign a contract." in page
    assert url("contract_sign", uid=contract.uid) not in page
    response = signed_in(employee).post(url("contract_sign", uid=contract.uid), {"confirm": "on"})
    assert response.status_code == 403
    assert not Signature.objects.exists()

    client = signed_in(manager)
    page = client.get("/en" + url("contract", uid=contract.uid)).content.decode()
    assert "Sign the contract" in page and "Standard contract for recruiting" in page
    response = client.post("/en" + url("contract_sign", uid=contract.uid), {})
    assert response.status_code == 400  # the confirmation is asked for
    response = client.post(url("contract_sign", uid=contract.uid), {"confirm": "on"})
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.state == ContractState.SIGNED_BY_OFFICE
    signature = Signature.objects.get()
    assert (signature.signer, signature.role) == (manager, "office")
    assert signature.document_hash == contract.document_hash
    page = client.get("/en" + url("contract", uid=contract.uid)).content.decode()
    assert contract.document_hash in page
    assert "Sign the contract" not in page


def test_the_office_moves_the_stages_in_order_with_their_evidence(
    signed_in, mohammed, manager, employee, contract
):
    contract = paid(signed(mohammed, manager, contract))
    client = signed_in(employee)
    page = client.get("/en" + url("contract", uid=contract.uid)).content.decode()
    assert "Record the next stage: Visa linked" in page
    assert 'day <span dir="ltr">0</span> of <span dir="ltr">90</span>' in page
    assert "13,225" in page  # the statement: paid, held

    # Not the next stage: refused, nothing moves.
    response = client.post(
        "/en" + url("contract_stage", uid=contract.uid, action=Action.MEDICAL),
        {"stage-number": "WAF-1"},
    )
    assert response.status_code == 409
    contract.refresh_from_db()
    assert contract.state == ContractState.PAID

    # A wrong visa number is shown beside the field, keeping what was typed.
    response = client.post(
        "/en" + url("contract_stage", uid=contract.uid, action=Action.LINK_VISA),
        {"stage-number": "1234567890"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The visa number is not the one of this contract" in page
    assert 'value="1234567890"' in page

    steps = [
        (Action.LINK_VISA, {"stage-number": contract.visa.visa_number}),
        (Action.TRAVEL_DOCUMENTS, {"stage-document": pdf_upload("stamp.pdf")}),
        (Action.MEDICAL, {"stage-number": "WAF-2026-551204"}),
        (
            Action.BOOK_TICKET,
            {
                "stage-flight_number": "sv871",
                "stage-flight_date": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
            },
        ),
        (
            Action.ARRIVE,
            {
                "stage-arrival_date": timezone.localdate().isoformat(),
                "stage-arrival_point": "RUH",
            },
        ),
    ]
    for action, data in steps:
        response = client.post(url("contract_stage", uid=contract.uid, action=action), data)
        assert response.status_code == 302, (action, response.content.decode()[:2000])
    contract.refresh_from_db()
    assert contract.state == ContractState.ARRIVED
    page = client.get("/en" + url("contract", uid=contract.uid)).content.decode()
    assert "SV871" in page and "WAF-2026-551204" in page
    assert "Trial period ends on" in page
    assert "Released to your office" in page and "9,257.50" in page  # 70 % of 13,225
    assert "The worker is with the beneficiary" in page
    document = client.get(url("evidence", uid=contract.uid, stage="travel_documents_ready"))
    assert document.status_code == 200
    assert document["Content-Disposition"].startswith("attachment")
    assert told(mohammed, "SV871")

    response = client.post(url("contract_hand_over", uid=contract.uid))
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.state == ContractState.IN_TRIAL


def test_a_missing_flight_keeps_what_was_typed(signed_in, mohammed, manager, contract):
    contract = moved_to(
        paid(signed(mohammed, manager, contract)), manager, ContractState.MEDICAL_PASSED
    )
    response = signed_in(manager).post(
        "/en" + url("contract_stage", uid=contract.uid, action=Action.BOOK_TICKET),
        {"stage-flight_number": "SV871", "stage-flight_date": "2020-01-01"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The flight&#x27;s date is today or later." in page
    assert 'value="SV871"' in page and 'value="2020-01-01"' in page


def test_the_contracts_list_is_the_offices_own(
    signed_in, mohammed, sarah, manager, other_manager, office, other_office, contract
):
    visa_held_by(sarah)
    theirs = accepted(sarah, other_manager, other_office, visa=False)
    page = signed_in(manager).get(url("contracts")).content.decode()
    assert contract.number in page and theirs.number not in page
    page = signed_in(manager).get(url("contracts"), {"show": "ended"}).content.decode()
    assert contract.number not in page


def test_the_portal_menu_names_the_recruitment_pages(signed_in, manager, office):
    page = signed_in(manager).get("/en" + url("contracts")).content.decode()
    assert "Recruitment requests" in page
    assert f'href="/en{url("contracts")}" aria-current="page"' in page


# --- Who may open what -------------------------------------------------------------------------


@pytest.fixture
def world(mohammed, manager, office, other_office):
    """A request with an offer, and a paid contract at its second stage (with a document),
    all of the office's."""
    received = received_by(sent_request(mohammed, [office, other_office]), office)
    offer = offer_from(manager, received.request, office)
    visa_held_by(mohammed)  # a second visa for the second request
    contract = accepted(mohammed, manager, office, visa=False)
    contract = paid(signed(mohammed, manager, contract))
    contract = moved_to(contract, manager, ContractState.TRAVEL_DOCUMENTS_READY)
    return {"received": received, "offer": offer, "contract": contract}


def every_url(w) -> list[tuple[str, str, dict]]:
    r, o, c = w["received"].uid, w["offer"].uid, w["contract"].uid
    return [
        ("get", url("incoming"), {}),
        ("get", url("request", uid=r), {}),
        ("get", url("offer_photo", uid=r, offer=o), {}),
        ("get", url("contracts"), {}),
        ("get", url("contract", uid=c), {}),
        ("get", url("evidence", uid=c, stage="travel_documents_ready"), {}),
        ("get", url("contract_pdf", uid=c), {}),
        ("post", url("offer_make", uid=r), {}),
        ("post", url("offer_retract", uid=r, offer=o), {}),
        ("post", url("decline", uid=r), {}),
        ("post", url("contract_sign", uid=c), {"confirm": "on"}),
        ("post", url("contract_stage", uid=c, action=Action.MEDICAL), {}),
        ("post", url("contract_hand_over", uid=c), {}),
    ]


def test_the_offices_people_reach_every_page_and_the_manager_alone_signs(
    signed_in, world, manager, employee
):
    for person in (manager, employee):
        client = signed_in(person)
        for method, address, _data in every_url(world):
            if method == "get":
                assert client.get(address).status_code == 200, (person, address)
    # Writes answer (a refusal of the table is 409, of bad input 400), never 404; the
    # signature is the manager's alone (and this contract is signed already: 409).
    client = signed_in(employee)
    assert (
        client.post(url("contract_sign", uid=world["contract"].uid), {"confirm": "on"}).status_code
        == 409
    )
    for method, address, data in every_url(world):
        if method == "post":
            assert client.post(address, data).status_code in (302, 400, 403, 409), address


def test_another_office_the_beneficiary_and_staff_get_404_everywhere(
    signed_in, world, mohammed, sarah, other_manager, licensing
):
    auditor = StaffFactory(username="auditor", permissions=["view_all_contracts"])
    for person in (other_manager, mohammed, sarah, licensing, auditor):
        client = signed_in(person)
        for method, address, data in every_url(world):
            response = getattr(client, method)(address, data)
            if person == other_manager and address in (url("incoming"), url("contracts")):
                # Their own office's lists (the request went to both offices: it is in
                # their queue, through their own row); none of this office's contracts.
                assert response.status_code == 200
                assert world["contract"].number not in response.content.decode()
                continue
            assert response.status_code == 404, (person, method, address)
    world["offer"].refresh_from_db()
    assert world["offer"].state == OfferState.SENT
    world["received"].refresh_from_db()
    assert world["received"].state == RequestOfficeState.ANSWERED
    assert world["contract"].state == ContractState.TRAVEL_DOCUMENTS_READY


def test_a_visitor_is_sent_to_sign_in_and_a_session_without_the_code_signs_in_again(
    signed_in, world, manager
):
    visitor = Client()
    for method, address, data in every_url(world):
        response = getattr(visitor, method)(address, data)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN), address
    response = signed_in(manager, second_factor=False).get(url("incoming"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_pages_are_never_cached(signed_in, world, manager):
    response = signed_in(manager).get(url("contract", uid=world["contract"].uid))
    assert "no-store" in response["Cache-Control"]
