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
from musaned.recruitment.services import contracts
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
from musaned.recruitment.workflow.contract import Action as ContractAction
from musaned.recruitment.workflow.request import Action as RequestAction
from musaned.visas.models import Nationality, Occupation, VisaApplication, VisaState
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


def in_language(response, lang: str, direction: str) -> None:
    assert response.status_code == 200, response.status_code
    assert f'<html lang="{lang}" dir="{direction}">' in html(response)


# --- "Recruit a worker" -------------------------------------------------------------------


@pytest.mark.parametrize(("prefix", "lang", "direction"), LANGUAGES)
def test_recruit_a_worker_asks_for_the_worker_and_says_the_disability_path(
    signed_in, mohammed, office, prefix, lang, direction
):
    page = signed_in(mohammed).get(f"{prefix}/recruitment/new/")
    in_language(page, lang, direction)
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
    in_language(page, lang, direction)
    text = html(page)
    assert str(office.uid) in text and office.name_en in text or office.name_ar in text
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
    assert none.status_code == 400 and "Choose one office, or up to 3." in html(none)
    four = [str(o.uid) for o in (office, other_office, *more)]
    too_many = client.post(url, {"offices": four})
    text = html(too_many)
    assert too_many.status_code == 400 and "Choose one office, or up to 3." in text
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
    in_language(page, lang, direction)
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
    request, first, second = two_offers
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
    in_language(page, lang, direction)
    assert request.number in html(page)
    if lang == "en":
        assert "Offers due by" in html(page)
