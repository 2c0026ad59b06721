"""Complaints in the REST API v1: the owner files, lists, reads and replies; other people's
complaints are 404; internal notes never leave the back office."""

import pytest
from django.test import Client

from musaned.complaints import services
from musaned.complaints.models import Complaint, ComplaintMessage, ComplaintState, MessageKind
from musaned.complaints.tests.factories import COMPLAINT
from musaned.complaints.workflow import Action
from musaned.core.tests.documents import PDF, pdf_upload
from musaned.core.workflow import transition
from musaned.visas.tests.factories import issued_visa

pytestmark = pytest.mark.django_db

NOTE = "Internal: the office owner is a relative of the sponsor, check twice."


def file(owner, **overrides) -> Complaint:
    return services.complaint_submit(owner=owner, **{**COMPLAINT, **overrides})


def test_every_operation_needs_a_token(citizen, api):
    complaint = file(citizen)
    anonymous = api()
    answers = [
        anonymous.get("/complaints"),
        anonymous.get(f"/complaints/{complaint.number}"),
        anonymous.post("/complaints", COMPLAINT, key="k1"),
        anonymous.post(f"/complaints/{complaint.number}/replies", {"message": "hi"}, key="k2"),
    ]
    for response in answers:
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"
        assert response.json()["code"] == "unauthorized"
    assert Complaint.objects.count() == 1
    # A signed-in session is not a token.
    web = Client()
    web.force_login(citizen)
    assert web.get("/api/v1/complaints").status_code == 401


def test_file_list_and_read(citizen, django_assert_max_num_queries, client_for):
    api = client_for(citizen)
    created = api.post("/complaints", COMPLAINT, key="file-1")
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["number"].startswith("7") and len(body["number"]) == 12
    assert (body["category"], body["category_label"]) == ("worker", "A worker")
    assert (body["state"], body["state_label"]) == ("submitted", "Submitted")
    assert body["subject"] == COMPLAINT["subject"]
    assert body["description"] == COMPLAINT["description"]
    assert body["contact_preference"] == "sms"
    assert body["first_answer_due"] and body["resolution_due"] and body["created_at"]
    assert (body["visa"], body["rating"], body["messages"], body["attachments"]) == (
        None,
        None,
        [],
        [],
    )
    complaint = Complaint.objects.get(number=body["number"])
    assert complaint.owner == citizen

    # The same key and body again is the first answer, not a second complaint.
    again = api.post("/complaints", COMPLAINT, key="file-1")
    assert (again.status_code, again.json()) == (201, body)
    assert Complaint.objects.filter(owner=citizen).count() == 1
    missing_key = api.post("/complaints", COMPLAINT)
    assert (missing_key.status_code, missing_key.json()["code"]) == (
        400,
        "idempotency_key_required",
    )

    newer = api.post("/complaints", {**COMPLAINT, "category": "payment"}, key="file-2").json()
    listing = api.get("/complaints")
    assert listing.status_code == 200
    assert [row["number"] for row in listing.json()] == [newer["number"], body["number"]]
    assert listing.json()[0]["category_label"] == "A payment"
    assert "messages" not in listing.json()[0]
    assert [r["number"] for r in api.get("/complaints?limit=1&offset=1").json()] == [body["number"]]
    assert api.get("/complaints?limit=0").status_code == 422

    read = api.get(f"/complaints/{body['number']}")
    assert (read.status_code, read.json()) == (200, body)

    # The list's query count does not grow with the rows.
    for _ in range(8):
        file(citizen)
    with django_assert_max_num_queries(3):  # the token, the list (the last use is fresh)
        assert len(api.get("/complaints").json()) == 10


