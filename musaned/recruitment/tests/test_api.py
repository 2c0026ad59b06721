"""Recruitment in the REST API v1: the beneficiary's requests, the offers side by side
(accept one, decline all), contracts (sign with the SMS code, cancel, the statement); the
office's incoming requests, its offers and the stages. Every route's access matrix,
Idempotency-Key on every write, 409 for a step the table does not allow, query counts
that do not grow with the rows, and hostile input answered, never a 500."""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import re
from decimal import Decimal

import pytest
import time_machine
from django.test import TestCase
from django.utils import timezone

from musaned.accounts.tests.factories import BeneficiaryFactory, StaffFactory
from musaned.api.models import IdempotencyRecord
from musaned.core.models import AuditEvent
from musaned.core.tests.documents import PDF, png_bytes
from musaned.notifications import sms
from musaned.recruitment import permissions
from musaned.recruitment.models import (
    Contract,
    ContractState,
    Offer,
    OfferState,
    RecruitmentRequest,
    RequestOfficeState,
    RequestState,
    Signature,
)
from musaned.recruitment.schemas import Stage
from musaned.recruitment.services.clocks import recruitment_clocks_run
from musaned.recruitment.tests.factories import (
    accepted,
    moved_to,
    offer_from,
    paid,
    received_by,
    sent_request,
    signed,
)
from musaned.recruitment.workflow.contract import STAGE_ROWS

pytestmark = pytest.mark.django_db

_passports = itertools.count(1)


def photo_json(data: bytes | None = None, content_type: str = "image/png") -> dict:
    raw = png_bytes() if data is None else data
    return {"content_type": content_type, "data": base64.b64encode(raw).decode()}


def cv_json(**overrides) -> dict:
    """A worker's CV as an office's software sends it."""
    return {
        "full_name": "Maria Santos Reyes",
        "passport_number": f"Q{next(_passports):07d}",
        "nationality": "PHL",
        "date_of_birth": "1994-05-17",
        "religion": "christian",
        "marital_status": "single",
        "languages": ["fil", "en"],
        "experience_years": 4,
        "experience_kind": "Housemaid in Riyadh, 2019-2023",
        "skills": "Cooking, childcare",
        "monthly_salary": "1500",
        "price": "11500",
        "days_to_arrival": 45,
        "photo": photo_json(),
        **overrides,
    }


def request_json(office, **overrides) -> dict:
    return {
        "occupation": "housemaid",
        "nationality": "PHL",
        "worker_gender": "F",
        "offices": [str(office.uid)],
        **overrides,
    }


@pytest.fixture
def client_for(api, token_for):
    """An API client with a new token of ``user``: ``client_for(user, language="ar")``."""

    def open_(user, language: str = "en"):
        return api(token_for(user), language=language)

    return open_


@pytest.fixture
def staff(recruitment_data):
    """Ministry staff who may read every contract (on the back office's pages)."""
    return StaffFactory(username="auditor", permissions=["view_all_contracts"])


def sms_code(user) -> str:
    body = next(m.body for m in reversed(sms.outbox) if m.to == user.mobile)
    return re.search(r"\b([0-9]{6})\b", body).group(1)


# ---------------------------------------------------------------------------- the journey


