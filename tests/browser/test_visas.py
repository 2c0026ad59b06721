"""Issuing a visa in a real browser: verdicts before paying, the provider page, the e-visa and its QR page."""

import re
import shutil
import subprocess

import pytest

from musaned.core.tests.documents import PDF
from tests.browser.conftest import SCREENSHOTS, beneficiary, sign_in, translated

pytestmark = [pytest.mark.browser]


def test_citizen_applies_pays_and_gets_the_evisa_in_arabic(
    registry, catalogues, open_site, last_sms_code
):
    user = beneficiary("1000000008", "mohammed")
    site = open_site("ar")
    sign_in(site, user, last_sms_code)
    page = site.page

    # The hub's "issue a visa" tile shows every rule's verdict before anything starts.
    with page.expect_navigation():
        page.locator("a.tile__link[href='/visas/start/']").click()
    site.visit("eligibility")
    assert page.locator(".verdict--fail").count() == 0
    assert page.locator(".verdict--pass").count() >= 4
    site.submit("worker", form="main form[action='/visas/new/']")

    page.select_option("[name=occupation]", label="عاملة منزلية (للإناث فقط)")
    page.select_option("[name=nationality]", label="الفلبين")
    page.check("input[name=worker_gender][value=F]")
    page.select_option("[name=arrival_point]", label="مطار الملك خالد الدولي - الرياض")
    site.submit("finance")

    page.check("input[name=proof_type][value=bank]")
    site.fill(bank_balance="50000")
    page.set_input_files(
        "[name=proof_document]",
        {"name": "statement.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    site.submit("review")
    assert page.locator(".verdict--fail").count() == 0
    page.check("[name=declaration]")
    site.submit("awaiting-payment")
    assert page.locator(".status--awaiting_payment").is_visible()

    # The provider's own page (outside the portal's look), then back to the portal.
    with page.expect_navigation():
        page.locator("a[href*='/sadad/bills/']").click()
    site.screenshot("provider-page")
    with page.expect_navigation():
        page.locator("form [type=submit]").first.click()
    site.visit("issued")
    assert page.locator(".status--issued").is_visible()
    visa_number = page.locator(".visa-card dd span[dir=ltr]").first.inner_text()
    assert re.fullmatch(r"[0-9]{10}", visa_number)

    with page.expect_download() as download:
        page.locator("a[href$='/e-visa.pdf']").click()
    pdf_path = SCREENSHOTS / "evisa-from-browser.pdf"
    download.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                str(pdf_path),
                str(SCREENSHOTS / "evisa-from-browser"),
            ],
            check=True,
        )

    verify_href = page.locator("a[href*='/verify/']").get_attribute("href")
    site.assert_accessible()

    # The QR code's page, for anyone, signed out: status and masked data only.
    stranger = open_site("ar", name_suffix="-signed-out")
    stranger.goto(verify_href, "verify")
    body = stranger.page.locator("main").inner_text()
    assert visa_number in body
    assert "العتيبي" not in body and "1000000008" not in body
    assert "محمد ا***" in body
    stranger.assert_accessible()


def test_resident_choosing_own_nationality_is_refused_in_english(
    registry, catalogues, open_site, last_sms_code
):
    user = beneficiary("2000000006", "ahmed")
    site = open_site("en")
    sign_in(site, user, last_sms_code)
    site.goto("/visas/start/", "start")
    site.submit("worker", form="main form[action='/en/visas/new/']")
    page = site.page
    page.select_option("[name=occupation]", label="Cook")
    page.select_option("[name=nationality]", label="Egypt")
    page.check("input[name=worker_gender][value=M]")
    page.select_option("[name=arrival_point]", label="King Fahd International Airport, Dammam")
    site.submit("worker-refused")
    message = translated("en", "Residents may not recruit a worker of their own nationality.")
    assert message in site.error_summary().inner_text()
    assert page.locator("[name=occupation] option:checked").inner_text() == "Cook"
    assert page.locator("input[name=worker_gender][value=M]").is_checked()
    site.assert_error_summary_links_work()
    site.assert_accessible()


