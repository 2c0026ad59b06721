"""The beneficiary's pages of the recruitment journey, as a person uses them: "Recruit a
worker" (the wishes, then the offices with their price with VAT and scorecard), "My
recruitment requests" and a request's page (its clock, the offices' answers, the offers
side by side), accepting an offer after a confirmation step or declining them all, the
contract's page (the standard contract, signing with the SMS code, paying on the
provider's page, the stages with their evidence, the clock, the statement), cancelling
with the computed claim, a failed trial, the rating, and "My contracts". Every page in
Arabic and English; only the owner reaches them."""

import datetime as dt
import json
import re
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from musaned.accounts.tests.factories import BeneficiaryFactory, StaffFactory
from musaned.core.workflow import transition
from musaned.notifications import sms
from musaned.payments import simulator
from musaned.payments.models import BillState
from musaned.payments.selectors import bill_for
from musaned.payments.tests.fakes import CALLBACK_URL
from musaned.recruitment.models import (
    Contract,
    ContractState,
    DeliveryClock,
    OfferState,
    RecruitmentRequest,
    RequestState,
)
from musaned.recruitment.services import contracts, offers
from musaned.recruitment.services.clocks import recruitment_clocks_run
from musaned.recruitment.tests.factories import (
    accepted,
    arrived,
    moved_to,
    offer_from,
    paid,
    paid_contract,
    register_office,
    sent_request,
    signed,
)
from musaned.recruitment.workflow.request import Action as RequestAction
from musaned.visas.models import Nationality, Occupation, VisaApplication
from musaned.visas.tests.factories import issued_visa

pytestmark = pytest.mark.django_db

LANGUAGES = [("", "ar", "rtl"), ("/en", "en", "ltr")]


def html(response) -> str:
    return response.content.decode()


def wishes(**overrides) -> dict:
    """ "Recruit a worker", step 1, as typed: a female housemaid from the Philippines."""
    data = {
        "occupation": str(Occupation.objects.get(code="housemaid").pk),
        "nationality": str(Nationality.objects.get(code="PHL").pk),
        "worker_gender": "F",
        "min_age": "",
        "max_age": "",
        "min_experience_years": "",
        "religion": "",
    }
    data.update(overrides)
    return data


def query(**overrides) -> str:
    from urllib.parse import urlencode

    return urlencode(wishes(**overrides), doseq=True)


def in_language(
    response, lang: str, direction: str, *, arabic: str = "", english: str = ""
) -> None:
    """The page answers in ``lang`` with its direction, saying ``arabic`` or ``english``."""
    assert response.status_code == 200, response.status_code
    text = html(response)
    assert f'<html lang="{lang}" dir="{direction}">' in text
    said = arabic if lang == "ar" else english
    assert said in text, said


# --- "Recruit a worker" -------------------------------------------------------------------


@pytest.mark.parametrize(("prefix", "lang", "direction"), LANGUAGES)
def test_recruit_a_worker_asks_for_the_worker_and_says_the_disability_path(
    signed_in, mohammed, office, prefix, lang, direction
):
    page = signed_in(mohammed).get(f"{prefix}/recruitment/new/")
    in_language(page, lang, direction, arabic="استقدام عامل", english="Recruit a worker")
    text = html(page)
    assert 'name="occupation"' in text and 'name="worker_gender"' in text
    assert 'name="languages"' in text and 'name="religion"' in text
    if lang == "en":
        assert "Recruit a worker" in text
        assert "keep their own visa path" in text and "cannot use the unified" in text


def test_a_beneficiary_with_a_disability_exemption_is_told_to_use_their_own_visa_path(
    signed_in, exempt, office
):
    page = signed_in(exempt).get("/en/recruitment/new/")
    text = html(page)
    assert page.status_code == 200
    assert "You recruit through your own visa path" in text
    assert 'name="occupation"' not in text
    assert 'href="/en/visas/start/"' in text


@pytest.mark.parametrize(("prefix", "lang", "direction"), LANGUAGES)
def test_the_offices_recruiting_the_wish_show_their_price_with_vat_and_scorecard(
    signed_in, mohammed, office, licensing, other_manager, prefix, lang, direction
):
    kenyan = register_office(
        licensing, manager=other_manager, name="Kenya Only", nationalities=("KEN",), price="8000"
    )
    page = signed_in(mohammed).get(f"{prefix}/recruitment/new/?{query()}")
    in_language(page, lang, direction, arabic="اختر المكاتب", english="Choose the offices")
    text = html(page)
    assert str(office.uid) in text
    assert (office.name_en if lang == "en" else office.name_ar) in text
    assert str(kenyan.uid) not in text  # it does not recruit from the Philippines
    assert "13,800" in text  # 12,000 before VAT, 15 % VAT
    assert "figure--penalty-points" in text  # the scorecard, counted from the records
    assert f'href="{prefix}/offices/{office.uid}/"' in text


