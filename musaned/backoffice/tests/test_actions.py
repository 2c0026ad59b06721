"""Staff actions on complaints and the visa quality check, through the pages: each one
goes through its service, is audited, answers with a redirect, and an error keeps what
the staff member typed."""

import re

import pytest

from musaned.complaints.models import Complaint, ComplaintMessage, ComplaintState, MessageKind
from musaned.complaints.workflow import Action
from musaned.core.models import AuditEvent
from musaned.core.workflow import transition
from musaned.notifications import sms
from musaned.visas.models import VisaApplication, VisaState
from musaned.visas.tests.factories import complete_draft

pytestmark = pytest.mark.django_db


def act(client, complaint, action, **fields):
    data = {"action": action, **{f"{action}-{name}": value for name, value in fields.items()}}
    return client.post(f"/backoffice/complaints/{complaint.number}/act/", data)


def state_of(complaint) -> str:
    return Complaint.objects.get(pk=complaint.pk).state


def test_an_officer_takes_asks_for_information_and_resolves(
    officer, citizen, complaint, django_capture_on_commit_callbacks, signed_in
):
    client = signed_in(officer)
    page = client.get(f"/en/backoffice/complaints/{complaint.number}/").content.decode()
    assert "Take this complaint" in page and "Send the answer" not in page

    response = act(client, complaint, "take")
    assert response.status_code == 302
    assert response["Location"] == f"/backoffice/complaints/{complaint.number}/"
    taken = Complaint.objects.get(pk=complaint.pk)
    assert taken.state == ComplaintState.IN_REVIEW and taken.assigned_to == officer

    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, complaint, "ask_info", message="Which office, and since when?")
    assert response.status_code == 302
    assert state_of(complaint) == ComplaintState.WAITING
    assert any(m.to == citizen.mobile and complaint.number in m.body for m in sms.outbox)
    assert AuditEvent.objects.filter(action="complaint.ask_info", actor=officer).exists()

    # The beneficiary answers (their own page is not the back office's).
    transition(obj=complaint, action=Action.REPLY, actor=citizen, message="Office X, since May.")
    page = client.get(f"/en/backoffice/complaints/{complaint.number}/").content.decode()
    assert "Office X, since May." in page

    response = act(client, complaint, "resolve", message="The office has refunded you.")
    assert response.status_code == 302
    assert state_of(complaint) == ComplaintState.RESOLVED
    assert "notice--success" in client.get(response["Location"]).content.decode()
    kinds = list(
        ComplaintMessage.objects.filter(complaint=complaint).values_list("kind", flat=True)
    )
    assert kinds == [MessageKind.INFO_REQUEST, MessageKind.REPLY, MessageKind.RESOLUTION]


def test_an_internal_note_shows_on_the_staff_page_marked_internal(officer, complaint, signed_in):
    client = signed_in(officer)
    response = client.post(
        f"/backoffice/complaints/{complaint.number}/note/",
        {"note-body": "Called the office; they promise a refund."},
    )
    assert response.status_code == 302
    page = client.get(f"/en/backoffice/complaints/{complaint.number}/").content.decode()
    assert "Called the office; they promise a refund." in page
    assert "Internal — the beneficiary never sees this" in page
    note = ComplaintMessage.objects.get(complaint=complaint)
    assert note.kind == MessageKind.NOTE and note.author == officer
    assert AuditEvent.objects.filter(action="complaint.note", actor=officer).exists()


def test_an_empty_note_is_shown_again_with_its_error(officer, complaint, signed_in):
    response = signed_in(officer).post(
        f"/en/backoffice/complaints/{complaint.number}/note/", {"note-body": "   "}
    )
    assert response.status_code == 400
    assert "Write the message." in response.content.decode()
    assert not ComplaintMessage.objects.filter(complaint=complaint).exists()


