"""Recruitment in the REST API v1: the beneficiary's requests, the offers side by side
(accept one, decline all), contracts (sign with the SMS code, cancel, the statement); the
office's incoming requests, its offers and the stages. Every route's access matrix,
Idempotency-Key on every write, 409 for a step the table does not allow, query counts
that do not grow with the rows, and hostile input answered, never a 500."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from decimal import Decimal

import pytest
import time_machine
from django.test import TestCase
from django.utils import timezone

from musaned.accounts.tests.factories import StaffFactory
from musaned.core.models import AuditEvent
from musaned.core.tests.documents import PDF
from musaned.notifications import sms
from musaned.recruitment.models import (
    Contract,
    ContractState,
    Offer,
    OfferState,
    RecruitmentRequest,
    Signature,
)
from musaned.recruitment.schemas import Stage
from musaned.recruitment.services.clocks import recruitment_clocks_run
from musaned.recruitment.tests.api_helpers import cv_json, photo_json, request_json
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


def visa(owner):
    """An issued visa, with the balance a citizen's third visa needs (paid with an event id
    of its own)."""
    from musaned.payments.selectors import bill_for
    from musaned.payments.tests.fakes import pay
    from musaned.visas.tests.factories import submitted

    application = submitted(owner, bank_balance=Decimal("500000"))
    bill = bill_for(application)
    pay(bill, event_id=f"EVT-{bill.number}")
    application.refresh_from_db()
    assert application.state == "issued", application.state
    return application


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

    # What both sign: the document whose canonical JSON's SHA-256 the signatures hold.
    row = Contract.objects.get(uid=contract["id"])
    document = me.get(f"/recruitment/contracts/{contract['id']}/document").json()
    canonical = json.dumps(
        document["document"], sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    assert hashlib.sha256(canonical.encode()).hexdigest() == document["document_hash"]
    assert document["document_hash"] == contract["document_hash"] == row.document_hash
    assert document["document"]["worker"]["full_name"] == "Ana Cruz"
    assert document["document"]["terms"]["clauses"]["ar"]
    assert desk.get(f"/office/recruitment/contracts/{contract['id']}/document").json() == document

    # The manager signs in the portal; the beneficiary signs here with the SMS code.
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


# ---------------------------------------------------------------------------- access matrix

BENEFICIARY, OFFICE = "beneficiary", "office"


def _cv():
    return cv_json()


# (method, path, body, side, the first allowed caller's status). ``{request}`` and the
# rest are filled from the world below; a body that is a function is called each time.
ROUTES = [
    ("get", "/recruitment/requests", None, BENEFICIARY, 200),
    ("post", "/recruitment/requests", "new-request", BENEFICIARY, 201),
    ("get", "/recruitment/requests/{request}", None, BENEFICIARY, 200),
    ("post", "/recruitment/requests/{request}/cancel", None, BENEFICIARY, 200),
    ("get", "/recruitment/requests/{request}/offers", None, BENEFICIARY, 200),
    ("post", "/recruitment/requests/{request}/offers/{offer}/accept", None, BENEFICIARY, 201),
    ("post", "/recruitment/requests/{request}/decline", {"reason": "No"}, BENEFICIARY, 200),
    ("get", "/recruitment/contracts", None, BENEFICIARY, 200),
    ("get", "/recruitment/contracts/{contract}", None, BENEFICIARY, 200),
    ("get", "/recruitment/contracts/{contract}/statement", None, BENEFICIARY, 200),
    ("get", "/recruitment/contracts/{contract}/document", None, BENEFICIARY, 200),
    ("post", "/recruitment/contracts/{contract}/signature-code", None, BENEFICIARY, 201),
    # No code was sent for this token: the code is refused, not the caller.
    ("post", "/recruitment/contracts/{contract}/sign", {"code": "123456"}, BENEFICIARY, 422),
    ("post", "/recruitment/contracts/{contract}/hand-over", None, BENEFICIARY, 409),
    ("post", "/recruitment/contracts/{contract}/cancel", {}, BENEFICIARY, 200),
    ("post", "/recruitment/contracts/{contract}/trial-failure", {"reason": "x"}, BENEFICIARY, 409),
    ("post", "/recruitment/contracts/{contract}/rating", {"rating": 5}, BENEFICIARY, 409),
    ("get", "/office/recruitment/requests", None, OFFICE, 200),
    ("get", "/office/recruitment/requests/{received}", None, OFFICE, 200),
    ("post", "/office/recruitment/requests/{received}/offers", _cv, OFFICE, 201),
    ("post", "/office/recruitment/requests/{received}/decline", {"reason": "x"}, OFFICE, 409),
    ("post", "/office/recruitment/offers/{offer}/retract", None, OFFICE, 200),
    ("get", "/office/recruitment/contracts", None, OFFICE, 200),
    ("get", "/office/recruitment/contracts/{contract}", None, OFFICE, 200),
    ("get", "/office/recruitment/contracts/{contract}/statement", None, OFFICE, 200),
    ("get", "/office/recruitment/contracts/{contract}/document", None, OFFICE, 200),
    (
        "post",
        "/office/recruitment/contracts/{contract}/stages",
        {"stage": "link_visa", "number": "1"},
        OFFICE,
        409,
    ),
    ("post", "/office/recruitment/contracts/{contract}/hand-over", None, OFFICE, 409),
]
WRITES = [route for route in ROUTES if route[0] == "post"]


def test_the_matrix_covers_every_recruitment_route():
    from musaned.api.api import api

    paths = api.get_openapi_schema()["paths"]
    declared = {
        (method, path.removeprefix("/api/v1"))
        for path, operations in paths.items()
        if "/recruitment/" in path
        for method in operations
    }
    assert declared == {(method, path.replace("{request}", "{id}").replace("{received}", "{id}")
                         .replace("{contract}", "{id}").replace("{offer}/accept", "{offer_id}/accept")
                         .replace("offers/{offer}/retract", "offers/{id}/retract"))
                        for method, path, *_ in ROUTES}  # fmt: skip


def test_the_stages_the_api_takes_are_the_tables():
    assert [stage.value for stage in Stage] == [str(row.action) for row in STAGE_ROWS]


@pytest.fixture
def world(mohammed, sarah, manager, employee, other_manager, office, other_office, staff):
    """Mohammed's request with an offer of Noor's, and his contract with Noor (from another
    request); the people who may and may not touch them."""
    visa(mohammed), visa(mohammed)
    request = sent_request(mohammed, [office], visa=False)
    offer = offer_from(manager, request, office)
    contract = accepted(mohammed, manager, office, visa=False)
    return {
        "ids": {
            "request": str(request.uid),
            "offer": str(offer.uid),
            "received": str(received_by(request, office).uid),
            "contract": str(contract.uid),
        },
        "the_office": office,
        BENEFICIARY: [mohammed],
        OFFICE: [manager, employee],
        "others": {
            BENEFICIARY: [sarah, manager, employee, other_manager, staff],
            OFFICE: [mohammed, sarah, other_manager, staff],
        },
        "other_office": other_manager,
    }


def snapshot() -> tuple:
    """Everything a write would change."""
    from musaned.accounts.models import OneTimeCode
    from musaned.recruitment.models import StageEvidence

    return (
        AuditEvent.objects.exclude(action__startswith="api").count(),
        sorted(RecruitmentRequest.objects.values_list("pk", "state")),
        sorted(Offer.objects.values_list("pk", "state")),
        sorted(Contract.objects.values_list("pk", "state", "rating")),
        StageEvidence.objects.count(),
        OneTimeCode.objects.count(),
    )


def _send(client, method, path, body, world, key):
    if body == "new-request":
        body = request_json(world["the_office"])
    elif callable(body):
        body = body()
    if method == "get":
        return client.get(path)
    return client.post(path, body, key=key)


@pytest.mark.parametrize(
    ("method", "template", "body", "side", "allowed"),
    ROUTES,
    ids=[f"{m} {p}" for m, p, *_ in ROUTES],
)
def test_access_matrix(method, template, body, side, allowed, world, api, client_for):
    path = template.format(**world["ids"])
    ids = set(world["ids"].values())
    listing = "{" not in template
    before = snapshot()

    # Anonymous: 401, whatever the route.
    anonymous = _send(api(), method, path, body, world, key="anon")
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Bearer"

    # Everyone else: the same 404 as for a record that does not exist, or a list without
    # the record. (Anyone may make a request of their own.)
    if template != "/recruitment/requests" or method == "get":
        for n, person in enumerate(world["others"][side]):
            answer = _send(client_for(person), method, path, body, world, key=f"other-{n}")
            member_elsewhere = side == OFFICE and person is world["other_office"]
            if listing and (side == BENEFICIARY or member_elsewhere):
                assert answer.status_code == 200, (person, answer.text)
                assert not ids & {row["id"] for row in answer.json()}, person
            else:
                assert answer.status_code == 404, (person, answer.text)
                assert answer.json()["code"] == "not_found"
        assert snapshot() == before

    # The record's own people.
    callers = world[side] if method == "get" else world[side][:1]
    for n, person in enumerate(callers):
        answer = _send(client_for(person), method, path, body, world, key=f"own-{n}")
        assert answer.status_code == allowed, (person, answer.text)
        if method == "get" and listing:
            assert ids & {row["id"] for row in answer.json()}
    if allowed == 409:
        assert answer.json()["code"] in ("invalid_transition", "not_yet", "not_rateable")
        assert snapshot() == before  # a refused step changes nothing


@pytest.mark.parametrize(
    ("method", "template", "body", "side", "allowed"),
    WRITES,
    ids=[p for _m, p, *_ in WRITES],
)
def test_every_write_needs_an_idempotency_key(
    method, template, body, side, allowed, world, client_for
):
    before = snapshot()
    client = client_for(world[side][0])
    path = template.format(**world["ids"])
    for key in (None, "", " ", "k" * 101):
        answer = _send(client, method, path, body, world, key=key)
        assert answer.status_code == 400, (key, answer.text)
        assert answer.json()["code"] == "idempotency_key_required"
    assert snapshot() == before


# ---------------------------------------------------------------------------- idempotency


def test_a_retried_write_is_answered_once(mohammed, manager, office, client_for):
    from musaned.accounts.models import OneTimeCode
    from musaned.visas.tests.factories import issued_visa

    issued_visa(mohammed)
    me, boss = client_for(mohammed), client_for(manager)
    first = me.post("/recruitment/requests", request_json(office), key="same")
    again = me.post("/recruitment/requests", request_json(office), key="same")
    assert first.status_code == 201 and (again.status_code, again.json()) == (201, first.json())
    assert RecruitmentRequest.objects.count() == 1
    other = me.post("/recruitment/requests", request_json(office, min_age=30), key="same")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"

    received = RecruitmentRequest.objects.get().recipients.get()
    cv = cv_json()
    path = f"/office/recruitment/requests/{received.uid}/offers"
    sent = [boss.post(path, cv, key="offer") for _ in range(3)]
    assert {a.status_code for a in sent} == {201} and sent[0].json() == sent[2].json()
    assert Offer.objects.count() == 1

    contract = Offer.objects.get()
    request = RecruitmentRequest.objects.get()
    taken = me.post(f"/recruitment/requests/{request.uid}/offers/{contract.uid}/accept", key="a")
    contract = Contract.objects.get(uid=taken.json()["id"])
    codes = [
        me.post(f"/recruitment/contracts/{contract.uid}/signature-code", key="c") for _ in "ab"
    ]
    assert [a.status_code for a in codes] == [201, 201] and codes[0].json() == codes[1].json()
    assert OneTimeCode.objects.filter(user=mohammed, purpose="signature").count() == 1


def test_ten_copies_of_one_accept_make_one_contract(mohammed, manager, office, client_for):
    request = sent_request(mohammed, [office])
    offer = offer_from(manager, request, office)
    other = offer_from(manager, request, office)
    me = client_for(mohammed)
    path = f"/recruitment/requests/{request.uid}/offers/{offer.uid}/accept"
    same = [me.post(path, key="accept") for _ in range(10)]
    assert {a.status_code for a in same} == {201}
    assert all(a.json() == same[0].json() for a in same)
    assert Contract.objects.count() == 1

    # Ten different keys: the first made the contract already; the others are refused.
    again = [me.post(path, key=f"accept-{n}") for n in range(10)]
    assert {a.status_code for a in again} == {409}
    assert again[0].json()["code"] == "invalid_transition"
    second = me.post(f"/recruitment/requests/{request.uid}/offers/{other.uid}/accept", key="b")
    assert second.status_code == 409
    assert Contract.objects.count() == 1 and Offer.objects.filter(state="accepted").count() == 1
    assert AuditEvent.objects.filter(action="contract.created").count() == 1


# ---------------------------------------------------------------------------- query counts


def _queries(django_assert_max_num_queries, call, *, at_most: int):
    with django_assert_max_num_queries(at_most) as seen:
        answer = call()
    assert answer.status_code == 200, answer.text
    return len(seen.captured_queries), answer.json()


def test_the_lists_cost_the_same_queries_however_many_rows(
    mohammed, manager, employee, office, other_office, client_for, django_assert_max_num_queries
):
    from musaned.recruitment.services import contracts

    me, desk = client_for(mohammed), client_for(employee)
    visa(mohammed), visa(mohammed)
    request = sent_request(mohammed, [office, other_office], visa=False)
    offer_from(manager, request, office)
    contract = accepted(mohammed, manager, office, visa=False)
    lists = {
        "requests": lambda: me.get("/recruitment/requests"),
        "offers": lambda: me.get(f"/recruitment/requests/{request.uid}/offers"),
        "contracts": lambda: me.get("/recruitment/contracts"),
        "incoming": lambda: desk.get("/office/recruitment/requests"),
        "office contracts": lambda: desk.get("/office/recruitment/contracts"),
    }
    for call in lists.values():
        call()  # the token's last use is fresh now
    few = {
        name: _queries(django_assert_max_num_queries, call, at_most=8)
        for name, call in lists.items()
    }
    for _n in range(4):
        offer_from(employee, request, office)
        # A contract cancelled before payment lets its visa go to the next request.
        contracts.contract_cancel(contract=contract, actor=mohammed)
        contract = accepted(mohammed, manager, office, others=[other_office], visa=False)
    for name, call in lists.items():
        _count, rows = _queries(django_assert_max_num_queries, call, at_most=few[name][0])
        assert len(rows) >= len(few[name][1]) + 4, name


# ---------------------------------------------------------------------------- hostile input


def test_hostile_input_is_refused_and_never_a_server_error(mohammed, manager, office, client_for):
    request = sent_request(mohammed, [office])
    offer_from(manager, request, office)
    me = client_for(mohammed)
    decline = f"/recruitment/requests/{request.uid}/decline"

    nul = me.post(decline, {"reason": "no\u0000thanks"}, key="nul")
    assert nul.status_code == 422
    assert nul.json()["fields"] == {"reason": ["Null characters are not allowed."]}
    lone = me.client.post(
        f"/api/v1{decline}",
        '{"reason": "\\ud800"}',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="lone",
        **me.headers,
    )
    assert lone.status_code == 422 and "reason" in lone.json()["fields"]
    for n, raw in enumerate(['{"reason": ', "[1, 2]", '"text"', "null", "{" * 40 + "}" * 40]):
        answer = me.client.post(
            f"/api/v1{decline}",
            raw,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"raw-{n}",
            **me.headers,
        )
        assert answer.status_code in (400, 422), (raw, answer.text)
        assert answer.json()["code"] in ("malformed", "too_deep", "invalid")
    for value in ([], {}, 5, True, "x" * 1001):
        answer = me.post(decline, {"reason": value}, key=f"type-{value!r}"[:90])
        assert answer.status_code == 422 and "reason" in answer.json()["fields"]
    for bad in ("x", "1", "' OR 1=1 --", "9" * 500, "%00", "00000000-0000-0000-0000-000000000000"):
        assert me.get(f"/recruitment/requests/{bad}").status_code == 404
        assert me.get(f"/recruitment/contracts/{bad}/statement").status_code == 404
        assert client_for(manager).get(f"/office/recruitment/contracts/{bad}").status_code == 404
    for query in ("limit=0", "limit=101", "offset=-1", "limit=x", "offset=99999999999999999999"):
        assert me.get(f"/recruitment/requests?{query}").status_code == 422, query
    rating = me.post(f"/recruitment/contracts/{request.uid}/rating", {"rating": 10**40}, key="r")
    assert rating.status_code == 422
    big = request_json(office, min_age=10**30, min_experience_years=-1)
    answer = me.post("/recruitment/requests", big, key="big")
    assert answer.status_code == 422 and {"min_age", "min_experience_years"} <= set(
        answer.json()["fields"]
    )
    assert request.decline_reason == "" and RecruitmentRequest.objects.get().state == "offered"


def test_errors_and_labels_come_in_the_callers_language(mohammed, manager, office, client_for):
    request = sent_request(mohammed, [office])
    arabic = client_for(mohammed, language="ar")
    missing = arabic.post(f"/recruitment/requests/{request.uid}/decline", {}, key="ar-1")
    assert missing.json()["fields"] == {"reason": ["هذا الحقل مطلوب."]}
    assert missing.json()["message"] == "بعض القيم غير صحيحة."
    unknown = arabic.get("/recruitment/contracts/00000000-0000-0000-0000-000000000000")
    assert (unknown.status_code, unknown.json()["message"]) == (404, "غير موجود.")
    wrong = arabic.post("/recruitment/requests", request_json(office, nationality="XXX"), key="x")
    assert wrong.json()["fields"]["nationality"] == [
        "اختر خيارًا صحيحًا. الخيار المحدد ليس من الخيارات المتاحة."
    ]
    read = arabic.get(f"/recruitment/requests/{request.uid}").json()
    assert read["state_label"] == "أُرسل إلى المكاتب"
    assert read["offices"][0]["office"]["name"] == office.name_ar
    assert read["occupation"]["name"] == request.occupation.name_ar
    english = client_for(mohammed).post(f"/recruitment/requests/{request.uid}/decline", {}, key="e")
    assert english.json()["fields"] == {"reason": ["This field is required."]}


# ---------------------------------------------------------------------------- signing


def test_signing_needs_the_code_sent_to_this_token(
    mohammed, manager, office, client_for, api, token_for
):
    contract = accepted(mohammed, manager, office)
    me = client_for(mohammed)
    path = f"/recruitment/contracts/{contract.uid}"
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert me.post(f"{path}/signature-code", key="code-1").status_code == 201
    code = sms_code(mohammed)
    too_soon = me.post(f"{path}/signature-code", key="code-2")
    assert too_soon.status_code == 422 and too_soon.json()["code"] == "code_too_soon"

    wrong = me.post(f"{path}/sign", {"code": "000000" if code != "000000" else "111111"}, key="w")
    assert wrong.status_code == 422 and wrong.json()["code"] == "code_invalid"
    elsewhere = client_for(mohammed).post(f"{path}/sign", {"code": code}, key="other-token")
    assert elsewhere.status_code == 422 and elsewhere.json()["code"] == "code_expired"
    assert not Signature.objects.exists()

    done = me.post(f"{path}/sign", {"code": code}, key="sign")
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "signed_by_beneficiary"
    assert done.json()["signatures"][0]["role"] == "beneficiary"
    assert Signature.objects.get().document_hash == contract.document_hash
    twice = me.post(f"{path}/sign", {"code": code}, key="sign-2")
    assert twice.status_code == 409 and twice.json()["code"] == "invalid_transition"
    later = me.post(f"{path}/signature-code", key="code-3")
    assert later.status_code == 409  # signed already: nothing left to sign


# ---------------------------------------------------------------------------- the money


def _paid(mohammed, manager, office, **request):
    return paid(signed(mohammed, manager, accepted(mohammed, manager, office, **request)))


@pytest.mark.parametrize(("day", "clock", "percent"), [(95, "extension", 15), (121, "overdue", 20)])
def test_a_late_contract_is_cancelled_with_its_compensation_in_the_statement(
    day, clock, percent, mohammed, manager, office, client_for
):
    contract = _paid(mohammed, manager, office)
    path = f"/recruitment/contracts/{contract.uid}"
    with time_machine.travel(timezone.now() + dt.timedelta(days=day), tick=False):
        recruitment_clocks_run()
        me = client_for(mohammed)
        late = me.get(path).json()
        assert late["clock"] == clock and late["day_of_clock"] == day
        assert late["actions"] == ["claim"]  # POST …/cancel claims, the office being late
        ended = me.post(f"{path}/cancel", {"reason": "The office is late"}, key="late")
        assert ended.status_code == 200, ended.text
        assert ended.json()["state"] == ContractState.CANCELLED_LATE
        statement = me.get(f"{path}/statement").json()
    total = contract.total
    compensation = (total * percent / 100).quantize(Decimal("0.01"))
    assert Decimal(statement["owed_back"]) == total + compensation
    assert Decimal(statement["charged_to_guarantee"]) == compensation
    assert Decimal(statement["held"]) == 0 and statement["balanced"] is True
    kinds = [e["kind"] for e in statement["entries"]]
    assert "compensation" in kinds and "refunded" in kinds


def test_a_cancellation_in_time_keeps_the_schedule_and_a_failed_trial_refunds(
    mohammed, manager, employee, office, client_for
):
    me = client_for(mohammed)
    contract = _paid(mohammed, manager, office)
    ended = me.post(f"/recruitment/contracts/{contract.uid}/cancel", {}, key="own")
    assert ended.status_code == 200 and ended.json()["state"] == "cancelled"
    statement = me.get(f"/recruitment/contracts/{contract.uid}/statement").json()
    assert Decimal(statement["owed_back"]) == contract.total  # day 0: nothing kept
    assert statement["balanced"]

    # The cancelled contract let its visa go: the next request takes it.
    again = _paid(mohammed, manager, office, visa=False)
    contract = moved_to(again, employee, ContractState.ARRIVED)
    path = f"/recruitment/contracts/{contract.uid}"
    with time_machine.travel(timezone.now() + dt.timedelta(days=30), tick=False):
        failed = client_for(mohammed).post(
            f"{path}/trial-failure", {"reason": "She wants to go home"}, key="trial"
        )
        assert failed.status_code == 200, failed.text
        assert failed.json()["state"] == "trial_failed"
        rated = client_for(mohammed).post(f"{path}/rating", {"rating": 2}, key="rate")
        assert rated.status_code == 200 and rated.json()["rating"] == 2
        again = client_for(mohammed).post(f"{path}/rating", {"rating": 5}, key="rate-2")
        assert again.status_code == 409 and again.json()["code"] == "not_rateable"
        statement = client_for(mohammed).get(f"{path}/statement").json()
    assert Decimal(statement["owed_back"]) > 0 and statement["balanced"]


def test_the_stages_go_in_the_tables_order_with_their_evidence(
    mohammed, manager, employee, office, other_office, client_for
):
    contract = _paid(mohammed, manager, office)
    desk = client_for(employee)
    path = f"/office/recruitment/contracts/{contract.uid}/stages"
    early = desk.post(path, {"stage": "arrive", "arrival_date": "2026-01-01"}, key="early")
    assert early.status_code == 409 and early.json()["code"] == "invalid_transition"
    wrong = desk.post(path, {"stage": "link_visa", "number": "123"}, key="wrong-visa")
    assert wrong.status_code == 422 and wrong.json()["code"] == "visa_number_mismatch"
    none = desk.post(path, {"stage": "link_visa"}, key="none")
    assert none.status_code == 422 and none.json()["code"] == "evidence_required"
    unknown = desk.post(path, {"stage": "teleport"}, key="teleport")
    assert unknown.status_code == 422 and "stage" in unknown.json()["fields"]
    linked = desk.post(path, {"stage": "link_visa", "number": contract.visa.visa_number}, key="v")
    assert linked.status_code == 201 and linked.json()["state"] == "visa_linked"
    again = desk.post(path, {"stage": "link_visa", "number": contract.visa.visa_number}, key="v2")
    assert again.status_code == 409
    desk.post(path, {"stage": "travel_documents", "number": "T-1"}, key="t")
    desk.post(path, {"stage": "medical", "number": "M-1"}, key="m")
    past = desk.post(
        path, {"stage": "book_ticket", "flight_number": "SV1", "flight_date": "2020-01-01"}, key="p"
    )
    assert past.status_code == 422 and past.json()["code"] == "flight_date_past"
    today = timezone.localdate().isoformat()
    desk.post(path, {"stage": "book_ticket", "flight_number": "SV1", "flight_date": today}, key="b")
    nowhere = desk.post(
        path, {"stage": "arrive", "arrival_date": today, "arrival_point": "XXX"}, key="x"
    )
    assert nowhere.status_code == 422 and "arrival_point" in nowhere.json()["fields"]
    landed = desk.post(
        path, {"stage": "arrive", "arrival_date": today, "arrival_point": "JED"}, key="a"
    )
    assert landed.status_code == 201 and landed.json()["arrival_point"]["code"] == "JED"
    # The office hands over from its side too.
    handed = desk.post(f"/office/recruitment/contracts/{contract.uid}/hand-over", key="h")
    assert handed.status_code == 200 and handed.json()["state"] == "in_trial"


# ---------------------------------------------------------------------------- at once (PostgreSQL)


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_copies_of_one_accept_make_one_contract(
    postgresql, mohammed, manager, office, api, token_for
):
    from musaned.core.tests import threads

    request = sent_request(mohammed, [office])
    offer = offer_from(manager, request, office)
    raw = token_for(mohammed)
    path = f"/recruitment/requests/{request.uid}/offers/{offer.uid}/accept"

    answers, errors = threads.race([lambda: api(raw).post(path, key="one-accept")] * 10)
    assert errors == []
    bodies = [(a.status_code, a.json()) for a in answers]
    assert all(body == bodies[0] for body in bodies) and bodies[0][0] == 201
    assert Contract.objects.count() == 1

    # Ten different keys at once, on a second offer's request: one contract, nine 409s.
    from musaned.recruitment.services import contracts

    contracts.contract_cancel(contract=Contract.objects.get(), actor=mohammed)
    again = sent_request(mohammed, [office], visa=False)
    second = offer_from(manager, again, office)
    path = f"/recruitment/requests/{again.uid}/offers/{second.uid}/accept"
    calls = [lambda n=n: api(raw).post(path, key=f"copy-{n}") for n in range(10)]
    answers, errors = threads.race(calls)
    assert errors == []
    assert sorted(a.status_code for a in answers) == [201] + [409] * 9
    assert Contract.objects.filter(request=again).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_beneficiaries_accepting_the_same_worker_at_once_get_one_contract(
    postgresql, mohammed, sarah, manager, office, api, token_for
):
    from musaned.core.tests import threads

    passport = "P7777777"
    paths = []
    for person in (mohammed, sarah):
        visa(person)
        request = sent_request(person, [office], visa=False)
        offer = offer_from(manager, request, office, passport_number=passport)
        paths.append(
            (token_for(person), f"/recruitment/requests/{request.uid}/offers/{offer.uid}/accept")
        )
    answers, errors = threads.race([lambda t=t, p=p: api(t).post(p, key="take") for t, p in paths])
    assert errors == []
    assert sorted(a.status_code for a in answers) == [201, 409]
    refused = next(a for a in answers if a.status_code == 409)
    assert refused.json()["code"] in ("worker_taken", "invalid_transition")
    assert Contract.objects.count() == 1