def test_wishes_that_do_not_hold_come_back_with_what_was_typed(signed_in, mohammed, office):
    page = signed_in(mohammed).get(
        f"/en/recruitment/new/?{query(min_age='50', max_age='30', languages=['fil', 'en'])}"
    )
    text = html(page)
    assert page.status_code == 400
    assert "The ages wished are from 21 to 60, the youngest first." in text
    assert 'value="50"' in text and 'value="30"' in text
    assert re.search(r'value="fil"[^>]*checked', text)


def test_a_gender_the_occupation_is_not_open_to_is_refused_beside_the_field(
    signed_in, mohammed, office
):
    driver = Occupation.objects.filter(allows_female=False).first()
    page = signed_in(mohammed).get(
        f"/en/recruitment/new/?{query(occupation=str(driver.pk), worker_gender='F')}"
    )
    assert page.status_code == 400
    assert "male workers only" in html(page)


def test_with_an_unused_visa_the_request_goes_to_the_offices_chosen(
    signed_in, mohammed, office, other_office, django_capture_on_commit_callbacks
):
    visa = issued_visa(mohammed)
    client = signed_in(mohammed)
    url = f"/en/recruitment/new/?{query(languages=['fil'], religion='christian')}"
    response = client.post(url, {"offices": [str(office.uid), str(other_office.uid)]})
    request = RecruitmentRequest.objects.get(owner=mohammed)
    assert response.status_code == 302 and response["Location"] == (
        f"/en/recruitment/{request.uid}/"
    )
    assert request.state == RequestState.SENT and request.visa == visa
    assert request.languages == ["fil"] and request.religion == "christian"
    page = html(client.get(response["Location"]))
    assert "Your request was made" in page and visa.visa_number in page
    assert "Offers due by" in page
    assert office.name_en in page and other_office.name_en in page
    # The note of the request just made is said once.
    assert "Your request was made" not in html(client.get(response["Location"]))


def test_without_a_visa_a_visa_application_is_made_and_its_fee_is_paid_in_the_visa_pages(
    signed_in, mohammed, office
):
    client = signed_in(mohammed)
    response = client.post(f"/en/recruitment/new/?{query()}", {"offices": [str(office.uid)]})
    request = RecruitmentRequest.objects.get(owner=mohammed)
    assert response.status_code == 302
    assert request.state == RequestState.AWAITING_VISA and request.visa_is_new
    page = html(client.get(response["Location"]))
    assert "a visa application was made from your request" in page
    assert f'href="/en/visas/{request.visa.reference}/worker/"' in page
    assert "Complete the visa application" in page


def test_no_office_chosen_or_four_are_refused_keeping_the_choice(
    signed_in, mohammed, office, other_office, licensing
):
    from musaned.accounts.tests.factories import UserFactory

    managers = [
        BeneficiaryFactory(person="2000000014", username="third"),
        UserFactory(national_id="1000000057", id_type="citizen", mobile="+966500000057"),
    ]
    more = [register_office(licensing, manager=person) for person in managers]
    client = signed_in(mohammed)
    url = f"/en/recruitment/new/?{query()}"
    none = client.post(url, {})
    assert none.status_code == 400 and "Choose from one to 3 offices." in html(none)
    four = [str(o.uid) for o in (office, other_office, *more)]
    too_many = client.post(url, {"offices": four})
    text = html(too_many)
    assert too_many.status_code == 400 and "Choose from one to 3 offices." in text
    for uid in four:
        assert re.search(rf'value="{uid}"[^>]*checked', text)
    assert not RecruitmentRequest.objects.exists()


def test_a_refusal_of_the_visa_rules_is_said_on_the_page_and_nothing_is_made(
    signed_in, violator, office
):
    response = signed_in(violator).post(
        f"/en/recruitment/new/?{query()}", {"offices": [str(office.uid)]}
    )
    assert response.status_code == 400
    assert "You cannot recruit a worker now" in html(response)
    assert not RecruitmentRequest.objects.exists()
    assert not VisaApplication.objects.filter(owner=violator).exists()


def test_a_rejected_visa_rejects_the_request_with_its_reasons(signed_in, mohammed, office):
    request = sent_request(mohammed, [office], visa=False)
    reasons = [{"rule": "capacity", "title": "Financial capacity", "message": "Too low."}]
    transition(obj=request, action=RequestAction.REJECT, actor=None, reasons=reasons)
    page = html(signed_in(mohammed).get(f"/en/recruitment/{request.uid}/"))
    assert "Why the visa was not approved" in page
    assert "Financial capacity" in page and "Too low." in page


# --- A request's page and the offers ----------------------------------------------------------


