"""The complaint table as rows of the one core: the buttons each person sees come from
the rows (guards hide them), the timelines read the rows' labels, the audit rows keep
their data, and a notice is written in its recipient's language."""

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from musaned.complaints.errors import ComplaintError
from musaned.complaints.models import ComplaintState
from musaned.complaints.tests.factories import file_complaint
from musaned.complaints.workflow import MACHINE, Action, staff_actions_for
from musaned.core import timeline
from musaned.core.models import AuditEvent
from musaned.core.tests.documents import pdf_upload
from musaned.core.workflow import transition
from musaned.notifications.models import Notification

pytestmark = pytest.mark.django_db


def buttons(complaint, actor) -> list[str]:
    return [row.action for row in MACHINE.actions_for(complaint, actor)]


def test_each_person_sees_the_buttons_of_the_rows_they_may_take(citizen, officer, supervisor):
    complaint = file_complaint(citizen)
    assert buttons(complaint, citizen) == []
    assert buttons(complaint, officer) == [Action.TAKE, Action.REJECT]
    assert buttons(complaint, supervisor) == [Action.TAKE, Action.REJECT, Action.REASSIGN]
    assert buttons(complaint, None) == []  # the escalation is the job's, with no button
    complaint = transition(obj=complaint, action=Action.TAKE, actor=officer)
    complaint = transition(obj=complaint, action=Action.ASK_INFO, actor=officer, message="?")
    assert buttons(complaint, citizen) == [Action.REPLY]
    assert staff_actions_for(complaint, officer) == []
    assert [r.action for r in staff_actions_for(complaint, supervisor)] == [Action.REASSIGN]


def test_an_officer_sees_no_action_on_a_complaint_another_officer_holds(
    citizen, officer, other_officer, supervisor
):
    complaint = transition(obj=file_complaint(citizen), action=Action.TAKE, actor=officer)
    held = [Action.ANSWER, Action.ASK_INFO, Action.RESOLVE, Action.REJECT]
    assert buttons(complaint, officer) == held
    assert buttons(complaint, other_officer) == []
    assert buttons(complaint, supervisor) == [*held, Action.REASSIGN]


def test_the_reopen_button_goes_when_the_window_passes(citizen, officer):
    complaint = transition(obj=file_complaint(citizen), action=Action.TAKE, actor=officer)
    complaint = transition(obj=complaint, action=Action.RESOLVE, actor=officer, message="Done.")
    assert buttons(complaint, citizen) == [Action.REOPEN]
    with time_machine.travel(dt.timedelta(days=8)):
        assert buttons(complaint, citizen) == []


def test_staff_and_the_owner_read_the_same_history_in_their_own_words(citizen, officer):
    complaint = transition(obj=file_complaint(citizen), action=Action.TAKE, actor=officer)
    complaint = transition(obj=complaint, action=Action.ASK_INFO, actor=officer, message="?")
    complaint = transition(obj=complaint, action=Action.REPLY, actor=citizen, message="!")
    with translation.override("en"):
        staff = timeline.timeline(complaint, viewer=timeline.STAFF, labels=MACHINE.labels)
        owner = timeline.timeline(
            complaint, viewer=timeline.OWNER, labels=MACHINE.owner_labels, only_labelled=True
        )
    assert [e.label for e in staff] == [
        "Complaint filed",
        "Taken by an officer",
        "Information asked from the beneficiary",
        "The beneficiary replied",
    ]
    assert [e.label for e in owner] == [
        "Complaint filed",
        "An officer took it",
        "More information asked of you",
        "You replied",
    ]
    assert staff[-1].by == "The beneficiary" and owner[-1].by == "You"


def test_the_audit_rows_keep_the_message_the_files_and_the_new_officer(
    citizen, officer, supervisor
):
    complaint = transition(obj=file_complaint(citizen), action=Action.TAKE, actor=officer)
    complaint = transition(obj=complaint, action=Action.ASK_INFO, actor=officer, message="?")
    complaint = transition(
        obj=complaint,
        action=Action.REPLY,
        actor=citizen,
        message="Here.",
        files=[pdf_upload("a.pdf")],
    )
    reply = AuditEvent.objects.get(action="complaint.reply")
    assert reply.data == {
        "old": ComplaintState.WAITING,
        "new": ComplaintState.IN_REVIEW,
        "message": complaint.messages.get(kind="reply").pk,
        "files": 1,
    }
    transition(obj=complaint, action=Action.REASSIGN, actor=supervisor, assign_to=officer)
    moved = AuditEvent.objects.get(action="complaint.reassign")
    assert moved.data == {"old": "in_review", "new": "in_review", "assigned_to": officer.pk}


def test_files_come_only_with_a_reply_or_a_reopening(citizen, officer):
    complaint = transition(obj=file_complaint(citizen), action=Action.TAKE, actor=officer)
    with pytest.raises(ComplaintError) as refused:
        transition(
            obj=complaint,
            action=Action.ANSWER,
            actor=officer,
            message="An answer.",
            files=[pdf_upload("a.pdf")],
        )
    assert refused.value.code == "no_files_here"
    assert not complaint.messages.exists() and not complaint.attachments.exists()


def test_the_owner_is_told_in_their_own_language_whoever_acts(citizen, officer):
    citizen.preferred_language = "ar"
    citizen.save(update_fields=["preferred_language"])
    complaint = transition(obj=file_complaint(citizen), action=Action.TAKE, actor=officer)
    with translation.override("en"):  # the officer works in English
        transition(obj=complaint, action=Action.ANSWER, actor=officer, message="An answer.")
    notice = Notification.objects.filter(user=citizen).order_by("-id").first()
    assert notice.body == f"يوجد رد على شكواك رقم {complaint.number}."