def test_a_beneficiary_recruits_through_the_api_and_the_office_answers_through_its_own(
    mohammed, manager, employee, office, client_for
):
    from musaned.visas.tests.factories import issued_visa

    issued_visa(mohammed)
    me, desk, boss = client_for(mohammed), client_for(employee), client_for(manager)

    made = me.post("/recruitment/requests", request_json(office, languages=["en"]), key="r-1")
    assert made.status_code == 201, made.text
    request = made.json()
    assert (request["state"], request["state_label"]) == ("sent", "Sent to the offices")
    assert request["visa_is_new"] is False and request["visa"]["state"] == "issued"
    assert request["occupation"] == {"code": "housemaid", "name": "Housemaid"}
    assert request["languages"] == [{"code": "en", "label": "English"}]
    assert request["offices"][0]["office"] == {"id": str(office.uid), "name": office.name_en}
    assert request["offices"][0]["state"] == "waiting" and request["offices"][0]["due_at"]
    assert request["actions"] == ["cancel"] and request["contract"] is None
    assert len(request["id"]) == 36 and "pk" not in request

    # The office sees it, without the beneficiary's identity, and answers with two offers.
    incoming = desk.get("/office/recruitment/requests").json()
    assert [row["number"] for row in incoming] == [request["number"]]
    assert "national_id" not in str(incoming) and mohammed.last_name not in str(incoming)
    received = incoming[0]["id"]
    first = desk.post(f"/office/recruitment/requests/{received}/offers", cv_json(), key="o-1")
    assert first.status_code == 201, first.text
    cheaper = cv_json(full_name="Ana Cruz", price="11000", experience_years=6)
    second = boss.post(f"/office/recruitment/requests/{received}/offers", cheaper, key="o-2")
    assert second.status_code == 201, second.text
    assert second.json()["price_with_vat"] == "12650.00"
    detail = desk.get(f"/office/recruitment/requests/{received}").json()
    assert detail["state"] == "answered" and detail["taking_offers"] is True
    assert [o["full_name"] for o in detail["offers"]] == ["Maria Santos Reyes", "Ana Cruz"]

    # The beneficiary compares them side by side, the lowest price first.
    offers = me.get(f"/recruitment/requests/{request['id']}/offers").json()
    assert [o["full_name"] for o in offers] == ["Ana Cruz", "Maria Santos Reyes"]
    ana = offers[0]
    assert (ana["experience_years"], ana["days_to_arrival"], ana["age"]) == (6, 45, ana["age"])
    assert ana["languages"] == [
        {"code": "fil", "label": "Filipino"},
        {"code": "en", "label": "English"},
    ]
    assert ana["religion"] == {"code": "christian", "label": "Christian"}
    assert ana["office"]["id"] == str(office.uid)
    assert me.get(f"/recruitment/requests/{request['id']}").json()["actions"] == [
        "cancel",
        "accept",
        "decline",
    ]

    taken = me.post(f"/recruitment/requests/{request['id']}/offers/{ana['id']}/accept", key="a-1")
    assert taken.status_code == 201, taken.text
    contract = taken.json()
    assert (contract["state"], contract["total"]) == ("awaiting_signatures", "12650.00")
    assert contract["worker_name"] == "Ana Cruz" and contract["bill"] is None
    assert contract["beneficiary_name"] == mohammed.get_full_name()
    assert contract["actions"] == ["sign_as_beneficiary", "cancel"]
    assert Offer.objects.get(uid=offers[1]["id"]).state == OfferState.WITHDRAWN
    read = me.get(f"/recruitment/requests/{request['id']}").json()
    assert (read["state"], read["contract"]) == ("accepted", contract["id"])

    # The manager signs in the portal; the beneficiary signs here with the SMS code.
    row = Contract.objects.get(uid=contract["id"])
    from musaned.recruitment.services import contracts

    contracts.contract_sign_as_office(contract=row, actor=manager)
    with TestCase.captureOnCommitCallbacks(execute=True):
        sent = me.post(f"/recruitment/contracts/{contract['id']}/signature-code", key="c-1")
    assert sent.status_code == 201, sent.text
    assert sent.json()["sent_to"] == mohammed.masked_mobile and sent.json()["expires_at"]
    code = sms_code(mohammed)
    done = me.post(f"/recruitment/contracts/{contract['id']}/sign", {"code": code}, key="s-1")
    assert done.status_code == 200, done.text
    signed_contract = done.json()
    assert signed_contract["state"] == "signed"
    assert {s["role"] for s in signed_contract["signatures"]} == {"beneficiary", "office"}
    assert {s["document_hash"] for s in signed_contract["signatures"]} == {row.document_hash}
    bill = signed_contract["bill"]
    assert bill["amount"] == "12650.00" and bill["state"] == "unpaid" and bill["pay_url"]

    # Paid on the provider's page; the office moves the stages to arrival here.
    row = paid(Contract.objects.get(pk=row.pk))
    path = f"/office/recruitment/contracts/{contract['id']}/stages"
    steps = [
        {"stage": "link_visa", "number": row.visa.visa_number},
        {"stage": "travel_documents", "number": "STAMP-55120"},
        {"stage": "medical", "number": "WAF-2026-551204"},
        {
            "stage": "book_ticket",
            "flight_number": "sv 871",
            "flight_date": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
        },
        {
            "stage": "arrive",
            "arrival_date": timezone.localdate().isoformat(),
            "arrival_point": "RUH",
        },
    ]
    for n, step in enumerate(steps):
        moved = desk.post(path, step, key=f"stage-{n}")
        assert moved.status_code == 201, (step, moved.text)
    arrived = moved.json()
    assert (arrived["state"], arrived["clock"]) == ("arrived", "stopped")
    assert [s["stage"] for s in arrived["stages"]] == [
        "visa_linked",
        "travel_documents_ready",
        "medical_passed",
        "ticket_booked",
        "arrived",
    ]
    assert arrived["stages"][3]["flight_number"] == "SV 871"
    assert arrived["stages"][4]["arrival_point"]["code"] == "RUH"
    assert arrived["trial_ends_on"] and arrived["day_of_trial"] == 0

    mine = me.get(f"/recruitment/contracts/{contract['id']}").json()
    assert mine["state"] == "arrived" and "hand_over" in mine["actions"]
    assert "report_trial_failure" in mine["actions"]
    statement = me.get(f"/recruitment/contracts/{contract['id']}/statement").json()
    assert statement["balanced"] is True
    assert (statement["paid"], statement["released"], statement["held"]) == (
        "12650.00",
        "8855.00",
        "3795.00",
    )
    assert [e["memo"] for e in statement["entries"]] == [
        "payment",
        "payment",
        "release_on_arrival",
        "release_on_arrival",
    ]
    assert statement["entries"][0]["memo_label"].startswith("Paid by the beneficiary")
    assert sum(Decimal(e["amount"]) for e in statement["entries"]) == 0
    # The office reads the same statement.
    assert desk.get(f"/office/recruitment/contracts/{contract['id']}/statement").json() == (
        statement
    )
    handed = me.post(f"/recruitment/contracts/{contract['id']}/hand-over", key="h-1")
    assert handed.status_code == 200 and handed.json()["state"] == "in_trial"
    assert [c["id"] for c in me.get("/recruitment/contracts").json()] == [contract["id"]]
    assert [c["id"] for c in desk.get("/office/recruitment/contracts").json()] == [contract["id"]]


