"""The verification code in a real browser: "Show a new code" and "Listen to the code"
keep the numbers typed on the public inquiry, with JavaScript (in place) and without
(the form comes back as typed); the spoken code plays from its own URL; Enter still
sends the form. Arabic and English."""

import pytest

pytestmark = [pytest.mark.browser]

KEY = "input[name=captcha_0]"


def key_of(site) -> str:
    return site.page.locator(KEY).input_value()


def captcha_button(site, value: str):
    return site.page.locator(f"button.captcha__action[value={value}]")


def assert_audio_answers(site) -> None:
    """The player is shown, and its source and the download link answer 200 with audio."""
    audio = site.page.locator(".captcha__audio audio")
    assert audio.is_visible(), "no audio player"
    src = audio.get_attribute("src")
    key = key_of(site)
    prefix = "" if site.lang == "ar" else "/en"
    assert src == f"{prefix}/captcha/audio/{key}.wav", src
    response = site.page.request.get(site.base_url + src)
    assert response.status == 200
    assert response.headers["content-type"] == "audio/wav"
    assert "no-store" in response.headers["cache-control"]
    assert response.body()[:4] == b"RIFF"
    download = site.page.locator(".captcha__audio a[download]")
    assert download.is_visible()
    saved = site.page.request.get(site.base_url + download.get_attribute("href"))
    assert saved.status == 200 and saved.body()[:4] == b"RIFF"