@pytest.fixture
def two_offers(mohammed, manager, employee, office):
    request = sent_request(mohammed, [office])
    first = offer_from(manager, request, office, languages=["fil", "en"])
    second = offer_from(
        employee, request, office, full_name="Ana Cruz", price=Decimal("11000"),
        monthly_salary=Decimal("1700"), experience_years=7, languages=["ar"],
    )  # fmt: skip
    return request, first, second


@pytest.mark.parametrize(("prefix", "lang", "direction"), LANGUAGES)
def test_the_offers_are_compared_side_by_side(
    signed_in, mohammed, two_offers, prefix, lang, direction
):
    request, first, second = two_offers
    page = signed_in(mohammed).get(f"{prefix}/recruitment/{request.uid}/")
    in_language(page, lang, direction, arabic="مقارنة العروض", english="The offers side by side")
    text = html(page)
    assert "Maria Santos Reyes" in text and "Ana Cruz" in text
    assert "1,500" in text and "1,700" in text  # the monthly salaries
    assert "13,225" in text and "12,650" in text  # the prices with VAT
    age = first.age_on(timezone.localdate())
    assert f">{age}<" in text
    assert f"/recruitment/{request.uid}/offers/{first.uid}/photo/" in text
    assert f"/recruitment/{request.uid}/offers/{second.uid}/accept/" in text


def test_the_worker_s_photo_is_served_to_the_owner_only(
    signed_in, client, mohammed, sarah, manager, two_offers
):
    request, first, _second = two_offers
    url = f"/en/recruitment/{request.uid}/offers/{first.uid}/photo/"
    photo = signed_in(mohammed).get(url)
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert photo["X-Content-Type-Options"] == "nosniff"
    assert b"".join(photo.streaming_content).startswith(b"\x89PNG")
    for stranger in (sarah, manager):
        assert signed_in(stranger).get(url).status_code == 404
    assert client.get(url).status_code == 302


def test_the_beneficiary_accepts_an_offer_after_the_confirmation_step(
    signed_in, mohammed, two_offers
):
    request, first, second = two_offers
    client = signed_in(mohammed)
    url = f"/en/recruitment/{request.uid}/offers/{second.uid}/accept/"
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Accept this offer?" in html(confirm)
    assert "The other offer waiting is withdrawn." in html(confirm)
    unticked = client.post(url, {})
    assert unticked.status_code == 400 and "Tick the box to confirm." in html(unticked)
    done = client.post(url, {"confirm": "on"})
    contract = Contract.objects.get(request=request)
    assert done.status_code == 302
    assert done["Location"] == f"/en/recruitment/contracts/{contract.uid}/"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (OfferState.WITHDRAWN, OfferState.ACCEPTED)
    # Again: the offer can no longer be accepted, and nothing changes.
    again = client.post(url, {"confirm": "on"}, follow=True)
    assert "This offer can no longer be accepted." in html(again)
    assert Contract.objects.count() == 1


def test_declining_every_offer_needs_a_reason_and_keeps_the_page(signed_in, mohammed, two_offers):
    request, _first, _second = two_offers
    client = signed_in(mohammed)
    empty = client.post(f"/en/recruitment/{request.uid}/decline/", {"reason": "  "})
    assert empty.status_code == 400 and "Ana Cruz" in html(empty)
    assert "This field is required." in html(empty)
    done = client.post(
        f"/en/recruitment/{request.uid}/decline/", {"reason": "Too expensive for us"}
    )
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.DECLINED
    assert request.decline_reason == "Too expensive for us"
    page = html(client.get(f"/en/recruitment/{request.uid}/"))
    assert "You declined every offer" in page and "Too expensive for us" in page


def test_the_beneficiary_cancels_a_request_while_it_may_be_cancelled(
    signed_in, mohammed, two_offers
):
    request, first, _second = two_offers
    client = signed_in(mohammed)
    url = f"/en/recruitment/{request.uid}/cancel/"
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"confirm": "on"}).status_code == 302
    request.refresh_from_db()
    first.refresh_from_db()
    assert request.state == RequestState.CANCELLED and first.state == OfferState.WITHDRAWN
    # Cancelled: there is nothing more to cancel.
    again = client.get(url, follow=True)
    assert again.redirect_chain and "cannot do that now" in html(again)


@pytest.mark.parametrize(("prefix", "lang", "direction"), LANGUAGES)
def test_my_recruitment_requests_lists_each_with_its_clock(
    signed_in, mohammed, office, prefix, lang, direction
):
    request = sent_request(mohammed, [office])
    page = signed_in(mohammed).get(f"{prefix}/recruitment/")
    in_language(page, lang, direction, arabic="طلبات الاستقدام", english="My recruitment requests")
    assert request.number in html(page)
    if lang == "en":
        assert "Offers due by" in html(page)