def test_declining_every_offer_needs_a_reason_and_tells_the_offices(
    mohammed, manager, office, client_for
):
    request = sent_request(mohammed, [office])
    offer = offer_from(manager, request, office)
    me = client_for(mohammed)
    blank = me.post(f"/recruitment/requests/{request.uid}/decline", {"reason": "  "}, key="d-0")
    assert blank.status_code == 422 and blank.json()["code"] == "reason_required"
    assert "reason" in blank.json()["fields"]
    missing = me.post(f"/recruitment/requests/{request.uid}/decline", {}, key="d-1")
    assert missing.status_code == 422 and missing.json()["fields"] == {
        "reason": ["This field is required."]
    }
    declined = me.post(
        f"/recruitment/requests/{request.uid}/decline", {"reason": "Too expensive"}, key="d-2"
    )
    assert declined.status_code == 200, declined.text
    assert declined.json()["state"] == "declined" and declined.json()["actions"] == []
    assert declined.json()["decline_reason"] == "Too expensive"
    offer.refresh_from_db()
    assert offer.state == OfferState.DECLINED
    again = me.post(f"/recruitment/requests/{request.uid}/decline", {"reason": "x"}, key="d-3")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_a_request_without_a_visa_makes_the_visa_application_first(mohammed, office, client_for):
    made = client_for(mohammed).post("/recruitment/requests", request_json(office), key="r")
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["state"] == "awaiting_visa" and body["visa_is_new"] is True
    assert body["visa"]["state"] == "draft"
    assert (
        client_for(mohammed).get(f"/visa-applications/{body['visa']['reference']}").status_code
        == 200
    )


def test_the_request_is_refused_with_the_field_that_is_wrong(
    mohammed, office, other_office, client_for, exempt
):
    me = client_for(mohammed)
    cases = [
        ({"occupation": "astronaut"}, "occupation"),
        ({"nationality": "XXX"}, "nationality"),
        ({"offices": ["not-an-id"]}, "offices"),
        ({"offices": ["00000000-0000-0000-0000-000000000000"]}, "offices"),
        ({"offices": []}, "offices"),
        ({"worker_gender": "X"}, "worker_gender"),
        ({"min_age": 18}, "min_age"),
        ({"languages": ["klingon"]}, "languages.0"),
        ({"religion": 7}, "religion"),
    ]
    for n, (change, field) in enumerate(cases):
        answer = me.post("/recruitment/requests", request_json(office, **change), key=f"bad-{n}")
        assert answer.status_code == 422, (change, answer.text)
        assert field in answer.json()["fields"], (change, answer.json())
    # What the service refuses, on its field, in the caller's language.
    far = me.post("/recruitment/requests", request_json(office, min_age=40, max_age=30), key="ages")
    assert far.status_code == 422 and far.json()["code"] == "age_range"
    four = request_json(office, offices=[str(office.uid)] * 2)
    assert me.post("/recruitment/requests", four, key="dup").json()["code"] == "office_count"
    male = request_json(office, worker_gender="M", occupation="housemaid")
    assert me.post("/recruitment/requests", male, key="m").json()["code"] == "gender_not_open"
    # The other office recruits only Filipinos for housemaid; a Kenyan is not offered by it.
    kenyan = request_json(other_office, nationality="KEN")
    refused = me.post("/recruitment/requests", kenyan, key="ken")
    assert refused.status_code == 422 and refused.json()["code"] == "office_not_available"
    # A disability exemption keeps its own visa path.
    path = client_for(exempt).post("/recruitment/requests", request_json(office), key="ex")
    assert path.status_code == 422 and path.json()["code"] == "disability_path"
    assert RecruitmentRequest.objects.count() == 0


