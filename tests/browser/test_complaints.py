"""Complaints in a real browser: a citizen files one in Arabic with a PDF, an officer
answers from the back office in English, the citizen replies with a file, the officer
resolves, the citizen rates it; a late complaint is escalated by the job and waits in the
supervisor's queue."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from musaned.complaints.models import Complaint, ComplaintState
from musaned.core.tests.documents import PDF
from tests.browser.conftest import beneficiary, sign_in, staff

pytestmark = [pytest.mark.browser]


def act(site, action: str, step: str, **fields: str) -> None:
    """Fill and send one of the back office's action forms (each has its own prefix)."""
    for name, value in fields.items():
        site.page.locator(f"[name='{action}-{name}']").fill(value)
    site.submit(step, form=f"main form:has(input[name=action][value={action}])")


def test_citizen_and_officer_settle_a_complaint(
    registry, catalogues, service_level, staff_roles, open_site, last_sms_code
):
    citizen = beneficiary("1000000008", "mohammed")
    officer = staff("officer", "complaints officer", "+966500000091")

    # The citizen files a complaint in Arabic, with a PDF.
    home = open_site("ar")
    sign_in(home, citizen, last_sms_code)
    page = home.page
    with page.expect_navigation():
        page.locator("a.tile__link[href='/complaints/']").click()
    home.visit("my-complaints-empty")
    with page.expect_navigation():
        page.locator("a[href='/complaints/new/']").click()
    home.visit("new-complaint")
    # About the fee paid (a complaint about an office names it and goes to the office first:
    # tests/browser/test_offices.py); this one is the ministry's from the start.
    page.check("input[name=category][value=payment]")
    home.fill(
        subject="مكتب الاستقدام لا يرد",
        description="دفعت الرسوم قبل ثلاثة أسابيع ولم يتواصل معي أحد.",
    )
    page.set_input_files(
        "[name=attachments]", {"name": "إيصال.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    home.screenshot("new-complaint-filled")
    home.submit("confirmation")
    complaint = Complaint.objects.get()
    assert page.locator(".big-number").inner_text() == complaint.number
    assert page.locator("text=إيصال.pdf").count() == 1
    home.narrow("confirmation")

    # The officer signs in (with the code) and answers in English from the back office.
    office = open_site("en", name_suffix="-officer")
    sign_in(office, officer, last_sms_code)
    office.goto("/backoffice/", "queue-new")
    row = office.page.locator(f"a[href='/en/backoffice/complaints/{complaint.number}/']")
    with office.page.expect_navigation():
        row.click()
    office.visit("complaint")
    act(office, "take", "taken")
    act(
        office,
        "ask_info",
        "asked-for-information",
        message="Please send the receipt of the office's fee.",
    )
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.WAITING

    # The citizen sees the question and replies with another file.
    home.goto(f"/complaints/{complaint.number}/", "waiting-for-me")
    assert page.locator("text=Please send the receipt of the office's fee.").is_visible()
    home.fill(message="أرفقت الإيصال.")
    page.set_input_files(
        "form[action$='/reply/'] [name=attachments]",
        {"name": "receipt-2.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    home.submit("replied", form="main form[action$='/reply/']")
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.IN_REVIEW

    # The officer reads the reply and its file, and resolves.
    office.goto(f"/backoffice/complaints/{complaint.number}/", "reply-arrived")
    assert office.page.locator("text=أرفقت الإيصال.").is_visible()
    assert office.page.locator("a:has-text('receipt-2.pdf')").count() == 1
    act(office, "resolve", "resolved", message="The office refunded the fee today.")

    # The citizen rates the resolution.
    home.goto(f"/complaints/{complaint.number}/", "resolved")
    assert page.locator("text=The office refunded the fee today.").is_visible()
    page.check("input[name=rating][value='5']")
    home.fill(comment="شكرا على سرعة الحل")
    home.submit("rated", form="main form[action$='/rate/']")
    complaint.refresh_from_db()
    assert (complaint.state, complaint.rating) == (ComplaintState.RESOLVED, 5)
    home.assert_accessible()
    office.assert_accessible()


def test_a_late_complaint_is_escalated_and_waits_for_the_supervisor(
    registry, catalogues, service_level, staff_roles, open_site, last_sms_code
):
    from musaned.complaints.services import complaint_submit

    citizen = beneficiary("1000000008", "mohammed")
    # One supervisor per language: a second sign-in within a minute would wait for a new code.
    supervisors = {
        "en": staff("supervisor", "supervisor", "+966500000092"),
        "ar": staff("supervisor2", "supervisor", "+966500000093"),
    }
    complaint = complaint_submit(
        owner=citizen,
        category="payment",
        subject="Paid twice",
        description="The fee was taken twice.",
        contact_preference="sms",
    )
    # Two weeks later (frozen time), the job runs: the complaint is past both its clocks.
    with time_machine.travel(timezone.now() + dt.timedelta(days=14), tick=False):
        call_command("escalate_complaints", stdout=io.StringIO())
        call_command("escalate_complaints", stdout=io.StringIO())
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.ESCALATED

    for lang in ("en", "ar"):
        site = open_site(lang, name_suffix=f"-{lang}")
        sign_in(site, supervisors[lang], last_sms_code)
        site.goto("/backoffice/?tab=escalated", "escalated-queue")
        assert site.page.locator(f"text={complaint.number}").count() == 1
        site.goto(f"/backoffice/complaints/{complaint.number}/audit/", "audit-trail")
        assert site.page.locator("table").count() >= 1
        site.goto("/backoffice/statistics/", "statistics")
        site.assert_accessible()