# --- The contract: reading it, signing it, paying it ----------------------------------------


@pytest.fixture
def contract(mohammed, manager, office):
    """An accepted offer's contract, not signed yet."""
    return accepted(mohammed, manager, office)


@pytest.mark.parametrize(("prefix", "lang", "direction"), LANGUAGES)
def test_the_contract_page_shows_the_standard_contract_from_its_terms(
    signed_in, mohammed, contract, prefix, lang, direction
):
    page = signed_in(mohammed).get(f"{prefix}/recruitment/contracts/{contract.uid}/")
    in_language(page, lang, direction, arabic="الطرفان", english="The parties")
    text = html(page)
    terms = contract.document["terms"]
    assert contract.number in text and contract.passport_number in text
    assert contract.document_hash in text and terms["version"] in text
    assert "13,225" in text  # the total with VAT
    for clause in terms["clauses"][lang]:
        assert clause.replace("'", "&#x27;").replace('"', "&quot;")[:40] in text
    for bracket in terms["cancellation_schedule"]:
        assert f"{bracket['from_day']}–{bracket['to_day']}" in text
    if lang == "en":
        assert "Sign with the SMS code" in text
        assert 'within <span dir="ltr">90</span> days of the payment' in text
        assert 'an extension of <span dir="ltr">30</span> days' in text
        assert "Both of you sign and you pay by" in text


def sign_code(client, contract, mohammed, capture) -> str:
    with capture(execute=True):
        sent = client.post(f"/en/recruitment/contracts/{contract.uid}/sign/send/")
    assert sent.status_code == 302
    assert sent["Location"] == f"/en/recruitment/contracts/{contract.uid}/sign/"
    body = next(m.body for m in reversed(sms.outbox) if m.to == mohammed.mobile)
    return re.search(r"\b([0-9]{6})\b", body).group(1)


def test_the_beneficiary_signs_with_the_code_sent_to_the_registered_mobile(
    signed_in, mohammed, manager, contract, django_capture_on_commit_callbacks
):
    client = signed_in(mohammed)
    url = f"/en/recruitment/contracts/{contract.uid}/sign/"
    before = client.get(url)
    assert before.status_code == 200 and "Send the code" in html(before)
    assert 'name="code"' not in html(before)
    code = sign_code(client, contract, mohammed, django_capture_on_commit_callbacks)
    page = client.get(url)
    assert 'name="code"' in html(page) and mohammed.masked_mobile in html(page)
    wrong = "000000" if code != "000000" else "111111"
    refused = client.post(url, {"code": wrong})
    assert refused.status_code == 400
    assert "This code is not right." in html(refused)
    assert 'name="code"' in html(refused) and contract.number in html(refused)
    contract.refresh_from_db()
    assert contract.state == ContractState.AWAITING_SIGNATURES
    done = client.post(url, {"code": code})
    assert done.status_code == 302
    contract.refresh_from_db()
    assert contract.state == ContractState.SIGNED_BY_BENEFICIARY
    assert contract.signatures.get().document_hash == contract.document_hash
    page = html(client.get(f"/en/recruitment/contracts/{contract.uid}/"))
    assert "You signed." in page and "You signed on" in page
    # Nothing more to sign.
    assert "nothing for you to sign" in html(client.get(url, follow=True))


def test_a_code_typed_badly_is_said_beside_the_field(signed_in, mohammed, contract):
    client = signed_in(mohammed)
    url = f"/en/recruitment/contracts/{contract.uid}/sign/"
    no_code_yet = client.post(url, {"code": "123456"})
    assert no_code_yet.status_code == 400 and "Ask for the code first" in html(no_code_yet)
    client.post(f"/en/recruitment/contracts/{contract.uid}/sign/send/")
    letters = client.post(url, {"code": "12ab"})
    assert letters.status_code == 400 and "The code has 6 digits." in html(letters)
    assert 'value="12ab"' in html(letters)


def _simulated_delivery(url, raw_body, headers):
    """The provider's callback, POSTed to the platform in the same process."""
    response = Client().post(
        CALLBACK_URL, data=raw_body, content_type="application/json", headers=headers
    )
    return json.loads(response.content)