def test_the_read_shows_the_conversation_and_files_in_the_callers_language(
    citizen, officer, client_for
):
    complaint = file(citizen, files=[pdf_upload("receipt.pdf")])
    transition(obj=complaint, action=Action.TAKE, actor=officer)
    transition(obj=complaint, action=Action.ASK_INFO, actor=officer, message="Which office?")
    english = client_for(citizen).get(f"/complaints/{complaint.number}").json()
    assert english["state_label"] == "Waiting for you"
    assert english["messages"] == [
        {
            "id": english["messages"][0]["id"],
            "kind": "info_request",
            "kind_label": "Request for information",
            "body": "Which office?",
            "from_staff": True,
            "created_at": english["messages"][0]["created_at"],
        }
    ]
    attachment = complaint.attachments.get()
    assert english["attachments"] == [
        {
            "id": attachment.pk,
            "message_id": None,
            "name": "receipt.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
            "url": f"/en/complaints/{complaint.number}/attachments/{attachment.pk}/",
        }
    ]
    arabic = client_for(citizen, language="ar").get(f"/complaints/{complaint.number}").json()
    assert (arabic["state_label"], arabic["category_label"]) == ("بانتظار ردك", "عامل")
    assert arabic["attachments"][0]["url"] == (
        f"/complaints/{complaint.number}/attachments/{attachment.pk}/"
    )


def test_someone_elses_complaint_is_404_like_a_missing_one(citizen, resident, officer, client_for):
    theirs = file(resident)
    transition(obj=theirs, action=Action.TAKE, actor=officer)
    transition(obj=theirs, action=Action.ASK_INFO, actor=officer, message="Why?")
    api = client_for(citizen)
    missing = api.get("/complaints/700000000000")
    for response in (
        api.get(f"/complaints/{theirs.number}"),
        api.post(f"/complaints/{theirs.number}/replies", {"message": "mine?"}, key="r1"),
        missing,
        api.get("/complaints/not-a-number"),
        api.get("/complaints/7%00"),  # PostgreSQL would refuse the NUL: never asked
    ):
        assert response.status_code == 404
        assert response.json() == missing.json()
    assert missing.json()["code"] == "not_found"
    assert api.get("/complaints").json() == []
    theirs.refresh_from_db()
    assert theirs.state == ComplaintState.WAITING
    assert not theirs.messages.filter(kind=MessageKind.REPLY).exists()


def test_internal_notes_never_reach_the_api(citizen, officer, client_for):
    complaint = file(citizen)
    transition(obj=complaint, action=Action.TAKE, actor=officer)
    services.complaint_note(complaint=complaint, actor=officer, body=NOTE)
    transition(obj=complaint, action=Action.ANSWER, actor=officer, message="We called them.")
    assert ComplaintMessage.objects.filter(kind=MessageKind.NOTE).count() == 1
    response = client_for(citizen).get(f"/complaints/{complaint.number}")
    assert response.status_code == 200
    assert [m["body"] for m in response.json()["messages"]] == ["We called them."]
    assert NOTE not in response.text and "note" not in {
        m["kind"] for m in response.json()["messages"]
    }


def test_a_reply_only_while_the_complaint_waits_for_the_owner(citizen, officer, client_for):
    complaint = file(citizen)
    api = client_for(citizen)
    path = f"/complaints/{complaint.number}/replies"

    refused = api.post(path, {"message": "Any news?"}, key="early")
    assert refused.status_code == 409
    assert refused.json()["code"] == "invalid_transition"
    assert refused.json()["message"] == "This complaint cannot do that now (it is “Submitted”)."
    arabic = client_for(citizen, language="ar").post(path, {"message": "Any news?"}, key="ar")
    assert arabic.status_code == 409
    assert arabic.json()["message"].startswith("لا يمكن")
    assert not complaint.messages.exists()

    transition(obj=complaint, action=Action.TAKE, actor=officer)
    transition(obj=complaint, action=Action.ASK_INFO, actor=officer, message="Which office?")
    blank = api.post(path, {"message": "   "}, key="blank")
    assert blank.status_code == 422
    assert blank.json()["fields"] == {"message": ["This field is required."]}

    replied = api.post(path, {"message": "  Al-Amal office, Riyadh.  "}, key="reply-1")
    assert replied.status_code == 201, replied.text
    assert (replied.json()["state"], replied.json()["state_label"]) == ("in_review", "In review")
    assert replied.json()["messages"][-1] == {
        **replied.json()["messages"][-1],
        "kind": "reply",
        "body": "Al-Amal office, Riyadh.",
        "from_staff": False,
    }
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.IN_REVIEW and complaint.waiting_since is None
    # A retry with the same key is the same answer, not a second reply.
    assert api.post(path, {"message": "  Al-Amal office, Riyadh.  "}, key="reply-1").json() == (
        replied.json()
    )
    # No longer waiting: another reply is refused.
    assert api.post(path, {"message": "And more."}, key="reply-2").status_code == 409
    assert complaint.messages.filter(kind=MessageKind.REPLY).count() == 1


