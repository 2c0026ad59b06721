"""The unified recruitment journey in a real browser (issue 13's acceptance).

In Arabic and in English: a beneficiary who holds an issued visa asks for a worker and
chooses the office; the office's manager, in a second browser context, opens the request
in the portal and sends two offers with CVs and photos; the beneficiary compares them side
by side, accepts one, signs the contract with the SMS code and pays on the provider's
page; the office signs and records the stages with their evidence up to the arrival; the
beneficiary's contract shows the trial's clock.

With the clock moved (the live server runs in the test's process, so time_machine moves
its clock too): a paid contract reaches its extension when the clocks command runs on day
91; after day 120 the beneficiary cancels and the statement shows the price back plus
20 % compensation from the office's guarantee.
"""

import datetime as dt
import importlib
import io
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from musaned.core.tests.documents import PDF, png_bytes
from tests.browser.conftest import beneficiary, sign_in, translated

pytestmark = [pytest.mark.browser]

LANGUAGES = ["ar", "en"]


@pytest.fixture
def journey_data(transactional_db, catalogues):
    """The offices' catalogues, ceilings, VAT and staff roles, and the contract terms (a
    transactional test flushes what the data migrations loaded)."""
    for migration in (
        "musaned.offices.migrations.0002_catalogues",
        "musaned.offices.migrations.0003_staff_roles",
        "musaned.recruitment.migrations.0002_terms",
    ):
        importlib.import_module(migration).load(apps, None)


@pytest.fixture
def people(registry, journey_data):
    """Mohammed, who holds an issued visa for a Filipino housemaid; Abdullah, who manages
    an office recruiting them at 12,000 SAR before VAT."""
    from musaned.accounts.tests.factories import StaffFactory
    from musaned.recruitment.tests.factories import held_visa, register_office

    licensing = StaffFactory(username="licensing", roles=["licensing officer"])
    owner = beneficiary("1000000008", "mohammed")
    manager = beneficiary("1000000040", "abdullah")
    visa = held_visa(owner)
    office = register_office(licensing, manager=manager, name="Al Noor Recruitment")
    return {"owner": owner, "manager": manager, "office": office, "visa": visa}


def photo(name: str, color) -> dict:
    return {"name": name, "mimeType": "image/png", "buffer": png_bytes(color=color)}


def send_offer(office_site, cv: dict, step: str) -> None:
    """The portal's offer form, filled by typing and ticking, with a photo."""
    page = office_site.page
    office_site.fill(
        full_name=cv["full_name"],
        passport_number=cv["passport_number"],
        date_of_birth=cv["date_of_birth"],
        experience_years=cv["experience_years"],
        experience_kind=cv["experience_kind"],
        skills=cv["skills"],
        monthly_salary=cv["monthly_salary"],
        price=cv["price"],
        days_to_arrival=cv["days_to_arrival"],
    )
    page.select_option("[name=religion]", cv["religion"])
    page.select_option("[name=marital_status]", cv["marital_status"])
    for language in cv["languages"]:
        page.check(f"input[name=languages][value={language}]")
    page.set_input_files("[name=photo]", cv["photo"])
    office_site.screenshot(f"{step}-filled")
    office_site.submit(step, form="form[action$='/offers/']")


MARIA = {
    "full_name": "Maria Santos Reyes",
    "passport_number": "P4455667",
    "date_of_birth": "1994-05-17",
    "religion": "christian",
    "marital_status": "single",
    "languages": ["fil", "en"],
    "experience_years": "4",
    "experience_kind": "Housemaid in Riyadh, 2019–2023",
    "skills": "Cooking, childcare",
    "monthly_salary": "1500",
    "price": "11500",
    "days_to_arrival": "45",
    "photo": photo("maria.png", (30, 120, 200)),
}
JOY = {
    **MARIA,
    "full_name": "Joy Dela Cruz",
    "passport_number": "P7788990",
    "date_of_birth": "1990-11-02",
    "marital_status": "married",
    "languages": ["fil"],
    "experience_years": "7",
    "experience_kind": "Housemaid in Dubai, 2015–2022",
    "skills": "Elderly care, ironing",
    "monthly_salary": "1700",
    "price": "12000",
    "days_to_arrival": "60",
    "photo": photo("joy.png", (30, 160, 60)),
}