def test_the_beneficiary_pays_on_the_provider_s_page_and_comes_back_to_the_contract(
    signed_in, mohammed, manager, contract, settings
):
    settings.MUSANED_SITE_URL = "http://testserver"
    contract = signed(mohammed, manager, contract)
    client = signed_in(mohammed)
    page = html(client.get(f"/en/recruitment/contracts/{contract.uid}/"))
    bill = bill_for(contract)
    assert "Pay the contract's price" in page and bill.number in page and "13,225" in page
    pay_url = re.search(r'href="(/sadad/bills/[^"]+)"', page).group(1).replace("&amp;", "&")
    provider = client.get(pay_url)
    assert provider.status_code == 200
    with mock.patch.object(simulator, "deliver", side_effect=_simulated_delivery):
        back = client.post(pay_url.replace("/?", "/pay/?"))
    assert back.status_code == 302
    assert (
        back["Location"] == f"/en/recruitment/contracts/{contract.uid}/"
        or back["Location"] == f"/recruitment/contracts/{contract.uid}/"
    )
    contract.refresh_from_db()
    bill.refresh_from_db()
    assert bill.state == BillState.PAID and contract.state == ContractState.PAID
    page = html(client.get(f"/en/recruitment/contracts/{contract.uid}/"))
    assert "Worker due by" in page and 'day <span dir="ltr">0</span> of' in page


def test_the_stages_show_their_dates_and_evidence(signed_in, mohammed, manager, office):
    contract = moved_to(
        paid_contract(mohammed, manager, office), manager, ContractState.TICKET_BOOKED
    )
    client = signed_in(mohammed)
    page = html(client.get(f"/en/recruitment/contracts/{contract.uid}/"))
    assert contract.visa.visa_number in page  # the visa linked, by its number
    assert "WAF-2026-551204" in page  # the medical check's number
    assert "SV 871" in page  # the flight
    link = f"/en/recruitment/contracts/{contract.uid}/evidence/travel_documents_ready/"
    assert link in page
    document = client.get(link)
    assert document.status_code == 200 and document["Content-Type"] == "application/pdf"
    assert "attachment" in document["Content-Disposition"]
    assert (
        client.get(f"/en/recruitment/contracts/{contract.uid}/evidence/medical_passed/").status_code
        == 404
    )  # a number, no document


@pytest.mark.parametrize(("prefix", "lang", "direction"), LANGUAGES)
def test_the_statement_lists_the_entries_and_balances(
    signed_in, mohammed, manager, office, prefix, lang, direction
):
    contract = arrived(paid_contract(mohammed, manager, office), manager)
    page = signed_in(mohammed).get(f"{prefix}/recruitment/contracts/{contract.uid}/statement/")
    in_language(page, lang, direction, arabic="كشف حساب العقد", english="Statement of contract")
    text = html(page)
    assert "-13,225" in text and "9,257.50" in text  # paid; 70 % released on arrival
    assert "3,967.50" in text  # still held until the trial ends
    if lang == "en":
        assert "The entries balance" in text
        assert "The office&#x27;s share released on arrival" in text


def test_after_arrival_the_contract_shows_the_trial_clock(signed_in, mohammed, manager, office):
    contract = arrived(paid_contract(mohammed, manager, office), manager)
    page = html(signed_in(mohammed).get(f"/en/recruitment/contracts/{contract.uid}/"))
    assert "Trial period until" in page and "The worker arrived on" in page
    assert "The worker is with me" in page and "Report that the trial failed" in page


# --- Ending a contract --------------------------------------------------------------------


def test_cancelling_before_payment_says_nothing_was_paid(signed_in, mohammed, contract):
    client = signed_in(mohammed)
    url = f"/en/recruitment/contracts/{contract.uid}/cancel/"
    confirm = client.get(url)
    assert "Nothing was paid yet" in html(confirm)
    assert client.post(url, {"reason": "Changed my mind"}).status_code == 400
    assert "Changed my mind" in html(client.post(url, {"reason": "Changed my mind"}))
    assert client.post(url, {"confirm": "on"}).status_code == 302
    contract.refresh_from_db()
    assert contract.state == ContractState.CANCELLED


def test_cancelling_on_time_shows_the_schedule_s_share_first(signed_in, mohammed, manager, office):
    contract = paid_contract(mohammed, manager, office)
    day = 10
    percent = contract.terms.cancellation_percent(day)
    with time_machine.travel(timezone.now() + dt.timedelta(days=day), tick=False):
        client = signed_in(mohammed)
        url = f"/en/recruitment/contracts/{contract.uid}/cancel/"
        page = html(client.get(url))
        kept = (contract.total * percent / 100).quantize(Decimal("0.01"))
        assert "by the contract's schedule" in page
        from musaned.offices.ceilings import amount_text

        assert amount_text(kept) in page and amount_text(contract.total - kept) in page
        assert client.post(url, {"confirm": "on"}).status_code == 302
    contract.refresh_from_db()
    assert contract.state == ContractState.CANCELLED


