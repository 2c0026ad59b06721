"""Complaints about a recruitment office in the REST API v1: the beneficiary files one
naming the office, then accepts the office's answer or asks the ministry to step in; the
office's people, with their own tokens, read the complaints about their office (and only
what the office may read of them) and answer. Another office's complaint, a number that
does not exist and a caller who works for no office are one 404."""

import datetime as dt
import json
import uuid

import pytest
from django.utils import timezone, translation

from musaned.complaints import services
from musaned.complaints.errors import MESSAGES
from musaned.complaints.errors import ComplaintErrorCode as Code
from musaned.complaints.models import Complaint, ComplaintMessage, ComplaintState, MessageKind
from musaned.complaints.tests.factories import COMPLAINT, file_complaint
from musaned.complaints.workflow import Action
from musaned.core.tests.documents import pdf_upload
from musaned.core.workflow import transition
from musaned.offices import services as office_services
from musaned.offices.selectors import membership_for
from musaned.offices.tests.conftest import hire, register_office, staff_member
from musaned.offices.workflow import Action as OfficeAction

pytestmark = pytest.mark.django_db

ABOUT_THE_OFFICE = {
    **COMPLAINT,
    "category": "office",
    "subject": "The office kept my money",
    "description": "I paid 16,000 SAR in March and nobody answers since.",
}
ANSWER = "We refunded 16,000 SAR to your bank account on 3 December."
NOT_A_CHOICE = "Select a valid choice. That choice is not one of the available choices."


@pytest.fixture
def people(citizen, exempt, abdullah, resident, violator, officer, recruitment_office):
    """The owner (Mohammed) of a complaint about Abdullah's office, another beneficiary
    (Noura), the office's manager (Abdullah) and employee (Ahmed), the manager of another
    office (Fahad) and a complaints officer (staff)."""
    hire(recruitment_office, abdullah, resident)
    licensing = staff_member("licensing2")
    other_office = register_office(licensing, manager=violator, name="Al Amal")
    return {
        "licensing": licensing,
        "owner": citizen,
        "beneficiary": exempt,
        "manager": abdullah,
        "employee": resident,
        "other_manager": violator,
        "staff": officer,
        "office": recruitment_office,
        "other_office": other_office,
    }


def about(office, owner, **overrides) -> Complaint:
    """A complaint ``owner`` files about ``office``: with the office (the amicable phase)."""
    return file_complaint(owner, category="office", office=office, **overrides)


def answered(complaint: Complaint, by) -> Complaint:
    return transition(obj=complaint, action=Action.OFFICE_ANSWER, actor=by, message=ANSWER)


# --- Filing ----------------------------------------------------------------------------------


def test_the_beneficiary_files_a_complaint_about_an_office(people, client_for):
    office = people["office"]
    api = client_for(people["owner"])
    created = api.post("/complaints", {**ABOUT_THE_OFFICE, "office": str(office.uid)}, key="f1")
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["category"], body["state"], body["state_label"]) == (
        "office",
        "with_office",
        "With the office",
    )
    assert body["office"] == {"id": str(office.uid), "name": office.name_en}
    complaint = Complaint.objects.get(number=body["number"])
    assert complaint.office == office and complaint.owner == people["owner"]
    assert body["office_answer_due"].endswith("Z")
    due = dt.datetime.fromisoformat(body["office_answer_due"])  # to the millisecond
    assert abs(due - complaint.office_answer_due) < dt.timedelta(milliseconds=1)
    # The same key and body again is the first answer, not a second complaint.
    again = api.post("/complaints", {**ABOUT_THE_OFFICE, "office": str(office.uid)}, key="f1")
    assert (again.status_code, again.json()) == (201, body)
    assert Complaint.objects.filter(owner=people["owner"]).count() == 1

    # The list says which office, in the reader's language; and when its answer is due.
    arabic = client_for(people["owner"], language="ar").get("/complaints").json()
    assert arabic[0]["office"] == {"id": str(office.uid), "name": office.name_ar}
    assert arabic[0]["state_label"] == "لدى المكتب"
    assert arabic[0]["office_answer_due"] == body["office_answer_due"]
    # A complaint about something else names no office (an office sent with it is ignored).
    other = api.post("/complaints", {**COMPLAINT, "office": str(office.uid)}, key="f2").json()
    assert (other["office"], other["office_answer_due"], other["state"]) == (
        None,
        None,
        "submitted",
    )


