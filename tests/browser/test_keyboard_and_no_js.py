"""Step 1 with the keyboard alone; steps 1 and 2 with JavaScript switched off."""

import pytest

pytestmark = [pytest.mark.browser]


def _tab_to(site, selector: str, limit: int = 40) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        site.page.keyboard.press("Tab")
        if site.page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


@pytest.mark.parametrize(("lang", "who"), [("ar", "citizen"), ("en", "resident")])
def test_step_one_with_the_keyboard_alone(transactional_db, open_site, request, lang, who):
    person = request.getfixturevalue(who)
    site = open_site(lang)
    site.goto("/register/identity/", "identity")
    page = site.page

    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert skip.evaluate("el => el === document.activeElement"), "the first Tab stop is not 'skip'"
    site.screenshot("skip-link-focused")

    _tab_to(site, "input[name=id_type]")
    if person["id_type"] == "citizen":
        page.keyboard.press("Space")
    else:
        page.keyboard.press("ArrowDown")  # arrows move to and choose the next radio
    assert page.locator(f"input[name=id_type][value={person['id_type']}]").is_checked()

    for name in ("national_id", "first_name", "family_name"):
        _tab_to(site, f"[name={name}]", limit=3)
        page.keyboard.type(person[name])

    calendar, day, month, year = person["birth"]
    # The other calendar is hidden, so the next Tab stop is this calendar's day.
    page.keyboard.press("Tab")
    assert page.locator(f"#id_birth_date_{calendar}_0").evaluate(
        "el => el === document.activeElement"
    ), "Tab does not go from the family name to the date of birth"
    page.keyboard.type(day)
    page.keyboard.press("Tab")
    for _ in range(int(month)):
        page.keyboard.press("ArrowDown")
    assert page.locator(f"#id_birth_date_{calendar}_1").input_value() == month
    page.keyboard.press("Tab")
    page.keyboard.type(year)
    site.screenshot("identity-typed")
    site.assert_identity_filled(person)

    with page.expect_navigation():
        page.keyboard.press("Enter")
    site.visit("verify")
    site.expect_path("/register/verify/")
    site.assert_accessible()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_steps_one_and_two_without_javascript(transactional_db, citizen, open_site, lang):
    site = open_site(lang, javascript=False)
    site.goto("/register/identity/", "identity-no-js")
    # Without the script both calendars show; the citizen uses the Hijri one.
    assert site.page.locator("#id_birth_date_hijri_0").is_visible()
    assert site.page.locator("#id_birth_date_gregorian_0").is_visible()
    site.fill_identity(citizen)
    site.submit("verify-no-js")
    site.expect_path("/register/verify/")
    assert site.page.locator("img.captcha__image").is_visible()
    site.fill(captcha_1="PASSED")
    site.submit("account-no-js")
    site.expect_path("/register/account/")
    assert site.field("username").is_visible()