def pay_by_card_on_the_provider_page(site, contract, step: str) -> None:
    """The contract's "Pay by card": the provider's card page in the payer's language, a
    test card the bank declines (nothing paid, what was typed kept), then one it
    approves, and back on the contract's page in the same language."""
    page = site.page
    with page.expect_navigation():
        page.locator("a[href*='/sadad/card/']").click()
    assert page.locator("html").get_attribute("lang") == site.lang
    assert page.locator("html").get_attribute("dir") == {"ar": "rtl", "en": "ltr"}[site.lang]
    site.screenshot("card-page")
    site.run_axe("card-page")
    site.narrow("card-page")
    form = page.locator("form[action*='/sadad/card/']")
    form.locator("[name=name]").fill("NOURA ALQAHTANI")
    form.locator("[name=number]").fill("4000 0000 0000 0002")  # the test card declined
    form.locator("[name=expiry]").fill("08/30")
    form.locator("[name=cvc]").fill("123")
    with page.expect_navigation():
        form.locator("[type=submit]").click()
    site.screenshot("card-declined")
    site.run_axe("card-declined")
    assert page.locator(".sim-error[role=alert]").count() == 1
    assert page.locator("[name=name]").input_value() == "NOURA ALQAHTANI"
    contract.refresh_from_db()
    assert contract.state == "signed", "a declined card paid the contract"
    page.locator("[name=number]").fill("4111 1111 1111 1111")
    with page.expect_navigation():
        page.locator("form[action*='/sadad/card/'] [type=submit]").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(site.path(f"/recruitment/contracts/{contract.uid}/")), page.url
    site.visit(f"{step}-back-from-the-provider")


def sign_with_the_sms_code(site, owner, last_sms_code, step: str) -> None:
    page = site.page
    with page.expect_navigation():
        page.locator("a[href$='/sign/']").first.click()
    site.visit(f"{step}-page")
    site.submit(f"{step}-code-sent", form="main form[action$='/sign/send/']")
    site.fill(code=last_sms_code(owner.mobile))
    site.submit(step)


