"""Complaint clocks, the state table and escalation by itself (services only; the pages
and the back office come with the rest of issue 5)."""

import datetime as dt
import io
import itertools

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from musaned.accounts.tests.factories import StaffFactory
from musaned.complaints import services
from musaned.complaints.errors import ComplaintError, ComplaintHeldByAnother
from musaned.complaints.models import Complaint, ComplaintState
from musaned.complaints.tests.factories import file_complaint
from musaned.complaints.workflow import MACHINE, Action
from musaned.core.errors import InvalidTransition
from musaned.core.models import AuditEvent, Holiday
from musaned.core.tests.documents import pdf_upload
from musaned.core.workflow import OFFICE, OWNER, SYSTEM, transition

pytestmark = pytest.mark.django_db

SUNDAY_9AM = dt.datetime(2026, 11, 22, 6, 0, tzinfo=dt.UTC)  # 09:00 in Riyadh


@pytest.fixture
def officer(db):
    """An officer who may handle and supervise complaints (every staff row is theirs)."""
    return StaffFactory(username="officer", permissions=["handle_complaint", "supervise_complaint"])


def test_clocks_run_in_working_days_and_skip_holidays(citizen):
    Holiday.objects.create(date=dt.date(2026, 11, 24), name_ar="عطلة", name_en="A holiday")
    with time_machine.travel(SUNDAY_9AM, tick=False):
        complaint = file_complaint(citizen)
    # Sun → Mon (1), Tue is a holiday, Wed (2): first answer due Wednesday 09:00 Riyadh.
    assert complaint.first_answer_due.astimezone(
        dt.timezone(dt.timedelta(hours=3))
    ).date() == dt.date(2026, 11, 25)
    assert len(complaint.number) == 12 and complaint.number.startswith("7")


def test_overdue_complaints_are_escalated_once_by_the_command(citizen):
    with time_machine.travel(SUNDAY_9AM, tick=False):
        late, answered = file_complaint(citizen), file_complaint(citizen)
    Complaint.objects.filter(pk=answered.pk).update(first_answered_at=SUNDAY_9AM)
    with time_machine.travel(SUNDAY_9AM + dt.timedelta(days=4), tick=False):
        call_command("escalate_complaints", stdout=io.StringIO())
        call_command("escalate_complaints", stdout=io.StringIO())
    late.refresh_from_db()
    answered.refresh_from_db()
    assert late.state == ComplaintState.ESCALATED and late.escalated_at is not None
    assert answered.state == ComplaintState.SUBMITTED
    assert AuditEvent.objects.filter(action="complaint.escalate").count() == 1


@pytest.mark.parametrize(
    ("state", "action"), list(itertools.product(ComplaintState, Action)), ids=str
)
def test_every_state_and_action_pair(citizen, officer, recruitment_office, abdullah, state, action):
    complaint = file_complaint(citizen)
    Complaint.objects.filter(pk=complaint.pk).update(
        state=state, resolved_at=timezone.now(), office=recruitment_office
    )
    complaint.refresh_from_db()
    allowed = MACHINE.row(state, action)
    extra = {"message": "A message.", "assign_to": officer}
    if allowed is None:
        actor = officer
    else:
        actor = (
            citizen
            if OWNER in allowed.whos
            else None
            if SYSTEM in allowed.whos
            else abdullah
            if OFFICE in allowed.whos
            else officer
        )
    events = AuditEvent.objects.filter(
        target_id=str(complaint.pk), target_type="complaints.complaint"
    )
    before = events.count()
    if allowed:
        transition(obj=complaint, action=action, actor=actor, **extra)
        complaint.refresh_from_db()
        assert complaint.state == allowed.target
        after = events.count()
        assert after == before + 1
        event = events.order_by("-id").first()
        assert event.action == f"complaint.{action}"
        assert (event.data["old"], event.data["new"]) == (state, allowed.target)
    else:
        for someone in (citizen, officer, abdullah, None):
            with pytest.raises(InvalidTransition):
                transition(obj=complaint, action=action, actor=someone, **extra)
        complaint.refresh_from_db()
        assert complaint.state == state
        assert events.count() == before


def test_the_table_has_a_row_for_every_action():
    assert set(MACHINE.actions) == set(Action)
    assert MACHINE.terminal == {ComplaintState.CLOSED, ComplaintState.REJECTED}


def test_a_beneficiary_cannot_do_an_officers_action(citizen):
    complaint = file_complaint(citizen)
    with pytest.raises(InvalidTransition):
        transition(obj=complaint, action=Action.TAKE, actor=citizen)