def test_after_day_120_the_claim_is_the_price_and_20_percent_and_the_statement_shows_it(
    signed_in, mohammed, manager, office
):
    contract = paid_contract(mohammed, manager, office)
    with time_machine.travel(timezone.now() + dt.timedelta(days=121), tick=False):
        recruitment_clocks_run()
        contract.refresh_from_db()
        assert contract.clock == DeliveryClock.OVERDUE
        client = signed_in(mohammed)
        page = html(client.get(f"/en/recruitment/contracts/{contract.uid}/"))
        assert "Late: the extension ended on" in page
        assert "Cancel and claim the compensation" in page
        url = f"/en/recruitment/contracts/{contract.uid}/cancel/"
        claim = html(client.get(url))
        assert "Your claim, computed now" in claim
        assert "2,645" in claim and "15,870" in claim  # 20 % of 13,225; everything back
        assert client.post(url, {"confirm": "on"}).status_code == 302
        statement = html(client.get(f"/en/recruitment/contracts/{contract.uid}/statement/"))
    contract.refresh_from_db()
    assert contract.state == ContractState.CANCELLED_LATE
    assert "15,870" in statement and "-2,645" in statement


def test_cancelling_during_the_extension_claims_15_percent(signed_in, mohammed, manager, office):
    contract = paid_contract(mohammed, manager, office)
    with time_machine.travel(timezone.now() + dt.timedelta(days=95), tick=False):
        recruitment_clocks_run()
        client = signed_in(mohammed)
        claim = html(client.get(f"/en/recruitment/contracts/{contract.uid}/cancel/"))
        assert "1,983.75" in claim and "15,208.75" in claim  # 15 % of 13,225


def test_a_failed_trial_is_reported_with_a_reason_and_the_refund_shown_first(
    signed_in, mohammed, manager, office
):
    contract = arrived(paid_contract(mohammed, manager, office), manager)
    url = f"/en/recruitment/contracts/{contract.uid}/trial-failure/"
    with time_machine.travel(timezone.now() + dt.timedelta(days=30), tick=False):
        client = signed_in(mohammed)  # signed in on that day
        page = html(client.get(url))
        assert "Your refund, computed now" in page
        assert "8,816.67" in page  # 60 of the 90 days not served, of 13,225
        no_reason = client.post(url, {"confirm": "on", "reason": ""})
        assert no_reason.status_code == 400 and "This field is required." in html(no_reason)
        unticked = client.post(url, {"reason": "She wants to go home"})
        assert unticked.status_code == 400 and "She wants to go home" in html(unticked)
        done = client.post(url, {"confirm": "on", "reason": "She wants to go home"})
    assert done.status_code == 302
    contract.refresh_from_db()
    assert contract.state == ContractState.TRIAL_FAILED


def test_the_beneficiary_says_the_worker_is_with_them_and_rates_the_office_at_the_end(
    signed_in, mohammed, manager, office
):
    contract = arrived(paid_contract(mohammed, manager, office), manager)
    client = signed_in(mohammed)
    assert client.post(f"/en/recruitment/contracts/{contract.uid}/hand-over/").status_code == 302
    contract.refresh_from_db()
    assert contract.state == ContractState.IN_TRIAL
    assert "Rate the office" not in html(client.get(f"/en/recruitment/contracts/{contract.uid}/"))
    with time_machine.travel(timezone.now() + dt.timedelta(days=91), tick=False):
        recruitment_clocks_run()
    contract.refresh_from_db()
    assert contract.state == ContractState.COMPLETED
    page = html(client.get(f"/en/recruitment/contracts/{contract.uid}/"))
    assert "Rate the office" in page
    bad = client.post(f"/en/recruitment/contracts/{contract.uid}/rate/", {"rating": "9"})
    assert bad.status_code == 400 and "Select a valid choice." in html(bad)
    assert (
        client.post(f"/en/recruitment/contracts/{contract.uid}/rate/", {"rating": "4"}).status_code
        == 302
    )
    contract.refresh_from_db()
    assert contract.rating == 4
    assert "You rated the office 4 out of 5." in html(
        client.get(f"/en/recruitment/contracts/{contract.uid}/")
    )


@pytest.mark.parametrize(("prefix", "lang", "direction"), LANGUAGES)
def test_my_contracts_lists_each_with_its_stage_and_clock(
    signed_in, mohammed, manager, office, prefix, lang, direction
):
    running = paid_contract(mohammed, manager, office)
    page = signed_in(mohammed).get(f"{prefix}/recruitment/contracts/")
    in_language(page, lang, direction, arabic="عقودي", english="My contracts")
    text = html(page)
    assert running.number in text and running.worker_name in text
    if lang == "en":
        assert "Worker due by" in text


def test_the_hub_shows_the_recruitment_tiles_to_beneficiaries(signed_in, mohammed, officer):
    hub = html(signed_in(mohammed).get("/en/services/"))
    assert 'href="/en/recruitment/new/"' in hub and "Recruit a worker" in hub
    assert 'href="/en/recruitment/contracts/"' in hub
    assert 'href="/en/recruitment/new/"' not in html(signed_in(officer).get("/en/services/"))


# --- Who may open what ----------------------------------------------------------------------