def test_an_empty_message_is_refused_with_a_message_and_nothing_changes(
    officer, complaint, signed_in
):
    client = signed_in(officer)
    act(client, complaint, "take")
    response = client.post(
        f"/en/backoffice/complaints/{complaint.number}/act/",
        {"action": "reject", "reject-message": "   "},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "error-summary" in page and "Write the message." in page
    assert 'aria-invalid="true"' in page  # the error is on the reason box itself
    assert state_of(complaint) == ComplaintState.IN_REVIEW


def test_a_refused_action_keeps_what_was_typed(officer, supervisor, complaint, signed_in):
    """A supervisor resolved it meanwhile: 409, the typed answer is still on the page."""
    mine, theirs = signed_in(officer), signed_in(supervisor)
    act(mine, complaint, "take")
    assert act(theirs, complaint, "resolve", message="Resolved by a supervisor.").status_code == 302
    typed = "A long answer I do not want to type again."
    response = mine.post(
        f"/en/backoffice/complaints/{complaint.number}/act/",
        {"action": "answer", "answer-message": typed},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert typed in page
    assert "cannot do that now" in page
    assert state_of(complaint) == ComplaintState.RESOLVED
    assert not ComplaintMessage.objects.filter(kind=MessageKind.ANSWER).exists()


def test_an_officer_cannot_act_on_a_complaint_another_officer_holds(
    officer, other_officer, complaint, signed_in
):
    act(signed_in(officer), complaint, "take")
    theirs = signed_in(other_officer)
    page = theirs.get(f"/en/backoffice/complaints/{complaint.number}/").content.decode()
    assert 'name="action" value="answer"' not in page  # no buttons for it
    assert 'name="action" value="resolve"' not in page
    assert "<bdi>Salem</bdi> holds this complaint" in page
    assert 'action="/en/backoffice/complaints/' in page  # the internal note stays open

    typed = "I would answer it myself."
    for action in ("answer", "resolve", "reject", "ask_info"):
        response = theirs.post(
            f"/en/backoffice/complaints/{complaint.number}/act/",
            {"action": action, f"{action}-message": typed},
        )
        assert response.status_code == 403, action
        text = response.content.decode()
        assert "holds this complaint: only they or a supervisor can act on it." in text
        assert typed in text
    assert state_of(complaint) == ComplaintState.IN_REVIEW
    assert Complaint.objects.get(pk=complaint.pk).assigned_to == officer
    assert not ComplaintMessage.objects.filter(complaint=complaint).exists()
    assert not AuditEvent.objects.filter(actor=other_officer, action__startswith="complaint.")

    # An internal note is not an action on the complaint: still open to a colleague.
    note = theirs.post(
        f"/backoffice/complaints/{complaint.number}/note/", {"note-body": "Seen it too."}
    )
    assert note.status_code == 302


def test_a_supervisor_may_act_on_a_complaint_an_officer_holds(
    officer, supervisor, complaint, signed_in
):
    act(signed_in(officer), complaint, "take")
    client = signed_in(supervisor)
    page = client.get(f"/en/backoffice/complaints/{complaint.number}/").content.decode()
    assert 'name="action" value="answer"' in page and "holds this complaint" not in page
    response = act(client, complaint, "answer", message="A supervisor's answer.")
    assert response.status_code == 302
    assert ComplaintMessage.objects.get(complaint=complaint).author == supervisor


def test_the_refusal_is_in_arabic_on_the_arabic_page(officer, other_officer, complaint, signed_in):
    act(signed_in(officer), complaint, "take")
    response = act(signed_in(other_officer), complaint, "answer", message="جواب")
    assert response.status_code == 403
    assert "هذه الشكوى، ولا يتخذ إجراءً عليها إلا هو أو أحد المشرفين." in response.content.decode()


def test_an_unknown_action_is_a_400(officer, complaint, signed_in):
    response = act(signed_in(officer), complaint, "close")  # the system's, not staff's
    assert response.status_code == 400
    assert state_of(complaint) == ComplaintState.SUBMITTED


def test_a_supervisor_reassigns_to_an_active_officer(supervisor, officer, complaint, signed_in):
    client = signed_in(supervisor)
    response = act(client, complaint, "reassign", assign_to=officer.pk)
    assert response.status_code == 302
    moved = Complaint.objects.get(pk=complaint.pk)
    assert moved.assigned_to == officer and moved.state == ComplaintState.IN_REVIEW
    event = AuditEvent.objects.get(action="complaint.reassign")
    assert event.actor == supervisor and event.data["assigned_to"] == officer.pk


def test_reassigning_to_someone_who_is_not_an_officer_is_a_form_error(
    supervisor, reviewer, complaint, signed_in
):
    response = act(signed_in(supervisor), complaint, "reassign", assign_to=reviewer.pk)
    assert response.status_code == 400
    assert Complaint.objects.get(pk=complaint.pk).assigned_to is None


def test_the_supervisor_takes_an_escalated_complaint_an_officer_cannot(
    supervisor, officer, complaint, signed_in
):
    transition(obj=complaint, action=Action.ESCALATE, actor=None)
    assert act(signed_in(officer), complaint, "take").status_code == 403
    assert act(signed_in(supervisor), complaint, "take").status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).assigned_to == supervisor


def test_an_attachment_is_a_download_with_a_server_made_name(officer, complaint, signed_in):
    attachment = complaint.attachments.get()
    response = signed_in(officer).get(
        f"/backoffice/complaints/{complaint.number}/attachments/{attachment.pk}/"
    )
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"{complaint.number}-{attachment.pk}.pdf" in disposition
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_detail_page_shows_the_beneficiary_masked_and_the_timeline(
    officer, complaint, signed_in
):
    page = signed_in(officer).get(f"/en/backoffice/complaints/{complaint.number}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "1*******08" in text and "1000000008" not in text
    assert "Complaint filed" in text  # the timeline, from the audit log
    assert "contract.pdf" in text  # the file filed with the complaint


def test_the_service_level_is_said_with_arabic_number_agreement(officer, complaint, signed_in):
    page = signed_in(officer).get(f"/backoffice/complaints/{complaint.number}/").content.decode()
    # The data migration's level: first answer within 2 working days, resolution within 10.
    assert "الرد الأول خلال يومَي عمل." in page
    assert 'الحل خلال <span dir="ltr">10</span> أيام عمل.' in page


def test_staff_names_are_isolated_inside_sentences(officer, complaint, signed_in):
    """An Arabic name in an English line (and an English one in an Arabic line) keeps its
    order only inside <bdi>: the timeline's "— name", the officer, a message's author."""
    from musaned.accounts.tests.factories import StaffFactory

    arabic = StaffFactory(username="salem", first_name="سالم", roles=["complaints officer"])
    client = signed_in(arabic)
    act(client, complaint, "take")
    act(client, complaint, "answer", message="Please send the receipt.")
    page = signed_in(officer).get(f"/en/backoffice/complaints/{complaint.number}/").content.decode()
    assert page.count("<bdi>سالم</bdi>") >= 3  # officer, answer's author, timeline


# --- Visa quality check ---------------------------------------------------------------------


def decide(client, application, **data):
    return client.post(f"/en/backoffice/visas/{application.reference}/", data)


def test_a_reviewer_approves_and_the_visa_is_issued(reviewer, in_review, signed_in):
    client = signed_in(reviewer)
    page = client.get(f"/en/backoffice/visas/{in_review.reference}/").content.decode()
    assert "Why a person must read it" in page
    assert f"/backoffice/visas/{in_review.reference}/documents/occupation/" in page
    assert "1*******16" in page

    response = decide(client, in_review, decision="approve")
    assert response.status_code == 302
    assert response["Location"] == "/en/backoffice/visas/"
    application = VisaApplication.objects.get(pk=in_review.pk)
    assert application.state == VisaState.ISSUED and application.visa_number
    assert AuditEvent.objects.filter(action="visa.approve", actor=reviewer).exists()


def test_a_reviewer_rejects_with_a_reason(reviewer, in_review, signed_in):
    response = decide(
        signed_in(reviewer), in_review, decision="reject", reason="The report is not readable."
    )
    assert response.status_code == 302
    application = VisaApplication.objects.get(pk=in_review.pk)
    assert application.state == VisaState.REJECTED and application.fix_by
    event = AuditEvent.objects.get(action="visa.decline")
    assert event.data["reason"] == "The report is not readable."


def test_rejecting_without_a_reason_keeps_the_form(reviewer, in_review, signed_in):
    response = decide(signed_in(reviewer), in_review, decision="reject", reason="  ")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the reason for the rejection." in page
    assert re.search(r'value="reject"[^>]*checked', page)  # the choice stays made
    assert VisaApplication.objects.get(pk=in_review.pk).state == VisaState.IN_REVIEW


def test_a_decision_on_a_request_already_decided_keeps_the_reason(reviewer, in_review, signed_in):
    client = signed_in(reviewer)
    decide(client, in_review, decision="approve")
    reason = "A reason I typed carefully."
    response = decide(client, in_review, decision="reject", reason=reason)
    assert response.status_code == 409
    assert reason in response.content.decode()
    assert VisaApplication.objects.get(pk=in_review.pk).state == VisaState.ISSUED


def test_a_visa_document_is_a_download_with_a_server_made_name(reviewer, in_review, signed_in):
    response = signed_in(reviewer).get(
        f"/backoffice/visas/{in_review.reference}/documents/occupation/"
    )
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert f"{in_review.reference}-occupation.pdf" in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")


def test_a_draft_is_not_open_to_the_back_office(reviewer, exempt, signed_in):
    draft = complete_draft(exempt)
    client = signed_in(reviewer)
    assert client.get(f"/backoffice/visas/{draft.reference}/").status_code == 404
    assert client.get(f"/backoffice/visas/{draft.reference}/documents/proof/").status_code == 404
