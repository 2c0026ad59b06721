"""Signing in: the captcha after three failures, and the lockout after five."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

pytestmark = [pytest.mark.browser]


def _lockout_title(lang: str) -> str:
    with translation.override(lang):
        return gettext("Sign-in is paused")


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