@pytest.fixture
def journey(mohammed, manager, office):
    """A request with an offer accepted, and its contract paid and moved to the medical
    stage (a document on one stage): every owner-scoped URL of the beneficiary's pages."""
    contract = moved_to(
        paid_contract(mohammed, manager, office), manager, ContractState.TRAVEL_DOCUMENTS_READY
    )
    request, offer = contract.request, contract.offer
    r, c = f"/recruitment/{request.uid}", f"/recruitment/contracts/{contract.uid}"
    gets = [
        f"{r}/",
        f"{r}/cancel/",
        f"{r}/offers/{offer.uid}/accept/",
        f"{r}/offers/{offer.uid}/photo/",
        f"{c}/",
        f"{c}/status.json",
        f"{c}/sign/",
        f"{c}/statement/",
        f"{c}/cancel/",
        f"{c}/trial-failure/",
        f"{c}/evidence/travel_documents_ready/",
    ]
    posts = [
        (f"{r}/cancel/", {"confirm": "on"}),
        (f"{r}/decline/", {"reason": "no"}),
        (f"{r}/offers/{offer.uid}/accept/", {"confirm": "on"}),
        (f"{c}/sign/", {"code": "123456"}),
        (f"{c}/sign/send/", {}),
        (f"{c}/cancel/", {"confirm": "on"}),
        (f"{c}/trial-failure/", {"confirm": "on", "reason": "x"}),
        (f"{c}/hand-over/", {}),
        (f"{c}/rate/", {"rating": "5"}),
    ]
    return contract, gets, posts


def test_the_owner_opens_every_page_of_the_journey(signed_in, mohammed, journey):
    _contract, gets, _posts = journey
    client = signed_in(mohammed)
    for url in gets:
        response = client.get(f"/en{url}")
        assert response.status_code in (200, 302), (url, response.status_code)


@pytest.mark.parametrize(
    "who", ["sarah", "manager", "employee", "other_manager", "viewer", "licensing", "officer"]
)
def test_nobody_else_reaches_the_beneficiary_s_pages(signed_in, journey, who, request, staff_roles):
    """Another beneficiary, the office's own people, another office, staff (even one who
    may read every contract on the back office's pages): the same 404, for every GET and
    every POST, and nothing changes."""
    contract, gets, posts = journey
    if who == "viewer":
        person = StaffFactory(username="viewer", permissions=["view_all_contracts"])
    else:
        person = request.getfixturevalue(who)
    client = signed_in(person)
    for url in gets:
        assert client.get(f"/en{url}").status_code == 404, url
    for url, data in posts:
        assert client.post(f"/en{url}", data).status_code == 404, url
    before = (contract.state, contract.request.state)
    contract.refresh_from_db()
    assert (contract.state, contract.request.state) == before
    assert contract.rating is None


