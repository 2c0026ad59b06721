"""Recruitment offices in a real browser, in Arabic and in English: a visitor finds the
offices for a nationality and compares two scorecards; a licensing officer suspends an
office and it leaves the directory; an office manager signs in, accepts the invitation
and edits a price (refused above the ceiling, keeping what was typed, then saved)."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.utils import timezone

from musaned.accounts.tests.factories import PASSWORD
from tests.browser.conftest import beneficiary, sign_in

pytestmark = [pytest.mark.browser]

LANGUAGES = ["ar", "en"]


@pytest.fixture
def office_data(transactional_db, catalogues):
    """The offices' cities, ceilings, VAT and the licensing-officer role."""
    for migration in ("0002_catalogues", "0003_staff_roles"):
        importlib.import_module(f"musaned.offices.migrations.{migration}").load(apps, None)


def licensing_officer():
    from musaned.accounts.models import User

    user = User.objects.create_user(
        username="licensing",
        password=PASSWORD,
        first_name="Khalid",
        last_name="Alzahrani",
        is_staff=True,
        mobile="+966500000093",
        activated_at=timezone.now(),
        preferred_language="en",
    )
    user.groups.add(Group.objects.get(name="licensing officer"))
    return User.objects.get(pk=user.pk)


def office(officer, *, name_en, name_ar, city, nationalities, manager_id, n):
    from musaned.offices import services
    from musaned.offices.models import City
    from musaned.visas.models import Nationality, Occupation

    return services.office_register(
        actor=officer,
        name_ar=name_ar,
        name_en=name_en,
        licence_number=f"MHRSD-{n:04d}",
        licence_expires_on=timezone.localdate() + dt.timedelta(days=365),
        cr_number=f"{1010000000 + n}",
        city=City.objects.get(code=city),
        address=f"{n} King Fahd Road",
        phone="+966112345678",
        email=f"office{n}@example.com",
        nationalities=Nationality.objects.filter(code__in=nationalities),
        occupations=Occupation.objects.filter(code__in=["housemaid", "cook"]),
        bank_guarantee=Decimal("150000"),
        manager_national_id=manager_id,
    )


def accepted(office_, person):
    from musaned.offices import services
    from musaned.offices.selectors import invitations_for

    services.invitation_accept(
        actor=person, invitation=invitations_for(actor=person).get(office=office_)
    )


def set_price(office_, person, nationality, amount, days):
    from musaned.offices import services
    from musaned.visas.models import Nationality, Occupation

    services.office_price_set(
        actor=person,
        office=office_,
        nationality=Nationality.objects.get(code=nationality),
        occupation=Occupation.objects.get(code="housemaid"),
        amount=Decimal(amount),
        days_to_arrival=days,
    )