def record_stage(office_site, step: str, **values) -> None:
    page = office_site.page
    form = page.locator("form[action*='/stages/']")
    for name, value in values.items():
        control = form.locator(f"[name=stage-{name}]")
        if name == "arrival_point":
            control.select_option(value)
        elif name == "document":
            control.set_input_files(value)
        else:
            control.fill(value)
    with page.expect_navigation():
        form.locator("[type=submit]").click()
    office_site.visit(step)
    assert office_site.error_summary().count() == 0, f"{step}: the stage was refused"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_beneficiary_recruits_a_worker_from_request_to_arrival(
    people, open_site, last_sms_code, lang
):
    from musaned.recruitment.models import Contract, ContractState, Offer, RecruitmentRequest
    from musaned.visas.models import Nationality, Occupation

    owner, manager, office = people["owner"], people["manager"], people["office"]
    site = open_site(lang)
    page = site.page
    sign_in(site, owner, last_sms_code)

    # The hub's "Recruit a worker" tile: the worker, then the office.
    with page.expect_navigation():
        page.locator("a.tile__link[href$='/recruitment/new/']").click()
    site.visit("recruit-a-worker")
    site.narrow("recruit-a-worker")
    page.select_option("[name=occupation]", str(Occupation.objects.get(code="housemaid").pk))
    page.select_option("[name=nationality]", str(Nationality.objects.get(code="PHL").pk))
    page.check("input[name=worker_gender][value=F]")
    site.submit("choose-the-office", form="main form[method=get]")
    cards = page.locator(".office-card")
    assert cards.count() == 1
    assert (office.name_ar if lang == "ar" else office.name_en) in cards.first.inner_text()
    site.narrow("choose-the-office")
    page.check(f"input[name=offices][value='{office.uid}']")
    site.submit("request-sent", form="main form[method=post]")
    request = RecruitmentRequest.objects.get(owner=owner)
    site.expect_path(f"/recruitment/{request.uid}/")
    assert page.locator(f".status--{request.state}").first.is_visible()
    assert request.state == "sent"  # the visa he holds: straight to the office
    assert request.visa_id == people["visa"].pk

    # The office, in a second browser context: the incoming request, two offers.
    office_site = open_site(lang, name_suffix="-office")
    sign_in(office_site, manager, last_sms_code)
    office_site.goto("/office/recruitment/", "incoming")
    office_site.narrow("incoming")
    with office_site.page.expect_navigation():
        office_site.page.locator("a[href*='/office/recruitment/requests/']").first.click()
    office_site.visit("incoming-request")
    body = office_site.page.locator("main").inner_text()
    assert "1000000008" not in body and owner.last_name not in body  # never who asked
    office_site.narrow("incoming-request")
    send_offer(office_site, MARIA, "first-offer-sent")
    send_offer(office_site, JOY, "second-offer-sent")
    assert Offer.objects.filter(request=request).count() == 2
    office_site.narrow("second-offer-sent")

    # The beneficiary compares them side by side and accepts Maria.
    site.goto(f"/recruitment/{request.uid}/", "offers-compared")
    table = page.locator("table.compare-table")
    headers = table.locator("thead th").all_inner_texts()
    assert any("Maria Santos Reyes" in h for h in headers)
    assert any("Joy Dela Cruz" in h for h in headers)
    assert table.locator("img").count() == 2
    images_loaded = page.evaluate(
        "() => [...document.querySelectorAll('table.compare-table img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    assert images_loaded, "a worker's photo does not show"
    site.narrow("offers-compared")
    maria = Offer.objects.get(request=request, full_name="Maria Santos Reyes")
    with page.expect_navigation():
        page.locator(f"a[href$='/offers/{maria.uid}/accept/']").click()
    site.visit("accept-confirmation")
    site.narrow("accept-confirmation")
    # Without the box ticked: refused on the page.
    site.submit("accept-not-confirmed")
    assert site.error_summary().is_visible()
    page.check("[name=confirm]")
    site.submit("contract")
    contract = Contract.objects.get(offer=maria)
    site.expect_path(f"/recruitment/contracts/{contract.uid}/")
    assert Offer.objects.get(full_name="Joy Dela Cruz").state == "withdrawn"
    site.narrow("contract")

    # He signs with the code sent by SMS.
    sign_with_the_sms_code(site, owner, last_sms_code, "signed-by-beneficiary")
    site.expect_path(f"/recruitment/contracts/{contract.uid}/")
    contract.refresh_from_db()
    assert contract.state == ContractState.SIGNED_BY_BENEFICIARY

    # The office's manager reads and signs the contract.
    office_site.goto(f"/office/recruitment/contracts/{contract.uid}/", "office-contract")
    office_site.narrow("office-contract")
    office_site.page.check("[name=confirm]")
    office_site.submit("office-signed", form="form[action$='/sign/']")
    contract.refresh_from_db()
    assert contract.state == ContractState.SIGNED

    # The bill, paid by card on the provider's page; back on the contract.
    site.goto(f"/recruitment/contracts/{contract.uid}/", "to-pay")
    site.narrow("to-pay")
    pay_by_card_on_the_provider_page(site, contract, "paid")
    contract.refresh_from_db()
    assert contract.state == ContractState.PAID
    assert page.locator(f".status--{ContractState.PAID}").first.is_visible()

    # The office records each stage with its evidence, up to the arrival.
    office_site.goto(f"/office/recruitment/contracts/{contract.uid}/", "office-paid")
    today = timezone.localdate()
    record_stage(office_site, "visa-linked", number=people["visa"].visa_number)
    record_stage(
        office_site,
        "travel-documents",
        document={"name": "visa-stamp.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    record_stage(office_site, "medical", number="WAF-2026-551204")
    record_stage(
        office_site,
        "ticket",
        flight_number="SV871",
        flight_date=(today + dt.timedelta(days=3)).isoformat(),
    )
    record_stage(office_site, "arrived", arrival_date=today.isoformat(), arrival_point="RUH")
    contract.refresh_from_db()
    assert contract.state == ContractState.ARRIVED
    office_site.narrow("arrived")

    # The beneficiary's contract: every stage dated, and the trial's clock.
    site.goto(f"/recruitment/contracts/{contract.uid}/", "worker-arrived")
    assert contract.trial_ends_on is not None
    trial_end = contract.trial_ends_on
    main = page.locator("main").inner_text()
    assert str(trial_end.year) in main
    assert translated(lang, "The worker is with me") in main
    site.narrow("worker-arrived")
    with page.expect_navigation():
        page.locator("form[action$='/hand-over/'] [type=submit]").click()
    site.visit("in-trial")
    contract.refresh_from_db()
    assert contract.state == ContractState.IN_TRIAL
    site.narrow("in-trial")
    site.goto("/recruitment/contracts/", "my-contracts")
    site.narrow("my-contracts")
    site.goto(f"/recruitment/contracts/{contract.uid}/statement/", "statement")
    site.narrow("statement")

    site.assert_accessible()
    office_site.assert_accessible()


# --- the clocks ---------------------------------------------------------------------------


def on_day(paid_on: dt.date, days: int):
    """The clock moved to 9 in the morning (Riyadh), ``days`` days after the payment, and
    ticking (the pages and the server run on it)."""
    moment = dt.datetime.combine(paid_on + dt.timedelta(days=days), dt.time(9))
    return time_machine.travel(timezone.make_aware(moment), tick=True)


@pytest.fixture
def paid_contract(people):
    from musaned.recruitment.tests.factories import paid, signed

    owner, manager, office = people["owner"], people["manager"], people["office"]
    # The visa he holds is used by the request.
    contract = accepted_with_held_visa(owner, manager, office)
    return paid(signed(owner, manager, contract))


def accepted_with_held_visa(owner, manager, office):
    from musaned.recruitment.services import offers, requests
    from musaned.recruitment.tests.factories import offer_from, wish

    request = requests.request_make(actor=owner, offices=[office], **wish())
    offer = offer_from(manager, request, office)
    return offers.offer_accept(offer=offer, actor=owner)


def run_clocks() -> None:
    call_command("run_recruitment_clocks", stdout=io.StringIO())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_late_contract_is_extended_then_cancelled_with_the_price_back_plus_20_percent(
    paid_contract, open_site, last_sms_code, lang
):
    from musaned.offices.ceilings import amount_text
    from musaned.recruitment.models import Account, Contract, ContractState, DeliveryClock
    from musaned.recruitment.selectors import statement_for

    contract = paid_contract
    owner = contract.request.owner
    total = contract.total

    # Day 91: the clocks command starts the extension (told by SMS), the page says so.
    with on_day(contract.paid_on, 91):
        run_clocks()
        run_clocks()  # twice: nothing twice
        contract.refresh_from_db()
        assert contract.clock == DeliveryClock.EXTENSION
        site = open_site(lang, name_suffix="-day91")
        sign_in(site, owner, last_sms_code)
        site.goto(f"/recruitment/contracts/{contract.uid}/", "in-the-extension")
        extension_end = contract.extension_ends_on
        assert str(extension_end.year) in site.page.locator("main").inner_text()
        site.narrow("in-the-extension")
        site.goto("/recruitment/contracts/", "my-contracts-extension")
        site.narrow("my-contracts-extension")
        site.assert_accessible()

    # Day 121: overdue; he cancels and claims; the quote comes first, then the statement.
    with on_day(contract.paid_on, 121):
        run_clocks()
        contract.refresh_from_db()
        assert contract.clock == DeliveryClock.OVERDUE
        site = open_site(lang, name_suffix="-day121")
        sign_in(site, owner, last_sms_code)
        page = site.page
        site.goto(f"/recruitment/contracts/{contract.uid}/", "overdue")
        site.narrow("overdue")
        with page.expect_navigation():
            page.locator("a[href$='/cancel/']").click()
        site.visit("cancel-quote")
        compensation = (total * Decimal("0.20")).quantize(Decimal("0.01"))
        quote = page.locator("main").inner_text()
        assert amount_text(compensation) in quote, f"the quote lacks {amount_text(compensation)}"
        assert amount_text(total) in quote
        site.narrow("cancel-quote")
        site.fill(reason="The worker has not arrived after 120 days.")
        page.check("[name=confirm]")
        site.submit("cancelled")
        contract = Contract.objects.get(pk=contract.pk)
        assert contract.state == ContractState.CANCELLED_LATE
        site.goto(f"/recruitment/contracts/{contract.uid}/statement/", "statement")
        text = page.locator("main").inner_text()
        assert amount_text(total) in text and amount_text(compensation) in text
        site.narrow("statement")
        balances = statement_for(contract=contract, actor=owner).balances
        assert balances[Account.REFUND] == total + compensation  # owed back: price + 20 %
        assert balances[Account.HELD] == 0
        assert sum(balances.values()) == 0
        site.assert_accessible()
