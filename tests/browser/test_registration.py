"""Registering, activating and signing in: a citizen in Arabic, a resident in English;
the review page's "change" links; a wrong captcha on step 2."""

import pytest

pytestmark = [pytest.mark.browser]


def _confirm_activate_and_log_in(site, person, identifier, last_sms_code):
    """From the review page to the e-services hub."""
    site.page.locator("input[name=consent]").check()
    site.submit("activate")
    site.expect_path("/register/activate/")
    site.field("code").fill(last_sms_code(person["sms_to"]))
    site.submit("login")
    site.expect_path("/login/")
    site.log_in(identifier, person["password"], "login-code")
    site.expect_path("/login/code/")
    site.field("code").fill(last_sms_code(person["sms_to"]))
    site.submit("hub")
    site.expect_path("/services/")


def _review_values(site) -> list[str]:
    return [text.strip() for text in site.page.locator("main dl.summary-list dd").all_inner_texts()]


def test_citizen_registers_in_arabic(transactional_db, citizen, site_ar, last_sms_code):
    site = site_ar
    site.register_until_review(citizen)
    shown = _review_values(site)
    for value in ("1000000008", "محمد", "العتيبي", citizen["username"], citizen["email"]):
        assert value in shown
    assert "0500000001" in shown
    site.narrow("review")
    _confirm_activate_and_log_in(site, citizen, citizen["username"], last_sms_code)
    assert "محمد العتيبي" in site.page.locator("main h1").inner_text()
    site.narrow("hub")
    site.assert_accessible()


def test_resident_registers_in_english_and_logs_in_with_id(
    transactional_db, resident, site_en, last_sms_code
):
    site = site_en
    site.goto("/register/identity/", "identity-before")
    site.narrow("identity")
    site.register_until_review(resident)
    shown = _review_values(site)
    for value in ("2000000006", "Ahmed", "Hassan", resident["username"], resident["email"]):
        assert value in shown
    _confirm_activate_and_log_in(site, resident, resident["national_id"], last_sms_code)
    assert "Ahmed Hassan" in site.page.locator("main h1").inner_text()
    site.narrow("hub")
    site.assert_accessible()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_review_change_links_keep_and_update_the_data(
    transactional_db, citizen, open_site, lang, last_sms_code
):
    from musaned.accounts.models import User

    site = open_site(lang)
    site.register_until_review(citizen)

    # Personal data: the form comes back filled; the English first name replaces the Arabic.
    with site.page.expect_navigation():
        site.page.locator("main a[href$='/register/identity/?return=review']").click()
    site.visit("change-identity")
    site.expect_path("/register/identity/")
    site.assert_identity_filled(citizen)
    site.fill(first_name=citizen["first_name_en"])
    site.submit("review-new-name")
    site.expect_path("/register/review/")
    assert citizen["first_name_en"] in _review_values(site)
    assert citizen["first_name"] not in _review_values(site)

    # Username and password: the username is kept, and empty passwords keep the chosen one.
    with site.page.expect_navigation():
        site.page.locator("main a[href$='/register/account/?return=review']").click()
    site.visit("change-account")
    assert site.field("username").input_value() == citizen["username"]
    assert site.field("password1").input_value() == ""
    site.submit("review-same-account")
    site.expect_path("/register/review/")

    # Email and mobile: both come back filled; a new email shows on the review page.
    with site.page.expect_navigation():
        site.page.locator("main a[href$='/register/contact/?return=review']").click()
    site.visit("change-contact")
    site.expect_path("/register/contact/")
    assert site.field("email").input_value() == citizen["email"]
    assert site.field("mobile").input_value() == citizen["mobile"]
    site.fill(email="m.alotaibi@example.com")
    site.submit("review-new-email")
    site.expect_path("/register/review/")
    assert "m.alotaibi@example.com" in _review_values(site)
    assert citizen["email"] not in _review_values(site)

    # What was confirmed is what the account holds, with the password chosen at first.
    _confirm_activate_and_log_in(site, citizen, citizen["username"], last_sms_code)
    user = User.objects.get(national_id=citizen["national_id"])
    assert (user.first_name, user.email) == (citizen["first_name_en"], "m.alotaibi@example.com")
    site.assert_accessible()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_wrong_captcha_keeps_step_one_filled(transactional_db, citizen, open_site, lang):
    site = open_site(lang)
    site.goto("/register/identity/", "identity")
    site.fill_identity(citizen)
    site.submit("verify")
    site.expect_path("/register/verify/")
    site.fill(captcha_1="WRONG")
    site.submit("verify-wrong-captcha")
    site.expect_path("/register/verify/")
    assert site.error_summary().is_visible()
    assert site.page.locator("#id_captcha_error").is_visible()
    assert site.field("captcha_1").get_attribute("aria-invalid") == "true"
    assert site.field("captcha_1").input_value() == ""
    site.assert_error_summary_links_work()
    if lang == "en":
        site.narrow("verify-wrong-captcha")

    with site.page.expect_navigation():
        site.page.locator("main .actions a[href$='/register/identity/']").click()
    site.visit("identity-back")
    site.expect_path("/register/identity/")
    site.assert_identity_filled(citizen)

    # The filled step 1 goes through again, and the right captcha passes.
    site.submit("verify-again")
    site.fill(captcha_1="PASSED")
    site.submit("account")
    site.expect_path("/register/account/")
    site.assert_accessible()