def test_the_office_answer_due_is_given_in_utc_while_the_office_has_it(people, client_for):
    complaint = about(people["office"], people["owner"])
    api = client_for(people["owner"])
    due = api.get(f"/complaints/{complaint.number}").json()["office_answer_due"]
    assert due.endswith("Z")
    answered(complaint, people["manager"])
    read = api.get(f"/complaints/{complaint.number}").json()
    assert (read["state"], read["state_label"], read["office_answer_due"]) == (
        "office_answered",
        "The office answered",
        None,
    )
    # The office's answer is part of the owner's conversation, from the office.
    assert [(m["kind"], m["body"], m["from_staff"]) for m in read["messages"]] == [
        ("office_answer", ANSWER, False)
    ]
    assert read["messages"][0]["kind_label"] == "The office's answer"


@pytest.mark.parametrize(
    ("language", "required", "not_a_choice"),
    [
        ("en", "Choose the recruitment office the complaint is about.", NOT_A_CHOICE),
        (
            "ar",
            "اختر مكتب الاستقدام الذي تشكو منه.",
            "اختر خيارًا صحيحًا. الخيار المحدد ليس من الخيارات المتاحة.",
        ),
    ],
)
def test_a_complaint_about_an_office_names_one_of_the_register(
    people, client_for, language, required, not_a_choice
):
    api = client_for(people["owner"], language=language)
    with translation.override(language):
        assert str(MESSAGES[Code.OFFICE_REQUIRED]) == required
    for key, office in (("none", None), ("blank", "  ")):
        body = {**ABOUT_THE_OFFICE, **({"office": office} if office is not None else {})}
        refused = api.post("/complaints", body, key=key)
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == "invalid"
        assert refused.json()["fields"] == {"office": [required]}
    # An id that is no office of the register, or is no id at all: the same answer.
    for key, office in (("unknown", str(uuid.uuid4())), ("junk", "not-an-office")):
        refused = api.post("/complaints", {**ABOUT_THE_OFFICE, "office": office}, key=key)
        assert refused.status_code == 422
        assert refused.json()["fields"] == {"office": [not_a_choice]}
    too_long = api.post("/complaints", {**ABOUT_THE_OFFICE, "office": "1" * 37}, key="long")
    assert too_long.status_code == 422 and list(too_long.json()["fields"]) == ["office"]
    assert not Complaint.objects.exists()


