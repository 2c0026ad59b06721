"""Signing in: the captcha after three failures, and the lockout after five."""

import pytest

from tests.browser.conftest import translated

pytestmark = [pytest.mark.browser]


def _lockout_title(lang: str) -> str:
    return translated(lang, "Sign-in is paused")


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_captcha_after_three_failures_keeps_the_username(
    transactional_db, seeded_account, open_site, lang
):
    site = open_site(lang)
    site.goto("/login/", "login")
    username = seeded_account["username"]
    for attempt in (1, 2, 3):
        assert site.field("captcha_1").count() == 0, f"a captcha before failure {attempt}"
        site.log_in(username, "not-the-password", f"login-failed-{attempt}")
        site.expect_path("/login/")
        assert site.error_summary().is_visible()
        assert site.field("username").input_value() == username
    assert site.field("captcha_1").is_visible(), "no captcha after three failed logins"
    assert site.page.locator("#id_captcha_error").count() == 0, "the new captcha shows an error"
    if lang == "ar":
        site.narrow("login-with-captcha")

    site.log_in(username, seeded_account["password"], "login-wrong-captcha", captcha="WRONG")
    site.expect_path("/login/")
    assert site.field("username").input_value() == username
    assert site.page.locator("#id_captcha_error").is_visible()
    site.assert_error_summary_links_work()

    # With the right captcha, the right password goes on to the SMS code.
    site.log_in(username, seeded_account["password"], "login-code")
    site.expect_path("/login/code/")
    site.assert_accessible()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_five_failures_lock_the_account_and_unknown_names_alike(
    transactional_db, seeded_account, open_site, lang
):
    site = open_site(lang)
    site.goto("/login/", "login")
    username = seeded_account["username"]
    for attempt in range(1, 5):
        site.log_in(username, f"wrong-password-{attempt}", f"failed-{attempt}")
        assert site.page.locator("h2", has_text=_lockout_title(lang)).count() == 0
    site.log_in(username, "wrong-password-5", "locked")
    locked = site.error_summary()
    assert locked.locator("h2").inner_text().strip() == _lockout_title(lang)
    message = locked.inner_text()
    assert site.field("username").input_value() == username

    # The right password is refused the same way while the lockout lasts.
    site.log_in(username, seeded_account["password"], "locked-right-password")
    site.expect_path("/login/")
    assert site.error_summary().inner_text() == message

    # An account that does not exist locks after five tries with the very same message.
    for attempt in range(1, 5):
        site.log_in("nobody-here", f"guess-{attempt}", f"unknown-failed-{attempt}")
        assert site.page.locator("h2", has_text=_lockout_title(lang)).count() == 0
    site.log_in("nobody-here", "guess-5", "unknown-locked")
    assert site.error_summary().inner_text() == message
    site.assert_accessible()


# --- Signing in a second time within a minute (issue 10) ---------------------------------

_CODE_REUSED = (
    "We did not send another code: the code we sent you last still works. Enter it below."
)


def _demo_mobile():
    from musaned.accounts.models import User

    return User.objects.get(username="abdullah").mobile


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_back_and_the_password_again_takes_the_code_already_sent(
    transactional_db, seeded_account, open_site, lang, last_sms_code
):
    from musaned.notifications import sms

    site = open_site(lang)
    site.goto("/login/", "login")
    site.log_in(seeded_account["username"], seeded_account["password"], "code")
    site.expect_path("/login/code/")
    code = last_sms_code(_demo_mobile())
    sent = len(sms.outbox)

    with site.page.expect_navigation():
        site.page.go_back()
    site.visit("back-to-login")
    site.expect_path("/login/")
    site.log_in(seeded_account["username"], seeded_account["password"], "code-again")
    site.expect_path("/login/code/")
    notice = site.page.locator(".notice", has_text=translated(lang, _CODE_REUSED))
    assert notice.is_visible(), "the code page does not say the code already sent still works"
    assert len(sms.outbox) == sent, "a second SMS was sent"
    if lang == "ar":
        site.narrow("code-again")

    site.fill(code=code)
    site.submit("hub")
    site.expect_path("/services/")
    site.assert_accessible()


def test_a_second_browser_within_a_minute_signs_in_with_the_code_already_sent(
    transactional_db, seeded_account, open_site, last_sms_code
):
    from musaned.notifications import sms

    first = open_site("ar")
    first.goto("/login/", "first-login")
    first.log_in(seeded_account["username"], seeded_account["password"], "first-code")
    first.expect_path("/login/code/")
    code = last_sms_code(_demo_mobile())
    sent = len(sms.outbox)

    second = open_site("ar", name_suffix="-second-browser")
    second.goto("/login/", "second-login")
    second.log_in(seeded_account["username"], seeded_account["password"], "second-code")
    second.expect_path("/login/code/")
    assert second.page.locator(".notice", has_text=translated("ar", _CODE_REUSED)).is_visible()
    assert len(sms.outbox) == sent
    second.fill(code=code)
    second.submit("second-hub")
    second.expect_path("/services/")

    # The code went with the newest sign-in: the first browser is told it no longer works.
    first.fill(code=code)
    first.submit("first-refused")
    first.expect_path("/login/code/")
    assert first.page.locator("#id_code_error").is_visible()
    first.assert_accessible()
    second.assert_accessible()