def assert_numbers_kept(site, issued_number: str, national_id: str) -> None:
    assert site.field("issued_number").input_value() == issued_number
    assert site.field("national_id").input_value() == national_id
    assert site.error_summary().count() == 0, "a captcha button showed errors"
    assert site.page.locator(".field--error").count() == 0


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_inquiry_captcha_buttons_work_in_place_with_javascript(issued, open_site, lang):
    owner, application = issued
    site = open_site(lang)
    site.goto("/inquiry/", "inquiry")
    page = site.page
    site.fill(issued_number=application.issued_number, national_id=owner.national_id)
    site.fill(captcha_1="123")
    first_key, first_image = key_of(site), page.locator("img.captcha__image").get_attribute("src")
    url = page.url

    captcha_button(site, "refresh").click()
    page.wait_for_function(f"() => document.querySelector({KEY!r}).value !== {first_key!r}")
    assert page.url == url, "the page was sent"
    assert page.locator("img.captcha__image").get_attribute("src") != first_image
    page.wait_for_function(
        "() => { const i = document.querySelector('img.captcha__image');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    assert site.field("captcha_1").input_value() == "", "the old answer stays"
    # Screen readers hear that the code changed.
    page.wait_for_function("() => document.querySelector('[data-captcha-status]').textContent")
    assert_numbers_kept(site, application.issued_number, owner.national_id)
    site.screenshot("new-code")

    captcha_button(site, "audio").click()
    assert page.url == url
    assert_audio_answers(site)
    assert page.locator(".captcha__audio audio").evaluate("a => a === document.activeElement")
    assert captcha_button(site, "audio").is_hidden()
    assert_numbers_kept(site, application.issued_number, owner.national_id)
    site.visit("listening")  # axe on the page with the player

    # A new code while listening changes the sound too.
    before = page.locator(".captcha__audio audio").get_attribute("src")
    captcha_button(site, "refresh").click()
    page.wait_for_function(
        f"() => document.querySelector('.captcha__audio audio').getAttribute('src') !== {before!r}"
    )
    assert_audio_answers(site)

    # Enter in the answer box sends the search (not a captcha button).
    site.field("captcha_1").fill("PASSED")
    with page.expect_navigation():
        site.field("captcha_1").press("Enter")
    site.visit("found")
    assert application.visa_number in page.locator("#inquiry-result").inner_text()
    if lang == "ar":
        site.narrow("found")
    site.assert_accessible()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_inquiry_captcha_buttons_keep_the_numbers_without_javascript(issued, open_site, lang):
    owner, application = issued
    site = open_site(lang, javascript=False)
    site.goto("/inquiry/", "inquiry-no-js")
    page = site.page
    site.fill(issued_number=application.issued_number, national_id=owner.national_id)
    first_key = key_of(site)

    with page.expect_navigation():
        captcha_button(site, "refresh").click()
    site.visit("new-code-no-js")
    assert key_of(site) != first_key
    assert page.locator("img.captcha__image").is_visible()
    assert_numbers_kept(site, application.issued_number, owner.national_id)
    # The page comes back with the focus where it was: on "new code".
    assert captcha_button(site, "refresh").evaluate("b => b === document.activeElement")

    with page.expect_navigation():
        captcha_button(site, "audio").click()
    site.visit("listening-no-js")
    assert_numbers_kept(site, application.issued_number, owner.national_id)
    assert page.locator("img.captcha__image").is_visible(), "the image went away"
    assert_audio_answers(site)
    assert captcha_button(site, "audio").count() == 0
    assert page.locator(".captcha__audio audio").evaluate("a => a === document.activeElement")

    # A wrong answer: the numbers and the player stay.
    site.fill(captcha_1="WRONG")
    with page.expect_navigation():
        site.field("captcha_1").press("Enter")
    site.visit("wrong-code-no-js")
    assert site.error_summary().is_visible()
    assert site.field("issued_number").input_value() == application.issued_number
    assert page.locator(".captcha__audio audio").is_visible()

    site.fill(captcha_1="PASSED")
    with page.expect_navigation():
        site.field("captcha_1").press("Enter")
    site.visit("found-no-js")
    assert application.visa_number in page.locator("#inquiry-result").inner_text()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_captcha_with_the_keyboard_alone(transactional_db, open_site, lang):
    """Tab reaches both buttons and the answer box; Space and Enter press them."""
    site = open_site(lang)
    site.goto("/inquiry/", "inquiry-keyboard")
    page = site.page
    site.field("national_id").focus()
    stops = []
    for _ in range(3):
        page.keyboard.press("Tab")
        stops.append(
            page.evaluate("() => document.activeElement.value || document.activeElement.name")
        )
    assert stops == ["refresh", "audio", "captcha_1"], stops
    page.keyboard.press("Shift+Tab")  # back on "listen"
    page.keyboard.press("Enter")
    assert page.locator(".captcha__audio audio").evaluate("a => a === document.activeElement")
    site.screenshot("keyboard-listening")
    # Space on "new code" (focus goes back to it from the player: Shift+Tab twice).
    first_key = key_of(site)
    captcha_button(site, "refresh").focus()
    page.keyboard.press("Space")
    page.wait_for_function(f"() => document.querySelector({KEY!r}).value !== {first_key!r}")
    site.assert_accessible()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_password_forgot_and_registration_keep_their_fields_without_javascript(
    transactional_db, citizen, open_site, lang
):
    site = open_site(lang, javascript=False)
    site.goto("/password/forgot/", "forgot-no-js")
    site.fill(national_id="1000000008")
    with site.page.expect_navigation():
        captcha_button(site, "audio").click()
    site.visit("forgot-listening-no-js")
    assert site.field("national_id").input_value() == "1000000008"
    assert site.error_summary().count() == 0
    assert_audio_answers(site)

    site.goto("/register/identity/", "identity-no-js")
    site.fill_identity(citizen)
    site.submit("verify-no-js")
    site.expect_path("/register/verify/")
    first_key = key_of(site)
    with site.page.expect_navigation():
        captcha_button(site, "refresh").click()
    site.visit("verify-new-code-no-js")
    site.expect_path("/register/verify/")
    assert key_of(site) != first_key
    assert site.error_summary().count() == 0
    site.fill(captcha_1="PASSED")
    site.submit("account-no-js")
    site.expect_path("/register/account/")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_login_after_three_failures_keeps_the_username(
    transactional_db, seeded_account, open_site, javascript
):
    """With JavaScript the password stays too (nothing is sent); without it the page comes
    back with the username, and the password must be typed again (browsers and Django
    never show a password back)."""
    lang = "en" if javascript else "ar"
    site = open_site(lang, javascript=javascript)
    site.goto("/login/", "login")
    username = seeded_account["username"]
    for attempt in (1, 2, 3):
        site.log_in(username, "not-the-password", f"login-failed-{attempt}")
    assert site.field("captcha_1").is_visible()
    site.fill(username=username, password=seeded_account["password"])
    first_key = key_of(site)
    if javascript:
        captcha_button(site, "refresh").click()
        site.page.wait_for_function(
            f"() => document.querySelector({KEY!r}).value !== {first_key!r}"
        )
        assert site.field("password").input_value() == seeded_account["password"]
    else:
        with site.page.expect_navigation():
            captcha_button(site, "audio").click()
        site.visit("login-listening-no-js")
        assert key_of(site) != first_key
        assert site.field("password").input_value() == ""
        assert site.error_summary().count() == 0
        assert_audio_answers(site)
    assert site.field("username").input_value() == username
    # Then the right password and code sign in as usual.
    site.log_in(username, seeded_account["password"], "login-code")
    site.expect_path("/login/code/")
    site.assert_accessible()