def test_a_visitor_is_sent_to_sign_in(client, journey):
    _contract, gets, posts = journey
    for url in [*gets, "/recruitment/", "/recruitment/new/", "/recruitment/contracts/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_the_lists_show_only_the_person_s_own(signed_in, sarah, manager, journey):
    contract, _gets, _posts = journey
    for person in (sarah, manager):
        client = signed_in(person)
        assert contract.number not in html(client.get("/en/recruitment/contracts/"))
        assert contract.request.number not in html(client.get("/en/recruitment/"))


# --- Query counts -----------------------------------------------------------------------------


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_my_contracts_costs_the_same_queries_however_many_contracts(
    signed_in, mohammed, manager, office, django_assert_max_num_queries
):
    first = accepted(mohammed, manager, office)
    client = signed_in(mohammed)
    one = _queries(client, "/en/recruitment/contracts/")
    contracts.contract_cancel(contract=first, actor=mohammed)  # the visa is free again
    for _ in range(5):
        more = accepted(mohammed, manager, office, visa=False)
        contracts.contract_cancel(contract=more, actor=mohammed)
    paid(signed(mohammed, manager, accepted(mohammed, manager, office, visa=False)))
    assert Contract.objects.filter(beneficiary=mohammed).count() == 7
    with django_assert_max_num_queries(one):
        page = client.get("/en/recruitment/contracts/")
    for number in Contract.objects.filter(beneficiary=mohammed).values_list("number", flat=True):
        assert number in html(page)
    with django_assert_max_num_queries(_queries(client, "/en/recruitment/")):
        client.get("/en/recruitment/")


def test_the_comparison_costs_the_same_queries_however_many_offers(
    signed_in, mohammed, manager, employee, office, other_office, other_manager,
    django_assert_max_num_queries,
):  # fmt: skip
    request = sent_request(mohammed, [office, other_office])
    offer_from(manager, request, office)
    client = signed_in(mohammed)
    url = f"/en/recruitment/{request.uid}/"
    one = _queries(client, url)
    for person, where in ((employee, office), (other_manager, other_office)) * 3:
        offer_from(person, request, where, price=Decimal("9000"))
    with django_assert_max_num_queries(one):
        page = client.get(url)
    assert html(page).count("/photo/") == 7


def headed_in(client, urls, prefix: str, lang: str, direction: str) -> None:
    """Each page answers 200 in ``lang`` with its direction, its heading in that script."""
    for url in urls:
        response = client.get(f"{prefix}{url}")
        assert response.status_code == 200, (url, response.status_code)
        text = html(response)
        assert f'<html lang="{lang}" dir="{direction}">' in text, url
        heading = re.search(r"<h1>(.*?)</h1>", text, re.S).group(1)
        script = r"[\u0600-\u06FF]" if lang == "ar" else r"[A-Za-z]{3}"
        assert re.search(script, re.sub(r"<[^>]+>|[0-9]", "", heading)), (url, heading)


@pytest.mark.parametrize(("prefix", "lang", "direction"), LANGUAGES)
def test_every_page_before_the_contract_answers_in_arabic_and_english(
    signed_in, mohammed, employee, office, prefix, lang, direction
):
    waiting = sent_request(mohammed, [office])
    offer = offer_from(employee, waiting, office)
    client = signed_in(mohammed)
    headed_in(
        client,
        [
            "/recruitment/new/",
            f"/recruitment/new/?{query()}",
            "/recruitment/",
            f"/recruitment/{waiting.uid}/",
            f"/recruitment/{waiting.uid}/cancel/",
            f"/recruitment/{waiting.uid}/offers/{offer.uid}/accept/",
        ],
        prefix, lang, direction,
    )  # fmt: skip
    unsigned = offers.offer_accept(offer=offer, actor=mohammed)
    headed_in(
        client,
        [
            "/recruitment/contracts/",
            f"/recruitment/contracts/{unsigned.uid}/",
            f"/recruitment/contracts/{unsigned.uid}/sign/",
            f"/recruitment/contracts/{unsigned.uid}/cancel/",
        ],
        prefix, lang, direction,
    )  # fmt: skip


@pytest.mark.parametrize(("prefix", "lang", "direction"), LANGUAGES)
def test_every_page_after_arrival_answers_in_arabic_and_english(
    signed_in, mohammed, manager, office, prefix, lang, direction
):
    contract = arrived(paid_contract(mohammed, manager, office), manager)
    headed_in(
        signed_in(mohammed),
        [
            f"/recruitment/contracts/{contract.uid}/",
            f"/recruitment/contracts/{contract.uid}/statement/",
            f"/recruitment/contracts/{contract.uid}/trial-failure/",
        ],
        prefix, lang, direction,
    )  # fmt: skip


def test_nonsense_in_addresses_and_forms_is_a_404_or_a_form_error_never_a_500(
    signed_in, mohammed, manager, office
):
    contract = arrived(paid_contract(mohammed, manager, office), manager)
    client = signed_in(mohammed)
    c = f"/en/recruitment/contracts/{contract.uid}"
    for url in (
        "/en/recruitment/not-a-uid/",
        "/en/recruitment/contracts/not-a-uid/",
        f"/en/recruitment/{contract.request.uid}/offers/not-a-uid/photo/",
        f"{c}/evidence/no_such_stage/",
    ):
        assert client.get(url).status_code == 404, url
    garbage = client.get("/en/recruitment/new/?occupation=x&nationality=&worker_gender=Q")
    assert garbage.status_code == 400 and 'name="occupation"' in html(garbage)
    page_two = client.get(f"/en/recruitment/new/?{query()}&page=zz")
    assert page_two.status_code == 200
    odd = client.post(f"/en/recruitment/new/?{query()}", {"offices": ["not-a-uid"]})
    assert odd.status_code == 400 and "Choose from the offices listed." in html(odd)
    rating = client.post(f"{c}/rate/", {"rating": "abc", "state": "completed"})
    assert rating.status_code == 400
    contract.refresh_from_db()
    assert contract.state == ContractState.ARRIVED and contract.rating is None


def test_a_womans_religion_and_marital_status_are_said_in_the_feminine_in_arabic():
    from django.utils import translation

    from musaned.recruitment.models import MaritalStatus, Religion, choice_label

    with translation.override("ar"):
        assert choice_label(MaritalStatus, "single", "F") == "عزباء"
        assert choice_label(MaritalStatus, "single", "M") == "أعزب"
        assert choice_label(Religion, "muslim", "F") == "مسلمة"
        assert choice_label(Religion, "other", "F") == "أخرى"
        assert choice_label(MaritalStatus, "retired", "F") == "retired"  # not a choice
    with translation.override("en"):
        assert choice_label(MaritalStatus, "single", "F") == "Single"