def test_invalid_input_names_the_fields_in_arabic_by_default_and_english_on_request(
    citizen, api, token_for
):
    token = token_for(citizen)
    bad = {**COMPLAINT, "category": "weather", "subject": "x" * 151}
    del bad["description"]
    arabic = Client().post(
        "/api/v1/complaints",
        bad,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY="bad-ar",
    )
    assert arabic.status_code == 422
    assert arabic.json()["code"] == "invalid"
    assert arabic.json()["message"] == "بعض القيم غير صحيحة."
    assert set(arabic.json()["fields"]) == {"category", "subject", "description"}
    assert arabic.json()["fields"]["description"] == ["هذا الحقل مطلوب."]

    english = api(token, language="en").post("/complaints", bad, key="bad-en")
    assert english.status_code == 422
    assert english.json()["message"] == "Some values are not valid."
    assert english.json()["fields"]["description"] == ["This field is required."]

    blank = api(token).post("/complaints", {**COMPLAINT, "subject": "  "}, key="blank")
    assert blank.status_code == 422
    assert blank.json()["fields"] == {"subject": ["This field is required."]}
    # A NUL is refused as the body is read (musaned/core/json_input.py), before the
    # other checks: the answer names that field alone.
    nul = api(token).post(
        "/complaints", {**COMPLAINT, "subject": "  ", "description": "a\x00b"}, key="nul"
    )
    assert nul.status_code == 422
    assert nul.json()["fields"] == {"description": ["Null characters are not allowed."]}
    # Nothing but control characters (taken out) is blank too.
    controls = api(token).post(
        "/complaints", {**COMPLAINT, "subject": "  \x01\u202e ", "description": "a"}, key="ctl"
    )
    assert controls.status_code == 422
    assert controls.json()["fields"] == {"subject": ["This field is required."]}
    assert not Complaint.objects.exists()


def test_the_visa_must_be_the_callers_own(citizen, resident, exempt, catalogues, client_for):
    theirs = issued_visa(exempt).reference
    api = client_for(citizen)
    for reference, key in ((theirs, "theirs"), ("999999999999", "none"), ("12ab", "odd")):
        refused = api.post("/complaints", {**COMPLAINT, "visa": reference}, key=key)
        assert refused.status_code == 422
        assert refused.json()["code"] == "invalid"
        assert list(refused.json()["fields"]) == ["visa"]
    assert not Complaint.objects.exists()

    own = client_for(exempt).post("/complaints", {**COMPLAINT, "visa": theirs}, key="own")
    assert own.status_code == 201, own.text
    assert own.json()["visa"] == theirs
    assert Complaint.objects.get().visa.reference == theirs


def test_control_characters_are_taken_out_of_what_is_stored(citizen, client_for):
    """The API reads text as the forms do (musaned.core.text): NUL, other controls and the
    bidi overrides go, line breaks stay in the description only."""
    sent = {
        **COMPLAINT,
        "subject": "The office\x01 does not\x07 answer\u202e\u2066",
        "description": "Line one\r\nLine two\x1b[31m\tend",
    }
    created = client_for(citizen).post("/complaints", sent, key="controls")
    assert created.status_code == 201, created.text
    complaint = Complaint.objects.get()
    assert complaint.subject == "The office does not answer"
    assert complaint.description == "Line one\r\nLine two[31m\tend"