def test_unpaid_traffic_violation_fails_before_paying_in_english(
    registry, catalogues, open_site, last_sms_code
):
    user = beneficiary("1000000024", "fahad")
    site = open_site("en")
    sign_in(site, user, last_sms_code)
    site.goto("/visas/eligibility/", "eligibility")
    failing = site.page.locator(".verdict--fail")
    assert failing.count() == 1
    assert translated("en", "You have unpaid traffic violations.") in failing.inner_text()
    site.assert_accessible()


def test_the_request_page_updates_itself_when_the_bank_reports_payment(
    registry, catalogues, open_site, last_sms_code
):
    """Paid at a bank (not through the portal's link): the open page shows the visa by itself."""
    from musaned.payments.selectors import bill_for
    from musaned.payments.tests.fakes import pay
    from musaned.visas.tests.factories import submitted

    user = beneficiary("1000000040", "abdullah")
    application = submitted(user)
    site = open_site("en")
    sign_in(site, user, last_sms_code)
    site.goto(f"/visas/{application.reference}/", "awaiting-payment")
    assert site.page.locator(".status--awaiting_payment").is_visible()

    pay(bill_for(application), event_id="bank-1")

    site.page.locator(".status--issued").wait_for(timeout=15_000)
    site.visit("issued-without-a-click")
    site.assert_accessible()


def test_the_worker_gender_follows_the_occupation_in_arabic(
    registry, catalogues, open_site, last_sms_code
):
    """With the script the genders follow the occupation at once; without it the page
    asks the server for them. Either way "male" is never offered for a housemaid."""
    from musaned.visas import services

    user = beneficiary("1000000008", "mohammed")
    step = f"/visas/{services.visa_application_create(owner=user).reference}/worker/"
    male = "input[name=worker_gender][value=M]"
    female = "input[name=worker_gender][value=F]"

    site = open_site("ar")
    sign_in(site, user, last_sms_code)
    site.goto(step, "worker")
    page = site.page
    assert page.locator("[data-gender-refresh]").count() == 0  # the script does its work
    page.select_option("[name=occupation]", label="عاملة منزلية (للإناث فقط)")
    assert page.locator(male).is_disabled() and page.locator(female).is_checked()
    site.screenshot("housemaid-chosen")
    page.select_option("[name=occupation]", label="سائق خاص (للذكور فقط)")
    assert page.locator(female).is_disabled() and page.locator(male).is_checked()
    page.select_option("[name=occupation]", label="طباخ")
    assert page.locator(male).is_enabled() and page.locator(female).is_enabled()
    site.assert_accessible()

    # A second person, so the second sign-in is not the first one's within a minute.
    user = beneficiary("1000000040", "abdullah")
    draft = services.visa_application_create(owner=user)
    plain = open_site("ar", javascript=False, name_suffix="-no-js")
    sign_in(plain, user, last_sms_code)
    plain.goto(f"/visas/{draft.reference}/worker/", "worker")
    page = plain.page
    page.select_option("[name=occupation]", label="عاملة منزلية (للإناث فقط)")
    page.select_option("[name=nationality]", label="الفلبين")
    with page.expect_navigation():
        page.locator("[data-gender-refresh] button").click()
    plain.visit("genders-shown")
    assert page.locator(male).is_disabled() and page.locator(female).is_checked()
    assert page.locator("[name=nationality] option:checked").inner_text() == "الفلبين"
    assert plain.error_summary().count() == 0
    page.select_option("[name=arrival_point]", label="مطار الملك خالد الدولي - الرياض")
    plain.submit("finance", form="main form.form > .actions:not([data-gender-refresh])")
    plain.expect_path(f"/visas/{draft.reference}/finance/")
    plain.assert_accessible()