def test_a_complaint_may_name_a_suspended_office(people, client_for):
    """Any office of the register, listed or not: a suspended office still answers first."""
    office = office_services.office_act(
        office=people["other_office"],
        action=OfficeAction.SUSPEND,
        actor=people["licensing"],
        reason="Cash outside the platform.",
        ground="money_outside",
        until=timezone.localdate() + dt.timedelta(days=30),
    )
    answer = client_for(people["owner"]).post(
        "/complaints", {**ABOUT_THE_OFFICE, "office": str(office.uid)}, key="f1"
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["office"]["id"] == str(office.uid)
    assert answer.json()["state"] == "with_office"


# --- Who may do what: every new route --------------------------------------------------------

PEOPLE = ("owner", "beneficiary", "manager", "employee", "other_manager", "staff", None)


def call(client_for, api, who, people, method, path, body=None, key=None):
    client = client_for(people[who]) if who else api()
    if method == "get":
        return client.get(path)
    return client.post(path, body or {}, key=key)


@pytest.mark.parametrize(
    ("route", "allowed"),
    [
        ("list", {"manager": 200, "employee": 200, "other_manager": 200}),
        ("read", {"manager": 200, "employee": 200}),
        ("answer", {"manager": 201, "employee": 201}),
        ("accept", {"owner": 200}),
        ("ask", {"owner": 200}),
    ],
)
def test_every_new_route_answers_only_the_people_it_is_for(people, client_for, api, route, allowed):
    """Anyone else is 404 (the same answer as a number that does not exist), a caller
    without a token 401; nothing changes."""
    missing = client_for(people["manager"]).get("/office/complaints/700000000000").json()
    for who in PEOPLE:
        complaint = about(people["office"], people["owner"])
        if route in ("accept", "ask"):
            complaint = answered(complaint, people["manager"])
        number = complaint.number
        method, path, body = {
            "list": ("get", "/office/complaints", None),
            "read": ("get", f"/office/complaints/{number}", None),
            "answer": ("post", f"/office/complaints/{number}/answer", {"message": ANSWER}),
            "accept": ("post", f"/complaints/{number}/accept-answer", None),
            "ask": ("post", f"/complaints/{number}/ask-ministry", {"message": "Not enough."}),
        }[route]
        before = (complaint.state, complaint.messages.count())
        response = call(client_for, api, who, people, method, path, body, key=f"{route}-{who}")
        if who is None:
            assert response.status_code == 401, route
            assert response.json()["code"] == "unauthorized"
        elif who in allowed:
            assert response.status_code == allowed[who], (route, who, response.text)
            if route == "list":
                numbers = [row["number"] for row in response.json()]
                assert (number in numbers) == (who != "other_manager"), who
            continue
        else:
            assert response.status_code == 404, (route, who, response.text)
            assert response.json() == missing
        complaint.refresh_from_db()
        assert (complaint.state, complaint.messages.count()) == before, (route, who)


def test_the_office_reads_only_its_own_complaints(people, client_for):
    ours = about(people["office"], people["owner"])
    theirs = about(people["other_office"], people["beneficiary"])
    not_about_an_office = file_complaint(people["owner"])
    manager = client_for(people["manager"])
    assert [row["number"] for row in manager.get("/office/complaints").json()] == [ours.number]
    other = client_for(people["other_manager"])
    assert [row["number"] for row in other.get("/office/complaints").json()] == [theirs.number]
    missing = manager.get("/office/complaints/700000000000")
    for response in (
        manager.get(f"/office/complaints/{theirs.number}"),
        manager.get(f"/office/complaints/{not_about_an_office.number}"),
        manager.post(f"/office/complaints/{theirs.number}/answer", {"message": "x"}, key="k"),
        manager.get("/office/complaints/not-a-number"),
        manager.get("/office/complaints/7%00"),
        missing,
    ):
        assert response.status_code == 404
        assert response.json() == missing.json()
    assert missing.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.state == ComplaintState.WITH_OFFICE and not theirs.messages.exists()


def test_someone_who_left_the_office_reads_nothing_of_it(people, client_for):
    complaint = about(people["office"], people["owner"])
    api = client_for(people["employee"])
    assert api.get(f"/office/complaints/{complaint.number}").status_code == 200
    office_services.membership_end(
        actor=people["manager"], membership=membership_for(actor=people["employee"])
    )
    assert api.get("/office/complaints").status_code == 404
    assert api.get(f"/office/complaints/{complaint.number}").status_code == 404


# --- What the office reads ---------------------------------------------------------------------


def test_the_office_reads_the_complaint_without_the_ministrys_side(people, client_for):
    """The beneficiary's name only; the office's own answers only (never the ministry's
    messages, the beneficiary's words to the ministry or staff notes); the files filed
    with the complaint, not those sent to the ministry."""
    owner, officer = people["owner"], people["staff"]
    complaint = about(people["office"], owner, files=[pdf_upload("receipt.pdf")])
    complaint = answered(complaint, people["employee"])
    transition(
        obj=complaint,
        action=Action.ASK_MINISTRY,
        actor=owner,
        message="They did not refund anything.",
        files=[pdf_upload("bank-statement.pdf")],
    )
    complaint = transition(obj=complaint, action=Action.TAKE, actor=officer)
    services.complaint_note(complaint=complaint, actor=officer, body="Check their licence.")
    transition(obj=complaint, action=Action.ANSWER, actor=officer, message="We called them.")

    response = client_for(people["manager"]).get(f"/office/complaints/{complaint.number}")
    assert response.status_code == 200
    body = response.json()
    filed = complaint.attachments.get(message__isnull=True)
    assert body == {
        "number": complaint.number,
        "state": "in_review",
        "state_label": "With the ministry",
        "subject": complaint.subject,
        "description": complaint.description,
        "created_at": body["created_at"],
        "office_answer_due": None,
        "contract": None,  # it names no recruitment contract
        "beneficiary": {"name": owner.get_full_name()},
        "answers": [
            {
                "id": body["answers"][0]["id"],
                "body": ANSWER,
                "created_at": body["answers"][0]["created_at"],
            }
        ],
        "attachments": [
            {
                "id": filed.pk,
                "name": "receipt.pdf",
                "content_type": "application/pdf",
                "size": filed.size,
                "url": f"/en/office/complaints/{complaint.number}/attachments/{filed.pk}/",
            }
        ],
    }
    text = response.text
    for secret in (
        "They did not refund anything.",
        "Check their licence.",
        "We called them.",
        "bank-statement.pdf",
        owner.national_id,
        owner.mobile,
        owner.email,
    ):
        assert secret not in text, secret
    # The file's address opens in the office portal for the office's people.
    assert body["attachments"][0]["url"].startswith("/en/office/")


def test_the_office_reads_states_in_its_own_words(people, client_for):
    office, owner = people["office"], people["owner"]
    waiting = about(office, owner)
    answered_one = answered(about(office, owner), people["manager"])
    english = client_for(people["manager"]).get("/office/complaints").json()
    labels = {row["number"]: (row["state"], row["state_label"]) for row in english}
    assert labels == {
        waiting.number: ("with_office", "Waiting for your answer"),
        answered_one.number: ("office_answered", "You answered; the beneficiary decides"),
    }
    due = {row["number"]: row["office_answer_due"] for row in english}
    assert due[waiting.number] and due[waiting.number].endswith("Z")
    assert due[answered_one.number] is None
    arabic = client_for(people["manager"], language="ar").get("/office/complaints").json()
    assert {row["number"]: row["state_label"] for row in arabic} == {
        waiting.number: "بانتظار ردك",
        answered_one.number: "رددتَ؛ والقرار للمستفيد",
    }
    assert set(english[0]) == {
        "number",
        "state",
        "state_label",
        "contract",
        "subject",
        "created_at",
        "office_answer_due",
    }


def test_the_office_list_is_newest_first_and_paged(people, client_for):
    first, second, third = (about(people["office"], people["owner"]) for _ in range(3))
    api = client_for(people["employee"])
    assert [r["number"] for r in api.get("/office/complaints").json()] == [
        third.number,
        second.number,
        first.number,
    ]
    assert [r["number"] for r in api.get("/office/complaints?limit=1&offset=1").json()] == [
        second.number
    ]
    assert api.get("/office/complaints?limit=0").status_code == 422
    assert api.get("/office/complaints?limit=101").status_code == 422


def test_the_office_list_keeps_its_query_count_as_complaints_grow(
    people, client_for, django_assert_max_num_queries, settings
):
    settings.MUSANED_COMPLAINTS_PER_DAY = 100
    api = client_for(people["manager"])
    about(people["office"], people["owner"])
    api.get("/office/complaints")  # the token's last use is fresh from here on
    # The token, the caller's membership (404 without one), the selector's, the list.
    with django_assert_max_num_queries(4) as few:
        assert len(api.get("/office/complaints").json()) == 1
    for _ in range(11):
        about(people["office"], people["owner"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get("/office/complaints").json()) == 12


# --- The office answers ----------------------------------------------------------------------


def test_the_office_answers_once_and_a_retry_is_the_same_answer(people, client_for):
    complaint = about(people["office"], people["owner"])
    api = client_for(people["employee"])
    path = f"/office/complaints/{complaint.number}/answer"
    sent = api.post(path, {"message": f"  {ANSWER}  "}, key="answer-1")
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert (body["state"], body["state_label"]) == (
        "office_answered",
        "You answered; the beneficiary decides",
    )
    assert [a["body"] for a in body["answers"]] == [ANSWER]
    again = api.post(path, {"message": f"  {ANSWER}  "}, key="answer-1")
    assert (again.status_code, again.json()) == (201, body)
    assert complaint.messages.filter(kind=MessageKind.OFFICE_ANSWER).count() == 1
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.OFFICE_ANSWERED
    assert complaint.office_answered_at is not None
    assert api.post(path, {"message": ANSWER}).json()["code"] == "idempotency_key_required"


@pytest.mark.parametrize(
    ("language", "blank", "refused"),
    [
        ("en", "This field is required.", "This complaint cannot do that now (it is “{}”)."),
        ("ar", "هذا الحقل مطلوب.", "لا يمكن"),
    ],
)
def test_the_office_answers_only_while_it_waits_for_the_office(
    people, client_for, language, blank, refused
):
    complaint = about(people["office"], people["owner"])
    api = client_for(people["manager"], language=language)
    path = f"/office/complaints/{complaint.number}/answer"
    empty = api.post(path, {"message": "   "}, key="blank")
    assert empty.status_code == 422
    assert empty.json()["fields"] == {"message": [blank]}
    missing = api.post(path, {}, key="missing")
    assert missing.status_code == 422 and list(missing.json()["fields"]) == ["message"]
    assert missing.json()["fields"]["message"] == [blank]
    assert api.post(path, {"message": ANSWER}, key="first").status_code == 201

    # Answered already: a second answer is refused, and so is one once the ministry has it.
    with translation.override(language):
        label = str(ComplaintState.OFFICE_ANSWERED.label)
    twice = api.post(path, {"message": "And more."}, key="second")
    assert twice.status_code == 409
    assert twice.json()["code"] == "invalid_transition"
    assert twice.json()["message"].startswith(refused.format(label).split("“")[0])
    if language == "en":
        assert twice.json()["message"] == refused.format(label)
    transition(obj=complaint, action=Action.ASK_MINISTRY, actor=people["owner"])
    late = api.post(path, {"message": "Sorry."}, key="third")
    assert late.status_code == 409
    assert complaint.messages.filter(kind=MessageKind.OFFICE_ANSWER).count() == 1


# --- The beneficiary accepts the answer or asks the ministry -----------------------------------


def test_the_beneficiary_accepts_the_offices_answer(people, client_for):
    complaint = answered(about(people["office"], people["owner"]), people["manager"])
    api = client_for(people["owner"])
    path = f"/complaints/{complaint.number}/accept-answer"
    accepted = api.post(path, key="accept-1")
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["state"], accepted.json()["state_label"]) == ("resolved", "Resolved")
    # A retry with the same key is the same answer (not a 409).
    again = api.post(path, key="accept-1")
    assert (again.status_code, again.json()) == (200, accepted.json())
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.RESOLVED and complaint.resolved_at is not None
    # Resolved now: accepting again with a new key is refused.
    assert api.post(path, key="accept-2").status_code == 409
    office_view = client_for(people["manager"]).get(f"/office/complaints/{complaint.number}")
    assert office_view.json()["state_label"] == "Resolved"


def test_the_beneficiary_asks_the_ministry_to_step_in(people, client_for):
    complaint = answered(about(people["office"], people["owner"]), people["manager"])
    api = client_for(people["owner"])
    path = f"/complaints/{complaint.number}/ask-ministry"
    asked = api.post(path, {"message": "  They refunded nothing.  "}, key="ask-1")
    assert asked.status_code == 200, asked.text
    body = asked.json()
    assert (body["state"], body["state_label"]) == ("submitted", "Submitted")
    assert [(m["kind"], m["body"]) for m in body["messages"]] == [
        ("office_answer", ANSWER),
        ("reply", "They refunded nothing."),
    ]
    again = api.post(path, {"message": "  They refunded nothing.  "}, key="ask-1")
    assert (again.status_code, again.json()) == (200, body)
    assert complaint.messages.filter(kind=MessageKind.REPLY).count() == 1
    # The ministry's clocks run from now; the office reads it as the ministry's.
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.SUBMITTED
    office_view = client_for(people["manager"]).get("/office/complaints").json()
    assert office_view[0]["state_label"] == "With the ministry"
    assert api.post(path, {}, key="ask-2").status_code == 409


def test_asking_the_ministry_needs_no_words(people, client_for):
    for key, send in (
        ("empty", lambda api, path: api.post(path, {}, key="empty")),
        ("blank", lambda api, path: api.post(path, {"message": "  "}, key="blank")),
        ("null", lambda api, path: api.post(path, {"message": None}, key="null")),
        (
            "no-body",
            lambda api, path: api.client.post(
                f"/api/v1{path}",
                content_type="application/json",
                **api.headers,
                HTTP_IDEMPOTENCY_KEY="no-body",
            ),
        ),
    ):
        complaint = answered(about(people["office"], people["owner"]), people["manager"])
        api = client_for(people["owner"])
        answer = send(api, f"/complaints/{complaint.number}/ask-ministry")
        assert answer.status_code == 200, (key, answer.text)
        assert answer.json()["state"] == "submitted"
        assert not complaint.messages.filter(kind=MessageKind.REPLY).exists()


@pytest.mark.parametrize(
    ("language", "state_label"), [("en", "With the office"), ("ar", "لدى المكتب")]
)
def test_the_beneficiary_decides_only_once_the_office_answered(
    people, client_for, language, state_label
):
    complaint = about(people["office"], people["owner"])
    api = client_for(people["owner"], language=language)
    for action in ("accept-answer", "ask-ministry"):
        refused = api.post(f"/complaints/{complaint.number}/{action}", key=action)
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "invalid_transition"
        assert state_label in refused.json()["message"]
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.WITH_OFFICE
    assert not ComplaintMessage.objects.filter(complaint=complaint).exists()


def test_the_new_routes_are_described_with_their_tags(api):
    schema = api().get("/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/v1/office/complaints", "/api/v1/office/complaints/{number}"):
        assert paths[path]["get"]["tags"] == ["my office"]
    answer = paths["/api/v1/office/complaints/{number}/answer"]["post"]
    assert answer["tags"] == ["my office"]
    assert paths["/api/v1/office/prices"]["get"]["tags"] == ["my office"]
    for path in ("accept-answer", "ask-ministry"):
        operation = paths[f"/api/v1/complaints/{{number}}/{path}"]["post"]
        assert operation["tags"] == ["complaints"]
        headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
        assert headers["Idempotency-Key"]["required"] is True
    assert "office" in json.dumps(schema["components"]["schemas"]["ComplaintIn"])


def test_the_owners_list_names_the_offices_in_the_same_queries(
    people, client_for, django_assert_max_num_queries, settings
):
    settings.MUSANED_COMPLAINTS_PER_DAY = 100
    api = client_for(people["owner"])
    about(people["office"], people["owner"])
    api.get("/complaints")  # the token's last use is fresh from here on
    for office in (people["office"], people["other_office"]) * 4:
        about(office, people["owner"])
    with django_assert_max_num_queries(3):  # the token, the list (the last use is fresh)
        rows = api.get("/complaints").json()
    assert len(rows) == 9
    assert {row["office"]["name"] for row in rows} == {
        people["office"].name_en,
        people["other_office"].name_en,
    }