def test_the_office_is_refused_what_the_rules_refuse(mohammed, manager, office, client_for):
    request = sent_request(mohammed, [office])
    received = received_by(request, office)
    boss = client_for(manager)
    path = f"/office/recruitment/requests/{received.uid}/offers"
    cases = [
        ({"price": "12000.01"}, "price_above_list", "price"),
        ({"nationality": "KEN"}, "worker_nationality", "nationality"),
        ({"date_of_birth": "2015-01-01"}, "worker_age", "date_of_birth"),
        ({"passport_number": "??"}, "passport_invalid", "passport_number"),
        ({"photo": photo_json(b"not a picture")}, "type", "photo"),
        ({"photo": photo_json(PDF)}, None, "photo"),
        ({"photo": {"content_type": "image/png", "data": "%%%"}}, "invalid", "photo.data"),
        ({"photo": {"content_type": "image/gif", "data": "R0lG"}}, "invalid", "photo.content_type"),
        ({"nationality": "ZZZ"}, "invalid", "nationality"),
        ({"days_to_arrival": 0}, "invalid", "days_to_arrival"),
        ({"monthly_salary": "-1"}, "invalid", "monthly_salary"),
        ({"price": "NaN"}, "invalid", "price"),
        ({"languages": []}, "invalid", "languages"),
        ({"experience_years": "many"}, "invalid", "experience_years"),
    ]
    for n, (change, code, field) in enumerate(cases):
        answer = boss.post(path, cv_json(**change), key=f"bad-{n}")
        assert answer.status_code == 422, (change, answer.text)
        if code:
            assert answer.json()["code"] == code, (change, answer.json())
        assert field in answer.json()["fields"], (change, answer.json())
    assert not Offer.objects.exists()
    same = cv_json()
    assert boss.post(path, same, key="ok").status_code == 201
    twice = boss.post(path, {**same, "full_name": "Maria S. Reyes"}, key="twice")
    assert twice.status_code == 409 and twice.json()["code"] == "worker_already_offered"
    declined = boss.post(
        f"/office/recruitment/requests/{received.uid}/decline", {"reason": "None"}, key="no"
    )
    assert declined.status_code == 409  # it answered already: nothing to decline


def test_the_office_takes_an_offer_back_and_declines_a_request(
    mohammed, manager, employee, office, other_office, client_for
):
    request = sent_request(mohammed, [office, other_office])
    offer = offer_from(employee, request, office)
    desk = client_for(employee)
    back = desk.post(f"/office/recruitment/offers/{offer.uid}/retract", key="back")
    assert back.status_code == 200, back.text
    assert (back.json()["state"], back.json()["state_label"]) == ("withdrawn", "Withdrawn")
    again = desk.post(f"/office/recruitment/offers/{offer.uid}/retract", key="back-2")
    assert again.status_code == 409

    theirs = received_by(request, other_office)
    john = other_office.memberships.get().user
    no = client_for(john).post(
        f"/office/recruitment/requests/{theirs.uid}/decline",
        {"reason": "No such workers now"},
        key="no",
    )
    assert no.status_code == 200, no.text
    assert no.json()["state"] == "declined" and no.json()["actions"] == []
    assert no.json()["taking_offers"] is False
    waiting = client_for(john).get("/office/recruitment/requests?state=waiting").json()
    assert waiting == []
    assert len(client_for(john).get("/office/recruitment/requests?state=declined").json()) == 1
    assert client_for(john).get("/office/recruitment/requests?state=nope").status_code == 422