@pytest.fixture
def directory(registry, office_data):
    """Three offices: two recruit from Kenya (one with penalty points), one from Ethiopia."""
    from musaned.offices import services
    from musaned.offices.workflow import Action

    officer = licensing_officer()
    first_manager = beneficiary("1000000040", "abdullah")
    second_manager = beneficiary("1000000024", "fahad")
    nile = office(
        officer,
        name_en="Nile Recruitment",
        name_ar="مكتب النيل للاستقدام",
        city="riyadh",
        nationalities=["KEN", "PHL"],
        manager_id="1000000040",
        n=1,
    )
    oasis = office(
        officer,
        name_en="Oasis Manpower",
        name_ar="مكتب الواحة للاستقدام",
        city="jeddah",
        nationalities=["KEN"],
        manager_id="1000000024",
        n=2,
    )
    other = office(
        officer,
        name_en="Horizon Office",
        name_ar="مكتب الأفق",
        city="dammam",
        nationalities=["ETH"],
        manager_id="1000000008",
        n=3,
    )
    accepted(nile, first_manager)
    accepted(oasis, second_manager)
    set_price(nile, first_manager, "KEN", "8800", 60)
    set_price(nile, first_manager, "PHL", "14000", 75)
    set_price(oasis, second_manager, "KEN", "7900", 45)
    services.office_act(
        office=oasis,
        action=Action.PENALISE,
        actor=officer,
        points=4,
        ground="delay",
        reason="Two workers arrived after 120 days.",
    )
    return {"officer": officer, "nile": nile, "oasis": oasis, "other": other}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_visitor_finds_offices_for_a_nationality_and_compares_two(directory, open_site, lang):
    site = open_site(lang)
    page = site.page
    site.goto("/offices/", "directory")
    page.select_option("#id_nationality", "KEN")
    page.select_option("#id_sort", "price")
    with page.expect_navigation():
        page.locator("form.office-filters [type=submit]").click()
    site.visit("kenya-by-price")
    names = page.locator(".office-card__name").all_inner_texts()
    nile, oasis = directory["nile"], directory["oasis"]
    expected = [oasis.name_ar, nile.name_ar] if lang == "ar" else [oasis.name_en, nile.name_en]
    assert names == expected  # the cheapest first, the Ethiopian office left out
    assert page.locator(".office-card__price").first.inner_text().count("9,085") == 1  # 7,900 + VAT
    site.narrow("kenya-by-price")
    page.check(f"#compare-{nile.uid}")
    page.check(f"#compare-{oasis.uid}")
    with page.expect_navigation():
        page.locator("form[action$='/offices/compare/'] [type=submit]").click()
    site.visit("compared")
    site.expect_path("/offices/compare/")
    table = page.locator("table.compare-table")
    assert table.locator("thead th").count() == 3
    rows = table.locator("tbody tr")
    assert rows.count() == 8
    # The columns follow the list's order: Oasis (cheaper, 4 penalty points), then Nile.
    headers = table.locator("thead th").all_inner_texts()
    assert oasis.name_en in headers[1] or oasis.name_ar in headers[1]
    points = rows.nth(2).locator("td").all_inner_texts()
    assert points[0].startswith("4") and points[1].startswith("0")
    assert table.locator("a[href*='how-we-compute']").count() == 8
    site.narrow("compared")
    with page.expect_navigation():
        table.locator("a[href*='#penalty-points']").click()
    site.visit("method")
    assert page.locator("#penalty-points").is_visible()
    with page.expect_navigation():
        page.goto(site.url(f"/offices/{oasis.uid}/"))
    site.visit("office-page")
    assert page.locator(".figure--penalty-points .figure__value").inner_text() == "4"
    assert "Two workers arrived" not in page.content()  # the officer's words stay private
    site.narrow("office-page")
    site.assert_accessible()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_licensing_officer_suspends_an_office_and_it_leaves_the_directory(
    directory, open_site, last_sms_code, lang
):
    from musaned.offices.models import Office, OfficeState

    officer, nile = directory["officer"], directory["nile"]
    site = open_site(lang)
    page = site.page
    sign_in(site, officer, last_sms_code)
    with page.expect_navigation():
        page.locator("a.tile__link[href$='/licensing/']").click()
    site.visit("register")
    with page.expect_navigation():
        page.locator(f"a[href$='/licensing/offices/{nile.uid}/']").click()
    site.visit("office")
    page.locator("details:has(input[name=action][value=suspend]) summary").click()
    site.screenshot("suspend-opened")
    form = page.locator("form:has(input[name=action][value=suspend])")
    until = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    form.locator("[name='suspend-until']").fill(until)
    form.locator("[name='suspend-ground']").select_option("money_outside")
    # No reason: refused, and the date and ground are kept.
    with page.expect_navigation():
        form.locator("[type=submit]").click()
    site.visit("suspend-without-reason")
    assert site.error_summary().is_visible()
    form = page.locator("form:has(input[name=action][value=suspend])")
    assert form.locator("[name='suspend-until']").input_value() == until
    assert form.locator("[name='suspend-ground']").input_value() == "money_outside"
    form.locator("[name='suspend-reason']").fill("Fees taken in cash outside the platform.")
    with page.expect_navigation():
        form.locator("[type=submit]").click()
    site.visit("suspended")
    assert page.locator(".status--suspended").first.is_visible()
    assert Office.objects.get(pk=nile.pk).state == OfficeState.SUSPENDED
    site.narrow("suspended")
    site.goto("/offices/", "directory-after")
    names = page.locator(".office-card__name").all_inner_texts()
    assert nile.name_ar not in names and nile.name_en not in names
    assert len(names) == 2
    site.assert_accessible()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_office_manager_accepts_the_invitation_and_edits_a_price(
    directory, open_site, last_sms_code, lang
):
    from musaned.offices.models import OfficePrice

    manager = beneficiary("1000000008", "mohammed")  # named by the officer for Horizon
    other = directory["other"]
    site = open_site(lang)
    page = site.page
    sign_in(site, manager, last_sms_code)
    site.narrow("hub")
    with page.expect_navigation():
        page.locator("a.tile__link[href$='/office/invitations/']").click()
    site.visit("invitations")
    with page.expect_navigation():
        page.locator("form[action$='/accept/'] button").first.click()
    site.visit("portal")
    site.expect_path("/office/")
    with page.expect_navigation():
        page.locator("nav.backoffice-nav a[href$='/office/prices/']").click()
    site.visit("prices-empty")
    form = page.locator("main form.form")
    form.locator("#id_nationality").select_option("ETH")
    form.locator("#id_occupation").select_option("housemaid")
    form.locator("#id_amount").fill("6400")  # the ceiling in force is 5,900
    form.locator("#id_days_to_arrival").fill("50")
    with page.expect_navigation():
        form.locator("[type=submit]").click()
    site.visit("price-above-ceiling")
    assert site.error_summary().is_visible()
    site.assert_error_summary_links_work()
    assert "5,900" in page.locator("#id_amount_error").inner_text()
    assert page.locator("#id_amount").input_value() == "6400"
    assert page.locator("#id_days_to_arrival").input_value() == "50"
    assert page.locator("#id_nationality").input_value() == "ETH"
    assert not OfficePrice.objects.filter(office=other).exists()
    site.narrow("price-above-ceiling")
    page.locator("#id_amount").fill("5900")
    with page.expect_navigation():
        page.locator("main form.form [type=submit]").click()
    site.visit("price-saved")
    saved = OfficePrice.objects.get(office=other)
    assert saved.amount == Decimal("5900") and saved.days_to_arrival == 50
    assert page.locator("table.table tbody tr").count() == 1
    assert "6,785" in page.locator("table.table").inner_text()  # 5,900 with VAT
    site.narrow("price-saved")
    site.assert_accessible()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_complaint_about_an_office_goes_to_the_office_then_to_the_ministry(
    directory, open_site, last_sms_code, service_level, staff_roles, lang
):
    """A beneficiary finds an office in the directory and files a complaint about it from
    its page; the office's manager answers it in the portal (a second browser); the
    beneficiary is not satisfied and asks the ministry to step in; a complaints officer
    (a third browser) finds it in the back office's new queue with the office's answer."""
    from musaned.complaints.models import Complaint, ComplaintState
    from tests.browser.conftest import staff

    nile = directory["nile"]
    owner = beneficiary("1000000016", "noura")
    manager = directory["nile"].memberships.get().user
    officer = staff("officer", "complaints officer", "+966500000091")

    # The beneficiary: the directory, the office's page, the complaint form.
    site = open_site(lang)
    page = site.page
    sign_in(site, owner, last_sms_code)
    site.goto("/offices/?nationality=KEN", "directory-kenya")
    with page.expect_navigation():
        page.locator(f".office-card a[href$='/offices/{nile.uid}/']").first.click()
    site.visit("office-page")
    with page.expect_navigation():
        page.locator(f"a[href*='/complaints/new/?office={nile.uid}']").click()
    site.visit("complaint-form")
    assert page.locator("#id_office").input_value() == str(nile.uid)
    assert page.locator("input[name=category][value=office]").is_checked()
    site.fill(subject="The worker's papers are late", description="Sixty days and no visa stamp.")
    site.submit("complaint-filed")
    complaint = Complaint.objects.get(owner=owner)
    assert complaint.state == ComplaintState.WITH_OFFICE and complaint.office_id == nile.pk
    assert page.locator(".status--with_office").first.is_visible()
    site.narrow("complaint-filed")

    # The office's manager, in a second browser: the portal's complaints, the answer.
    office_site = open_site(lang, name_suffix="-office")
    office_page = office_site.page
    sign_in(office_site, manager, last_sms_code)
    office_site.goto("/office/", "portal")
    with office_page.expect_navigation():
        office_page.locator("nav.backoffice-nav a[href$='/office/complaints/']").click()
    office_site.visit("office-complaints")
    with office_page.expect_navigation():
        office_page.locator(f"a[href$='/office/complaints/{complaint.number}/']").click()
    office_site.visit("office-complaint")
    # An empty answer is refused with the error summary.
    office_site.submit("office-answer-empty")
    assert office_site.error_summary().is_visible()
    office_site.fill(
        message="The papers go to the embassy on Thursday; the visa follows in a week."
    )
    office_site.submit("office-answered")
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.OFFICE_ANSWERED
    office_site.narrow("office-answered")
    office_site.assert_accessible()

    # The beneficiary reads the answer and asks the ministry to step in.
    site.goto(f"/complaints/{complaint.number}/", "office-answer-read")
    assert "embassy on Thursday" in page.locator("ol.conversation").inner_text()
    page.locator("details:has(form[action$='/ask-ministry/']) summary").click()
    form = page.locator("form[action$='/ask-ministry/']")
    form.locator("[name=message]").fill("A week more is too long; I paid 60 days ago.")
    with page.expect_navigation():
        form.locator("[type=submit]").click()
    site.visit("ministry-asked")
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.SUBMITTED
    site.narrow("ministry-asked")
    site.assert_accessible()

    # A complaints officer, in a third browser, finds it in the new queue.
    staff_site = open_site(lang, name_suffix="-staff")
    staff_page = staff_site.page
    sign_in(staff_site, officer, last_sms_code)
    staff_site.goto("/backoffice/", "queue")
    with staff_page.expect_navigation():
        staff_page.locator(f"a[href$='/backoffice/complaints/{complaint.number}/']").click()
    staff_site.visit("staff-complaint")
    conversation = staff_page.locator("ol.conversation").inner_text()
    assert "embassy on Thursday" in conversation and "too long" in conversation
    staff_site.narrow("staff-complaint")
    staff_site.assert_accessible()
