"""The API's pages: the documentation (public) and the personal tokens (signed in)."""

import pytest

from tests.browser.conftest import beneficiary, sign_in

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_documentation_page_is_reached_from_the_footer(transactional_db, open_site, lang):
    site = open_site(lang)
    site.goto("/", "home")
    with site.page.expect_navigation():
        site.page.locator(f"footer a[href='{site.path('/api/docs/')}']").click()
    site.visit("api-docs")
    assert "/api/v1/visa-inquiry" in site.page.locator("main").inner_text()
    site.assert_accessible()


def test_a_beneficiary_makes_and_revokes_a_token(registry, open_site, last_sms_code):
    user = beneficiary("1000000008", "mohammed")
    site = open_site("ar")
    sign_in(site, user, last_sms_code)
    with site.page.expect_navigation():
        site.page.locator("a.tile__link[href='/profile/api-tokens/']").click()
    site.visit("tokens")
    site.fill(name="نظام المكتب")
    site.submit("token-made")
    token = site.page.locator("#new-token code").inner_text()
    assert token.startswith("msd_")
    site.goto("/profile/api-tokens/", "tokens-list")
    assert token not in site.page.content()  # shown once only
    site.submit("token-revoked", form="main form[action$='/revoke/']")
    assert site.page.locator("main form[action$='/revoke/']").count() == 0
    site.assert_accessible()