def test_a_failing_file_write_leaves_no_half_filed_complaint(citizen, monkeypatch):
    from django.core.files.storage import default_storage

    def broken_save(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(default_storage, "save", broken_save)
    upload = pdf_upload("a.pdf")
    with pytest.raises(OSError):
        services.complaint_submit(
            owner=citizen,
            category="worker",
            subject="s",
            description="d",
            contact_preference="sms",
            files=[upload],
        )
    assert not Complaint.objects.exists()
    assert not AuditEvent.objects.filter(action="complaint.submitted").exists()


def test_a_failing_reply_leaves_the_complaint_waiting(citizen, officer, monkeypatch):
    from django.core.files.storage import default_storage

    complaint = file_complaint(citizen)
    transition(obj=complaint, action=Action.TAKE, actor=officer)
    transition(obj=complaint, action=Action.ASK_INFO, actor=officer, message="?")
    monkeypatch.setattr(default_storage, "save", lambda *a, **k: (_ for _ in ()).throw(OSError()))
    upload = pdf_upload("a.pdf")
    with pytest.raises(OSError):
        transition(
            obj=complaint, action=Action.REPLY, actor=citizen, message="Here", files=[upload]
        )
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.WAITING
    assert not complaint.messages.filter(kind="reply").exists()


def test_waiting_for_the_beneficiary_pauses_the_clock(citizen, officer):
    with time_machine.travel(SUNDAY_9AM, tick=False):
        complaint = file_complaint(citizen)
        transition(obj=complaint, action=Action.TAKE, actor=officer)
        transition(obj=complaint, action=Action.ASK_INFO, actor=officer, message="?")
    due = Complaint.objects.get(pk=complaint.pk).resolution_due
    # Three weeks without a reply: nothing escalates while the officer waits.
    with time_machine.travel(SUNDAY_9AM + dt.timedelta(days=21), tick=False):
        assert services.complaints_escalate_overdue() == 0
        transition(obj=complaint, action=Action.REPLY, actor=citizen, message="!")
    complaint.refresh_from_db()
    assert complaint.resolution_due == due + dt.timedelta(days=21)
    assert complaint.state == ComplaintState.IN_REVIEW


def test_resolved_complaints_close_after_the_reopening_window(citizen, officer):
    with time_machine.travel(SUNDAY_9AM, tick=False):
        complaint = file_complaint(citizen)
        transition(obj=complaint, action=Action.TAKE, actor=officer)
        transition(obj=complaint, action=Action.RESOLVE, actor=officer, message="ok")
    with time_machine.travel(SUNDAY_9AM + dt.timedelta(days=6), tick=False):
        assert services.complaints_close_resolved() == 0
    with time_machine.travel(SUNDAY_9AM + dt.timedelta(days=8), tick=False):
        assert services.complaints_close_resolved() == 1
        assert services.complaints_close_resolved() == 0
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.CLOSED


def test_escalation_tells_the_supervisors(citizen, officer, django_capture_on_commit_callbacks):
    from musaned.notifications import sms

    StaffFactory(username="boss", mobile="+966500000055", roles=["supervisor"])
    with time_machine.travel(SUNDAY_9AM, tick=False):
        complaint = file_complaint(citizen)
    with (
        time_machine.travel(SUNDAY_9AM + dt.timedelta(days=5), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.complaints_escalate_overdue() == 1
    assert any(m.to == "+966500000055" and complaint.number in m.body for m in sms.outbox)


def test_an_account_files_at_most_the_daily_number_of_complaints(citizen, settings):
    settings.MUSANED_COMPLAINTS_PER_DAY = 2
    with time_machine.travel(SUNDAY_9AM, tick=False):
        file_complaint(citizen)
        file_complaint(citizen)
        with pytest.raises(ComplaintError) as refused:
            file_complaint(citizen)
    assert refused.value.code == "too_many_complaints"
    with time_machine.travel(SUNDAY_9AM + dt.timedelta(days=1, minutes=1), tick=False):
        file_complaint(citizen)
    assert Complaint.objects.count() == 3


def test_an_officer_cannot_act_on_a_complaint_another_officer_holds(citizen):
    holder, colleague = (
        StaffFactory(username="holder", roles=["complaints officer"]),
        StaffFactory(username="colleague", roles=["complaints officer"]),
    )
    supervisor = StaffFactory(username="boss", roles=["supervisor"])
    complaint = file_complaint(citizen)
    transition(obj=complaint, action=Action.TAKE, actor=holder)
    for action in (Action.ANSWER, Action.ASK_INFO, Action.RESOLVE, Action.REJECT):
        with pytest.raises(ComplaintHeldByAnother) as refused:
            transition(obj=complaint, action=action, actor=colleague, message="x")
        assert refused.value.status == 403 and refused.value.code == "held_by_another"
    complaint.refresh_from_db()
    assert (complaint.state, complaint.assigned_to) == (ComplaintState.IN_REVIEW, holder)
    assert not AuditEvent.objects.filter(actor=colleague).exists()
    # The holder and a supervisor may.
    transition(obj=complaint, action=Action.ANSWER, actor=holder, message="x")
    transition(obj=complaint, action=Action.RESOLVE, actor=supervisor, message="y")
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.RESOLVED
