"""A demonstration says so on every page, and the SADAD simulator pays only through the
bill owner's own payment link (musaned/core/ports.py, musaned/payments/views.py)."""

import re

import pytest

from tests.browser.conftest import beneficiary, sign_in, translated

pytestmark = [pytest.mark.browser]

BANNER = "Demonstration — no real payments"
NOT_FOUND = "No bill has this number."


def assert_banner(site, step: str) -> None:
    banner = site.page.locator("header.site-header .demo-banner")
    assert banner.count() == 1, f"{step}: no demonstration banner on {site.page.url}"
    assert banner.is_visible()
    assert translated(site.lang, BANNER) in banner.inner_text()


@pytest.fixture
def demo(settings):
    settings.MUSANED_DEMO_DEPLOYMENT = True


@pytest.fixture
def owners_bill(registry, catalogues):
    """A submitted visa request of abdullah's, waiting for its fee."""
    from musaned.payments.selectors import bill_for
    from musaned.visas.tests.factories import submitted

    owner = beneficiary("1000000040", "abdullah")
    application = submitted(owner)
    return owner, application, bill_for(application)


def csrf_token(site) -> str:
    """The CSRF token of the form on the page (the cookie is already in the context)."""
    return site.page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")


def post_pay(site, bill, key: str = ""):
    """Press "Pay" as a forger would: a POST with a valid CSRF token of one's own session."""
    query = f"?key={key}" if key else ""
    return site.context.request.post(
        f"{site.base_url}/sadad/bills/{bill.number}/pay/{query}",
        form={"csrfmiddlewaretoken": csrf_token(site)},
        max_redirects=0,
    )


def assert_not_found(site, step: str, bill) -> None:
    site.screenshot(step)
    site.run_axe(step)
    body = site.page.locator("body").inner_text()
    assert translated("ar", NOT_FOUND) in body and translated("en", NOT_FOUND) in body
    assert bill.number not in body
    assert site.page.locator("form[action*='/pay/']").count() == 0


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_demonstration_says_so_on_every_page(
    demo, registry, catalogues, open_site, last_sms_code, lang
):
    site = open_site(lang)
    for path, step in [
        ("/", "home"),
        ("/inquiry/", "public-inquiry"),
        ("/contact/", "contact"),
        ("/register/", "register"),
        ("/no-such-page/", "not-found"),
    ]:
        site.goto(path, step)
        assert_banner(site, step)
    site.goto("/", "home-again")
    site.narrow("home")  # the banner wraps at 320 px; nothing scrolls sideways
    user = beneficiary("1000000008" if lang == "ar" else "1000000040", f"demo-{lang}")
    sign_in(site, user, last_sms_code)
    assert_banner(site, "hub")
    site.goto("/visas/", "my-visas")
    assert_banner(site, "my-visas")
    site.narrow("my-visas")
    site.assert_accessible()

    # The simulator's own page says it too, in both languages.
    from musaned.payments.gateway import get_gateway
    from musaned.payments.selectors import bill_for
    from musaned.visas.tests.factories import submitted

    application = submitted(user)
    site.page.goto(site.base_url + get_gateway().payment_url(bill_for(application)))
    site.screenshot("simulator")
    site.run_axe("simulator")
    header = site.page.locator("header.sim-banner").inner_text()
    assert translated("ar", BANNER) in header and translated("en", BANNER) in header
    site.narrow("simulator")
    site.assert_accessible()


def test_a_bill_number_alone_pays_nothing_signed_out_or_as_another_user(
    owners_bill, open_site, last_sms_code
):
    from musaned.payments.models import BillState, PaymentEvent

    owner, application, bill = owners_bill

    # Signed out, with the number from a printout: the same "no such bill" page, no Pay.
    stranger = open_site("ar", name_suffix="-signed-out")
    stranger.page.goto(f"{stranger.base_url}/sadad/bills/{bill.number}/")
    assert_not_found(stranger, "signed-out-bill-page", bill)
    stranger.page.goto(f"{stranger.base_url}/sadad/bills/{bill.number}/?key={'0' * 32}")
    assert_not_found(stranger, "signed-out-wrong-key", bill)
    stranger.goto("/login/", "stranger-login-page")  # a CSRF token of the stranger's own
    for key in ("", "0" * 32):
        answer = post_pay(stranger, bill, key)
        assert answer.status == 404
        assert translated("en", NOT_FOUND) in answer.text()
    stranger.assert_accessible()

    # Another beneficiary, signed in, with the same number.
    other = open_site("en", name_suffix="-another-user")
    sign_in(other, beneficiary("2000000006", "ahmed"), last_sms_code)
    other.page.goto(f"{other.base_url}/sadad/bills/{bill.number}/")
    assert_not_found(other, "another-user-bill-page", bill)
    other.goto("/services/", "another-user-hub")
    assert post_pay(other, bill).status == 404
    other.goto(f"/visas/{application.reference}/", "another-users-request")
    assert other.page.locator("a[href*='/sadad/']").count() == 0
    other.assert_accessible()

    bill.refresh_from_db()
    assert bill.state == BillState.UNPAID
    assert not PaymentEvent.objects.filter(bill=bill).exists()
    application.refresh_from_db()
    assert application.state == "awaiting_payment"

    # The owner pays through the link on their own request page.
    site = open_site("ar", name_suffix="-owner")
    sign_in(site, owner, last_sms_code)
    site.goto(f"/visas/{application.reference}/", "owners-request")
    link = site.page.locator("a[href*='/sadad/bills/']")
    assert re.search(r"\?key=[0-9a-f]{32}&lang=ar$", link.get_attribute("href"))
    with site.page.expect_navigation():
        link.click()
    site.screenshot("owners-simulator-page")
    site.run_axe("owners-simulator-page")
    with site.page.expect_navigation():
        site.page.locator("form [type=submit]").first.click()
    site.visit("issued")
    assert site.page.locator(".status--issued").is_visible()
    bill.refresh_from_db()
    assert bill.state == BillState.PAID
    site.assert_accessible()
