"""A complaint about a recruitment office goes to the office first (the amicable phase):
the office answers in its portal within its working days, the beneficiary accepts the
answer or asks the ministry to step in, and a complaint the office leaves unanswered
moves to the ministry's queue by itself."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone, translation

from musaned.accounts.tests.factories import BeneficiaryFactory
from musaned.complaints.models import Complaint, ComplaintState, MessageKind
from musaned.complaints.tests.factories import FORM, file_complaint
from musaned.complaints.workflow import MACHINE, Action
from musaned.core.errors import InvalidTransition
from musaned.core.models import AuditEvent
from musaned.core.workflow import transition
from musaned.notifications.models import Notification
from musaned.offices import scorecard
from musaned.offices import services as office_services
from musaned.offices.selectors import public_office
from musaned.offices.tests.conftest import hire, register_office, staff_member

pytestmark = pytest.mark.django_db

SUNDAY_9AM = dt.datetime(2026, 11, 22, 6, 0, tzinfo=dt.UTC)  # 09:00 in Riyadh


@pytest.fixture
def office(recruitment_office):
    return recruitment_office


@pytest.fixture
def manager(abdullah):
    return abdullah


@pytest.fixture
def employee(office, manager, registry):
    person = BeneficiaryFactory(person="2000000006", username="ahmed")
    hire(office, manager, person)
    return person


@pytest.fixture
def other_office_manager(office, registry):
    fahad = BeneficiaryFactory(person="1000000024", username="fahad")
    register_office(staff_member("licensing2"), manager=fahad, name="Other Office")
    return fahad


def about_office(owner, office, **overrides):
    return file_complaint(owner, category="office", office=office, **overrides)


def answered(complaint, member, text="We will send the worker's papers on Thursday."):
    return transition(obj=complaint, action=Action.OFFICE_ANSWER, actor=member, message=text)


# --- filing ---------------------------------------------------------------------------------


def test_a_complaint_about_an_office_goes_to_the_office_with_its_working_days(
    citizen, office, manager, employee, django_capture_on_commit_callbacks
):
    with time_machine.travel(SUNDAY_9AM, tick=False):
        complaint = about_office(citizen, office)
    assert complaint.state == ComplaintState.WITH_OFFICE
    assert complaint.office == office
    # Five working days from Sunday 09:00: the next Sunday 09:00 (Friday and Saturday off).
    assert timezone.localtime(complaint.office_answer_due).date() == dt.date(2026, 11, 29)
    told = set(
        Notification.objects.filter(body__contains=complaint.number).values_list("user", flat=True)
    )
    assert told == {citizen.pk, manager.pk, employee.pk}
    to_office = Notification.objects.filter(user=manager, body__contains=complaint.number).get()
    # In the manager's language (Arabic, the default), with the plural form of 5.
    assert "رد عليها في بوابة المكتب خلال 5 أيام عمل" in to_office.body


def test_an_office_complaint_must_name_the_office_and_the_form_keeps_the_text(
    citizen, office, signed_in
):
    client = signed_in(citizen)
    response = client.post("/en/complaints/new/", FORM | {"category": "office"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose the recruitment office the complaint is about." in page
    assert FORM["description"] in page
    assert not Complaint.objects.exists()
    arabic = client.post("/complaints/new/", FORM | {"category": "office"}).content.decode()
    assert "اختر مكتب الاستقدام الذي تشكو منه." in arabic


def test_the_offices_page_leads_to_the_form_with_the_office_chosen(citizen, office, signed_in):
    client = signed_in(citizen)
    page = client.get(f"/en/offices/{office.uid}/").content.decode()
    link = f"/en/complaints/new/?office={office.uid}"
    assert link in page
    form = client.get(link).content.decode()
    assert f'<option value="{office.uid}" selected>' in form
    assert re.search(r'value="office"[^>]* checked', form)
    response = client.post(
        "/en/complaints/new/", FORM | {"category": "office", "office": str(office.uid)}
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and complaint.office == office


def test_an_office_that_lost_its_licence_sends_the_complaint_straight_to_the_ministry(
    citizen, office
):
    office_services.office_act(
        office=office,
        action="withdraw",
        actor=staff_member("licensing3"),
        ground="money_outside",
        reason="Took money outside the platform.",
    )
    office.refresh_from_db()
    complaint = about_office(citizen, office)
    assert complaint.state == ComplaintState.SUBMITTED
    assert complaint.office_answer_due is None


# --- the office answers -----------------------------------------------------------------------


def test_the_office_answers_in_its_portal_and_the_beneficiary_is_told(
    citizen, office, manager, signed_in, django_capture_on_commit_callbacks
):
    complaint = about_office(citizen, office)
    portal = signed_in(manager)
    listing = portal.get("/en/office/complaints/").content.decode()
    assert complaint.number in listing and "Waiting for your answer" in listing
    page = portal.get(f"/en/office/complaints/{complaint.number}/").content.decode()
    assert complaint.subject in page and "Send the answer to the beneficiary" in page
    empty = portal.post(f"/en/office/complaints/{complaint.number}/answer/", {"message": " "})
    assert empty.status_code == 400
    response = portal.post(
        f"/en/office/complaints/{complaint.number}/answer/",
        {"message": "We will send the papers on Thursday."},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.OFFICE_ANSWERED
    assert complaint.office_answered_at is not None
    assert complaint.messages.get().kind == MessageKind.OFFICE_ANSWER
    notice = Notification.objects.filter(user=citizen).latest("id")
    assert complaint.number in notice.body
    own = signed_in(citizen).get(f"/en/complaints/{complaint.number}/").content.decode()
    assert "We will send the papers on Thursday." in own
    assert "Accept the office&#x27;s answer" in own and "Ask the ministry to step in" in own
    # Answered once: the form is gone and a second answer is refused.
    again = portal.post(f"/en/office/complaints/{complaint.number}/answer/", {"message": "Again."})
    assert again.status_code == 400
    assert complaint.messages.count() == 1


def test_an_employee_may_answer_too(citizen, office, employee):
    complaint = answered(about_office(citizen, office), employee)
    assert complaint.state == ComplaintState.OFFICE_ANSWERED


def test_the_beneficiary_accepts_the_answer_and_the_scorecard_counts_it_resolved(
    citizen, office, manager, signed_in
):
    complaint = answered(about_office(citizen, office), manager)
    response = signed_in(citizen).post(f"/en/complaints/{complaint.number}/accept-answer/")
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.RESOLVED and complaint.resolved_at is not None
    figures = public_office(uid=office.uid, period=scorecard.last_twelve_months())
    assert (figures.complaints_filed, figures.complaints_resolved) == (1, 1)


def test_the_beneficiary_asks_the_ministry_and_the_ministrys_clock_starts_then(
    citizen, office, manager, officer, signed_in
):
    with time_machine.travel(SUNDAY_9AM, tick=False):
        complaint = answered(about_office(citizen, office), manager)
    later = SUNDAY_9AM + dt.timedelta(days=3)  # Wednesday
    with time_machine.travel(later, tick=False):
        response = signed_in(citizen).post(
            f"/en/complaints/{complaint.number}/ask-ministry/",
            {"message": "The papers never came."},
        )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.SUBMITTED
    level = complaint.service_level
    assert complaint.first_answer_due > later + dt.timedelta(days=level.first_answer_days)
    # In the ministry's "new" queue, with the office's answer for the officer to read.
    queue = signed_in(officer).get("/en/backoffice/").content.decode()
    assert complaint.number in queue
    staff_page = signed_in(officer).get(f"/en/backoffice/complaints/{complaint.number}/")
    html = staff_page.content.decode()
    assert "We will send the worker&#x27;s papers on Thursday." in html
    assert "The papers never came." in html and office.name_en in html
    # The office reads where it stands, not the beneficiary's words to the ministry.
    office_page = signed_in(manager).get(f"/en/office/complaints/{complaint.number}/")
    assert "With the ministry" in office_page.content.decode()
    assert "The papers never came." not in office_page.content.decode()


def test_the_office_never_reads_the_ministrys_messages_or_notes(
    citizen, office, manager, officer, signed_in
):
    from musaned.complaints import services

    complaint = answered(about_office(citizen, office), manager)
    complaint = transition(obj=complaint, action=Action.ASK_MINISTRY, actor=citizen)
    complaint = transition(obj=complaint, action=Action.TAKE, actor=officer)
    transition(obj=complaint, action=Action.ANSWER, actor=officer, message="Ministry answer.")
    services.complaint_note(complaint=complaint, actor=officer, body="Staff only note.")
    page = signed_in(manager).get(f"/en/office/complaints/{complaint.number}/").content.decode()
    assert "Ministry answer." not in page and "Staff only note." not in page
    assert "Internal note" not in page


# --- clocks -------------------------------------------------------------------------------------


def test_an_unanswered_complaint_moves_to_the_ministry_when_the_window_ends_once(citizen, office):
    with time_machine.travel(SUNDAY_9AM, tick=False):
        complaint = about_office(citizen, office)
    before_end = dt.datetime(2026, 11, 29, 5, 59, tzinfo=dt.UTC)  # 08:59 the next Sunday
    with time_machine.travel(before_end, tick=False):
        call_command("escalate_complaints", stdout=io.StringIO())
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.WITH_OFFICE
    after_end = dt.datetime(2026, 11, 29, 6, 1, tzinfo=dt.UTC)
    with time_machine.travel(after_end, tick=False):
        out = io.StringIO()
        call_command("escalate_complaints", stdout=out)
        call_command("escalate_complaints", stdout=io.StringIO())
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.SUBMITTED
    assert "sent 1 to the ministry" in out.getvalue()
    assert AuditEvent.objects.filter(action="complaint.office_window_ended").count() == 1
    # The ministry's first answer is counted from the move, not from the filing.
    assert complaint.first_answer_due > after_end
    notice = Notification.objects.filter(user=citizen).latest("id")
    assert "did not answer" in notice.body or "لم يرد" in notice.body


def test_an_answer_the_beneficiary_lets_stand_resolves_the_complaint(citizen, office, manager):
    with time_machine.travel(SUNDAY_9AM, tick=False):
        complaint = answered(about_office(citizen, office), manager)
    days = complaint.service_level.reopen_days
    with time_machine.travel(SUNDAY_9AM + dt.timedelta(days=days, hours=-1), tick=False):
        call_command("escalate_complaints", stdout=io.StringIO())
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.OFFICE_ANSWERED
    with time_machine.travel(SUNDAY_9AM + dt.timedelta(days=days, hours=1), tick=False):
        call_command("escalate_complaints", stdout=io.StringIO())
        call_command("escalate_complaints", stdout=io.StringIO())
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.RESOLVED
    assert AuditEvent.objects.filter(action="complaint.answer_stands").count() == 1
    # Still within the reopening window: the beneficiary may bring it to the ministry.
    assert [r.action for r in MACHINE.actions_for(complaint, citizen)] == [Action.REOPEN]


def test_a_supervisor_may_take_a_complaint_from_the_office(citizen, office, supervisor):
    complaint = about_office(citizen, office)
    complaint = transition(obj=complaint, action=Action.TAKE, actor=supervisor)
    assert complaint.state == ComplaintState.IN_REVIEW
    assert complaint.assigned_to == supervisor


def test_an_officer_cannot_take_it_from_the_office(citizen, office, officer):
    complaint = about_office(citizen, office)
    with pytest.raises(InvalidTransition):
        transition(obj=complaint, action=Action.TAKE, actor=officer)


# --- who sees what --------------------------------------------------------------------------------


def test_another_office_and_everyone_else_get_404(
    citizen, office, manager, other_office_manager, officer, signed_in, client
):
    complaint = about_office(citizen, office)
    urls = [
        f"/en/office/complaints/{complaint.number}/",
        f"/en/office/complaints/{complaint.number}/answer/",
    ]
    other = signed_in(other_office_manager)
    assert complaint.number not in other.get("/en/office/complaints/").content.decode()
    for url in urls:
        assert other.get(url).status_code in (404, 405)
    assert other.post(urls[1], {"message": "Not ours."}).status_code == 404
    for person in (citizen, officer):
        assert signed_in(person).get("/en/office/complaints/").status_code == 404
        assert signed_in(person).post(urls[1], {"message": "x"}).status_code == 404
    visitor = client.get("/en/office/complaints/")
    assert visitor.status_code == 302 and "/login/" in visitor["Location"]
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.WITH_OFFICE


def test_only_the_owner_accepts_or_asks_the_ministry(citizen, office, manager, signed_in):
    complaint = answered(about_office(citizen, office), manager)
    for url in ("accept-answer", "ask-ministry"):
        assert (
            signed_in(manager).post(f"/en/complaints/{complaint.number}/{url}/").status_code == 404
        )
    with pytest.raises(InvalidTransition):
        transition(obj=complaint, action=Action.ACCEPT_ANSWER, actor=manager)
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.OFFICE_ANSWERED


def test_the_scorecard_counts_the_complaints_of_the_last_twelve_months_by_hand(
    citizen, office, manager, officer
):
    """Five complaints name the office this year (two resolved: one accepted, one by the
    ministry; one closed after its resolution counts as resolved), one thirteen months
    ago (outside the period), one names another office."""
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(days=396)):
        about_office(citizen, office, subject="Old")
    accepted = answered(about_office(citizen, office), manager)
    transition(obj=accepted, action=Action.ACCEPT_ANSWER, actor=citizen)
    by_ministry = answered(about_office(citizen, office), manager)
    by_ministry = transition(obj=by_ministry, action=Action.ASK_MINISTRY, actor=citizen)
    by_ministry = transition(obj=by_ministry, action=Action.TAKE, actor=officer)
    transition(obj=by_ministry, action=Action.RESOLVE, actor=officer, message="Refunded.")
    closed = answered(about_office(citizen, office), manager)
    closed = transition(obj=closed, action=Action.ACCEPT_ANSWER, actor=citizen)
    Complaint.objects.filter(pk=closed.pk).update(state=ComplaintState.CLOSED)
    answered(about_office(citizen, office), manager)  # waiting for the beneficiary
    about_office(citizen, office)  # waiting for the office
    elsewhere = register_office(staff_member("licensing4"), name="Elsewhere")
    about_office(citizen, elsewhere)

    period = scorecard.last_twelve_months()
    counted = public_office(uid=office.uid, period=period)
    mine = [c for c in Complaint.objects.all() if c.office_id == office.pk]
    in_period = [c for c in mine if c.created_at.date() >= period.start]
    by_hand_resolved = [c for c in in_period if c.state in ("resolved", "closed")]
    assert (len(in_period), len(by_hand_resolved)) == (5, 3)
    assert (counted.complaints_filed, counted.complaints_resolved) == (5, 3)
    with translation.override("en"):
        shown = {f.key: f for f in scorecard.figures(counted, period)}
    assert shown["complaints-resolved"].value == 60  # 3 of 5, in per cent
    assert shown["complaints-resolved"].count == 5
