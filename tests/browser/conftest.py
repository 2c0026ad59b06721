"""Browser tests: Debian's Chromium driven by Playwright's sync API against pytest-django's
live server (same process, so the locmem SMS outbox and the cache are shared).

Every page a test visits goes through ``Site.visit``: it checks the page's language and
direction, saves a full-page screenshot to ``screenshots/<test>-<nn>-<step>.png`` and runs
axe-core. A test ends with ``site.assert_accessible()``, which fails on any serious or
critical axe violation met on the way.
"""

import io
import os
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

# Playwright's sync API runs an event loop in the test thread (the test settings set it too).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}
BAD_IMPACTS = ("serious", "critical")
LANGUAGES = {"ar": "rtl", "en": "ltr"}
TIMEOUT_MS = 15_000

# App bugs found by these tests and reported (not ours to fix here). Each is tolerated only
# for exactly the element named, and shows up as a warning in every run until it is fixed;
# then delete the entry. (axe rule id or "summary-link", CSS target) -> what is wrong.


class _Chromium:
    """Debian's Chromium, started the first time a test opens a page and shared after.

    Starting it inside the test (not in fixture setup) makes a missing Chromium a test
    FAILURE with a clear message, never a skip.
    """

    def __init__(self):
        self.playwright = None
        self.browser = None
        self.error = ""

    def get(self):
        if self.browser is None and not self.error:
            self._start()
        if self.error:
            pytest.fail(self.error, pytrace=False)
        return self.browser

    def _start(self) -> None:
        if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
            self.error = (
                f"The browser tests need Debian's Chromium at {CHROMIUM}, and it is missing. "
                "Install it with `make chromium` (or `sudo apt-get install chromium`). "
                "Playwright's own browser downloads are not used."
            )
            return
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        try:
            self.browser = self.playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
        except Exception as error:
            self.error = f"Chromium at {CHROMIUM} did not start: {error}"

    def close(self) -> None:
        if self.browser is not None:
            self.browser.close()
        if self.playwright is not None:
            self.playwright.stop()


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole run (see ``_Chromium``)."""
    holder = _Chromium()
    yield holder
    holder.close()


def _axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


class Site:
    """One browser context on the live server, in one language, for one test."""

    def __init__(self, context, base_url: str, test_name: str, lang: str, javascript: bool):
        self.context = context
        self.page = context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.base_url = base_url.rstrip("/")
        self.test_name = test_name
        self.lang = lang
        self.javascript = javascript
        self.step = 0
        self.violations: list[str] = []
        self.screenshots: list[str] = []
        self._axe = _axe() if javascript else None

    # --- navigation ------------------------------------------------------------------
    def url(self, path: str, lang: str | None = None) -> str:
        """``/register/`` in the site's language: Arabic has no prefix, English is /en/."""
        lang = lang or self.lang
        prefix = "" if lang == "ar" else f"/{lang}"
        return f"{self.base_url}{prefix}{path}"

    def path(self, path: str) -> str:
        """The path part of ``url`` (what the address bar shows after a redirect)."""
        return ("" if self.lang == "ar" else f"/{self.lang}") + path

    def goto(self, path: str, step: str):
        response = self.page.goto(self.url(path))
        self.visit(step)
        return response

    def submit(self, step: str, form: str = "main form.form:not(.form--secondary)"):
        """Press the form's submit button and wait for the next page (not the verification
        code's own buttons: core/widgets/captcha.html)."""
        with self.page.expect_navigation():
            self.page.locator(f"{form} [type=submit]:not([class*=captcha__])").first.click()
        self.visit(step)

    def expect_path(self, path: str) -> None:
        current = re.sub(r"^https?://[^/]+", "", self.page.url).split("?")[0]
        assert current == self.path(path), f"expected {self.path(path)}, at {self.page.url}"

    # --- checks on every page --------------------------------------------------------
    def visit(self, step: str) -> None:
        """The page just shown: language and direction, a screenshot, axe-core."""
        page = self.page
        page.wait_for_load_state("load")
        html = page.locator("html")
        assert html.get_attribute("lang") == self.lang, f"{step}: lang on {page.url}"
        assert html.get_attribute("dir") == LANGUAGES[self.lang], f"{step}: dir on {page.url}"
        self.screenshot(step)
        if self._axe is not None:
            self.run_axe(step)

    def screenshot(self, step: str, suffix: str = "") -> Path:
        self.step += 1
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", step).strip("-")
        path = SCREENSHOTS / f"{self.test_name}-{self.step:02d}-{slug}{suffix}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.screenshots.append(path.name)
        return path

    def run_axe(self, step: str) -> None:
        results = _axe_run(self._axe, self.page)
        for violation in results["violations"]:
            if violation.get("impact") not in BAD_IMPACTS:
                continue
            targets = []
            for node in violation["nodes"]:
                target = ", ".join(str(t) for t in node["target"])
                targets.append(target)
            if targets:
                targets = "; ".join(targets)
                self.violations.append(
                    f"[{self.lang}] {step} ({self.page.url}): {violation['id']} "
                    f"({violation['impact']}) {violation['help']} — {targets}"
                )

    def narrow(self, step: str) -> None:
        """The same page 320 px wide: a screenshot, and nothing wider than the screen."""
        self.page.set_viewport_size(NARROW)
        try:
            self.screenshot(step, suffix="-320px")
            overflow = (
                self.page.evaluate(
                    "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                if self.javascript
                else 0
            )
            assert overflow <= 0, f"{step}: the page scrolls sideways at 320 px ({overflow}px)"
            if self._axe is not None:
                self.run_axe(f"{step} at 320px")
        finally:
            self.page.set_viewport_size(DESKTOP)

    def assert_accessible(self) -> None:
        assert not self.violations, (
            f"{len(self.violations)} serious/critical axe-core violation(s):\n"
            + "\n".join(self.violations)
        )

    # --- forms -----------------------------------------------------------------------
    def field(self, name: str):
        return self.page.locator(f"[name={name!r}]")

    def fill(self, **values: str) -> None:
        for name, value in values.items():
            self.field(name).fill(value)

    def error_summary(self):
        return self.page.locator(".error-summary#error-summary")

    def assert_error_summary_links_work(self) -> None:
        """Every link in the error summary leads to a visible control on the page."""
        links = self.page.locator("#error-summary a[href^='#']")
        assert links.count() > 0, "the error summary lists no field"
        for i in range(links.count()):
            target = links.nth(i).get_attribute("href")
            control = self.page.locator(target)
            assert control.count() == 1, f"error summary link {target} leads nowhere"
            assert control.is_visible(), f"error summary link {target} leads to a hidden control"

    # --- journeys ------------------------------------------------------------------
    def fill_identity(self, person: dict, **changes: str) -> None:
        """Registration step 1, filled by mouse and typing."""
        person = {**person, **changes}
        self.page.locator(f"input[name=id_type][value={person['id_type']}]").check()
        calendar, day, month, year = person["birth"]
        self.fill(
            national_id=person["national_id"],
            first_name=person["first_name"],
            family_name=person["family_name"],
        )
        self.page.locator(f"#id_birth_date_{calendar}_0").fill(day)
        self.page.locator(f"#id_birth_date_{calendar}_1").select_option(month)
        self.page.locator(f"#id_birth_date_{calendar}_2").fill(year)

    def assert_identity_filled(self, person: dict, **changes: str) -> None:
        """Step 1 shows back what was typed."""
        person = {**person, **changes}
        radio = self.page.locator(f"input[name=id_type][value={person['id_type']}]")
        assert radio.is_checked(), "the ID type is not chosen any more"
        calendar, day, month, year = person["birth"]
        expected = {
            "#id_national_id": person["national_id"],
            "#id_first_name": person["first_name"],
            "#id_family_name": person["family_name"],
            f"#id_birth_date_{calendar}_0": day,
            f"#id_birth_date_{calendar}_1": month,
            f"#id_birth_date_{calendar}_2": year,
        }
        shown = {css: self.page.locator(css).input_value() for css in expected}
        assert shown == expected

    def register_until_review(self, person: dict, prefix: str = "") -> None:
        """Steps 1 to 4, each checked and photographed; ends on the review page."""
        self.goto("/register/", f"{prefix}identity-empty")
        self.expect_path("/register/identity/")
        self.fill_identity(person)
        self.screenshot(f"{prefix}identity-filled")
        self.submit(f"{prefix}verify")
        self.expect_path("/register/verify/")
        assert self.field("captcha_1").is_visible()
        self.fill(captcha_1="PASSED")
        self.submit(f"{prefix}account")
        self.expect_path("/register/account/")
        self.fill(
            username=person["username"], password1=person["password"], password2=person["password"]
        )
        self.submit(f"{prefix}contact")
        self.expect_path("/register/contact/")
        self.fill(email=person["email"], mobile=person["mobile"])
        self.submit(f"{prefix}review")
        self.expect_path("/register/review/")

    def log_in(self, identifier: str, password: str, step: str, captcha: str = "PASSED"):
        """Fill the login form (and the captcha, when the page asks for one) and send it."""
        self.fill(username=identifier, password=password)
        if self.field("captcha_1").count():
            self.fill(captcha_1=captcha)
        self.submit(step)


def _axe_run(axe, page) -> dict:
    """axe-core's result for the page (only the violations)."""
    return axe.run(page).response


@pytest.fixture
def open_site(chromium, live_server, request):
    """Open the live site in a fresh browser context: ``open_site("ar", javascript=True)``."""
    opened: list[Site] = []
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    for stale in SCREENSHOTS.glob(f"{name}-[0-9][0-9]-*.png"):
        stale.unlink()
    SCREENSHOTS.mkdir(exist_ok=True)

    def open_(lang: str, *, javascript: bool = True, name_suffix: str = "") -> Site:
        context = chromium.get().new_context(
            viewport=DESKTOP,
            java_script_enabled=javascript,
            locale="ar-SA" if lang == "ar" else "en-US",
            timezone_id="Asia/Riyadh",
        )
        site = Site(context, live_server.url, name + name_suffix, lang, javascript)
        opened.append(site)
        return site

    yield open_
    for site in opened:
        site.context.close()


@pytest.fixture
def site_ar(open_site):
    return open_site("ar")


@pytest.fixture
def site_en(open_site):
    return open_site("en")


@pytest.fixture
def seeded_account(transactional_db):
    """``manage.py seed_demo``: the registry people and the ready account abdullah."""
    from django.core.management import call_command

    from musaned.identity.demo import DEMO_ACCOUNT

    call_command("seed_demo", stdout=io.StringIO())

    return DEMO_ACCOUNT


# --- the demo registry people the tests register as -------------------------------------
CITIZEN = {
    "id_type": "citizen",
    "national_id": "1000000008",
    "first_name": "محمد",
    "first_name_en": "Mohammed",
    "family_name": "العتيبي",
    # (calendar, day, month, year): the date controls are #id_birth_date_<calendar>_0/1/2
    "birth": ("hijri", "15", "7", "1405"),
    "username": "mohammed.alotaibi",
    "password": "Quiet-harbour-lanterns-at-dawn-47",
    "email": "mohammed@example.com",
    "mobile": "0500000001",
    "sms_to": "+966500000001",
}
RESIDENT = {
    "id_type": "resident",
    "national_id": "2000000006",
    "first_name": "Ahmed",
    "first_name_en": "Ahmed",
    "family_name": "Hassan",
    "birth": ("gregorian", "14", "3", "1988"),
    "username": "ahmed.hassan",
    "password": "Copper-kettle-under-seven-stars-88",
    "email": "ahmed@example.com",
    "mobile": "0500000006",
    "sms_to": "+966500000006",
}


@pytest.fixture
def citizen(registry):
    return CITIZEN


@pytest.fixture
def resident(registry):
    return RESIDENT


# --- beneficiaries and staff with open accounts (the factories' password) ----------------


def beneficiary(national_id: str, username: str | None = None):
    """A demo registry person's open account, named and told in the language they read the
    site in: Arabic for a citizen, English for a resident."""
    from musaned.accounts.tests.factories import BeneficiaryFactory
    from musaned.identity.demo import registry_rows

    row = next(r for r in registry_rows() if r["national_id"] == national_id)
    language = "ar" if row["id_type"] == "citizen" else "en"
    return BeneficiaryFactory(
        person=national_id,
        **({"username": username} if username else {}),
        first_name=row[f"first_name_{language}"],
        last_name=row[f"family_name_{language}"],
        preferred_language=language,
    )


def staff(username: str, role: str, mobile: str):
    """A staff member in ``role`` who reads the back office in English."""
    from musaned.accounts.tests.factories import StaffFactory

    return StaffFactory(
        username=username,
        first_name=username.title(),
        last_name="Demo",
        mobile=mobile,
        preferred_language="en",
        roles=[role],
    )


def sign_in(site, user, last_sms_code):
    """The password, then the code from the SMS; ends on the hub."""
    from musaned.accounts.tests.factories import PASSWORD

    site.goto("/login/", "login")
    site.log_in(user.username, PASSWORD, "login-code")
    site.fill(code=last_sms_code(user.mobile))
    site.submit("hub")
    site.expect_path("/services/")


@pytest.fixture
def issued(registry, catalogues):
    """Noura's issued visa (fee exempt, so issued on submit): something to find."""
    from musaned.visas.tests.factories import issued_visa

    owner = beneficiary("1000000016", "noura")
    return owner, issued_visa(owner)


def translated(lang: str, message: str) -> str:
    """``message`` as the site says it in ``lang``."""
    with translation.override(lang):
        return gettext(message)


# --- the SADAD simulator calls back to the live server ---------------------------------
@pytest.fixture(autouse=True)
def _simulator_calls_back_to_the_live_server(live_server, settings):
    """The simulator's "Pay" posts its signed callback to PAYMENT_CALLBACK_URL (or
    MUSANED_SITE_URL), never to the request's host: here, the live server's callback."""
    settings.PAYMENT_CALLBACK_URL = f"{live_server.url}/payments/callback/"
