"""Visa inquiry in a real browser: by issued number for anyone, by request or ID number in the account."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser]


def search(site, issued_number, national_id, step, captcha="PASSED"):
    site.fill(issued_number=issued_number, national_id=national_id, captcha_1=captcha)
    site.submit(step)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_public_inquiry_found_not_found_and_wrong_captcha(issued, open_site, lang):
    owner, application = issued
    site = open_site(lang)
    site.goto("/", "home")
    with site.page.expect_navigation():
        site.page.locator("main a[href$='/inquiry/']").click()
    site.visit("inquiry")

    search(site, application.issued_number, owner.national_id, "found")
    result = site.page.locator("#inquiry-result")
    assert application.visa_number in result.inner_text()
    assert owner.national_id not in result.inner_text()

    search(site, "4000000000", owner.national_id, "not-found")
    assert site.page.locator("#inquiry-result.notice").is_visible()
    assert application.visa_number not in site.page.locator("main").inner_text()

    search(site, application.issued_number, owner.national_id, "wrong-captcha", captcha="WRONG")
    assert site.error_summary().is_visible()
    assert site.field("issued_number").input_value() == application.issued_number
    assert site.field("national_id").input_value() == owner.national_id
    site.assert_error_summary_links_work()
    if lang == "ar":
        site.narrow("inquiry")
    site.assert_accessible()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_signed_in_inquiry_by_request_number_and_by_id(issued, open_site, last_sms_code, lang):
    owner, application = issued
    site = open_site(lang)
    sign_in(site, owner, last_sms_code)
    with site.page.expect_navigation():
        site.page.locator(f"a.tile__link[href='{site.path('/visas/inquiry/')}']").click()
    site.visit("account-inquiry")

    site.fill(query=application.reference)
    site.submit("by-request-number")
    results = site.page.locator("#inquiry-results")
    assert application.visa_number in results.inner_text()

    site.fill(query=owner.national_id)
    site.submit("by-id-number")
    with site.page.expect_navigation():
        site.page.locator(
            f"#inquiry-results a[href='{site.path(f'/visas/{application.reference}/')}']"
        ).first.click()
    site.visit("full-record")
    assert site.page.locator(".timeline__item").count() >= 2
    site.assert_accessible()


# Where the first letter of a name and its last "*" are drawn: a right-to-left name reads
# from the right, so its first letter must be right of the asterisks on every page.
NAME_EDGES = """(dd) => {
  const walker = document.createTreeWalker(dd, NodeFilter.SHOW_TEXT);
  let node = walker.nextNode();
  while (node && !node.data.trim()) { node = walker.nextNode(); }
  const text = node.data, first = text.indexOf(text.trim()[0]), last = text.lastIndexOf("*");
  const left = (i) => {
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    return range.getBoundingClientRect().left;
  };
  return { first: left(first), last: left(last) };
}"""


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_signed_in_inquiry_by_issued_number(issued, open_site, last_sms_code, lang):
    from django.utils import translation
    from django.utils.translation import gettext

    owner, application = issued
    site = open_site(lang)
    sign_in(site, owner, last_sms_code)
    site.goto("/visas/inquiry/", "account-inquiry")
    # The browser took the Permissions-Policy header: the camera is off for the page.
    assert site.page.evaluate("document.featurePolicy.allowsFeature('camera')") is False
    assert site.page.evaluate("document.featurePolicy.allowsFeature('fullscreen')") is True

    site.fill(query=application.issued_number)
    site.submit("by-issued-number")
    results = site.page.locator("#inquiry-results")
    assert application.visa_number in results.inner_text()
    assert results.locator(f"a[href='{site.path(f'/visas/{application.reference}/')}']").count()

    # The masked Arabic name keeps its order on the English page too (isolated in <bdi>).
    with translation.override(lang):
        sponsor = gettext("Sponsor")
    name = results.locator(f"xpath=.//dt[normalize-space()='{sponsor}']/following-sibling::dd[1]")
    assert name.inner_text().strip() == "نورة ا***"
    edges = name.evaluate(NAME_EDGES)
    assert edges["first"] > edges["last"], f"the name is drawn out of order: {edges}"

    # The visa number finds the same visa; someone's else's number would find nothing.
    site.fill(query=application.visa_number)
    site.submit("by-visa-number")
    assert application.issued_number in site.page.locator("#inquiry-results").inner_text()
    site.fill(query="4000000000")
    site.submit("unknown-number")
    assert site.page.locator("#inquiry-results .notice").is_visible()
    site.assert_accessible()
