"""Who may open what: every URL in the URLconf, anonymously and signed in."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils import translation

pytestmark = pytest.mark.django_db

# Every page an anonymous visitor may open (200 or a redirect inside the flow),
# without the language prefix. Nothing else may answer 200 to a stranger.
PUBLIC = {
    "/",  # home
    "/contact/",
    "/privacy/",
    "/register/",
    "/register/identity/",
    "/register/verify/",
    "/register/account/",
    "/register/contact/",
    "/register/review/",
    "/register/activate/",
    "/login/",
    "/login/code/",
    "/password/forgot/",
    "/password/reset/",
    "/inquiry/",  # public visa inquiry by issued number (POST, captcha, rate-limited)
    "/api/docs/",  # the API's human documentation
    "/api/v1/openapi.json",  # the API's OpenAPI description
    "/api/v1/visa-inquiry",  # the API's public inquiry (POST only)
    "/offices/",  # the public directory of recruitment offices (musaned/offices)
    "/offices/compare/",
    "/offices/how-we-compute/",
    "/offices/{uid}/",
    "/api/v1/offices",
    "/api/v1/offices/{office_id}",
    "/captcha/image/{key}/",
    "/captcha/image/{key}@2/",
    "/captcha/audio/{key}.wav",
    "/captcha/refresh/",
    "/healthz",  # the load balancer's probes (docs/operations.md)
    "/readyz",
}

# A sample value for each kind of URL parameter.
_SAMPLES = ["1", "accounts", "user", "abc", "0" * 40]


def _sample_for(regex: str) -> str:
    for sample in _SAMPLES:
        if re.fullmatch(regex, sample):
            return sample
    raise AssertionError(f"no sample value for {regex!r}")


def _fill_regex(regex: str) -> tuple[str, str]:
    """A concrete path for a regex pattern, and the same path with ``{name}`` placeholders."""
    concrete, template, i = "", "", 0
    regex = regex.lstrip("^").rstrip("$").replace(r"\Z", "")
    while i < len(regex):
        if regex.startswith("(?P<", i):
            name_end = regex.index(">", i)
            name = regex[i + 4 : name_end]
            depth, j = 1, name_end + 1
            while depth:
                depth += {"(": 1, ")": -1}.get(regex[j], 0) if regex[j - 1] != "\\" else 0
                j += 1
            concrete += _sample_for(regex[name_end + 1 : j - 1])
            template += "{" + name + "}"
            i = j
        else:
            char = regex[i]
            if char == "\\":
                char, i = regex[i + 1], i + 1
            concrete += char
            template += char
            i += 1
    return concrete, template


def _fill_route(route: str) -> tuple[str, str]:
    concrete = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m[1] == "int" else "abc", route)
    template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
    return concrete, template


def _walk(patterns, prefix=("", "")):
    for entry in patterns:
        if isinstance(entry.pattern, LocalePrefixPattern):
            parts = [("", "")] + [
                (f"{code}/", "")
                for code, _name in settings.LANGUAGES
                if code != settings.LANGUAGE_CODE
            ]
        elif isinstance(entry.pattern, RegexPattern):
            parts = [_fill_regex(entry.pattern.regex.pattern)]
        else:
            assert isinstance(entry.pattern, RoutePattern)
            parts = [_fill_route(str(entry.pattern))]
        for concrete, template in parts:
            here = (prefix[0] + concrete, prefix[1] + template)
            if isinstance(entry, URLResolver):
                yield from _walk(entry.url_patterns, here)
            else:
                assert isinstance(entry, URLPattern)
                yield "/" + here[0], "/" + here[1]


def all_urls() -> list[tuple[str, str]]:
    urls = sorted(set(_walk(get_resolver().url_patterns)))
    for concrete, _template in urls:
        language = concrete.split("/")[1]
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        with translation.override(language):
            resolve(concrete)  # the sample values really reach a view
    return urls


def test_the_walk_covers_the_whole_urlconf_including_the_english_prefix():
    templates = {template for _concrete, template in all_urls()}
    assert PUBLIC.issubset(templates)
    concrete = {url for url, _template in all_urls()}
    assert {"/en/login/", "/login/", "/en/", "/services/", "/en/services/"} <= concrete


def test_every_page_open_to_strangers_is_on_the_public_list():
    client = Client()
    for url, template in all_urls():
        response = client.get(url)
        if template in PUBLIC:
            # 410: django-simple-captcha's answer for an unknown or used key.
            assert response.status_code in (200, 302, 404, 405, 410), (url, response.status_code)
            continue
        assert response.status_code != 200, f"{url} answers 200 to anyone but is not PUBLIC"
        if template.startswith(API):
            # The API asks for its token instead of redirecting to the login page.
            assert response.status_code in (401, 404, 405), (url, response.status_code)
            if response.status_code == 401:
                assert set(response.json()) == {"code", "message", "fields"}
        elif response.status_code in (301, 302):
            location = response["Location"]
            assert re.match(r"^(/en)?(/admin)?/login/", location), (url, location)
        else:
            assert response.status_code in (404, 405), (url, response.status_code)


def test_public_pages_open_without_signing_in(registry):
    from captcha.models import CaptchaStore

    client = Client()
    for url in (
        "/",
        "/en/",
        "/contact/",
        "/privacy/",
        "/register/identity/",
        "/login/",
        "/password/forgot/",
    ):
        assert client.get(url).status_code == 200, url
    key = CaptchaStore.generate_key()
    response = client.get(f"/captcha/image/{key}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


@pytest.fixture
def signed_in_client(abdullah, signed_in):
    return signed_in(abdullah)


def test_signed_in_pages_are_never_stored_by_browsers_or_proxies(signed_in_client):
    answered = 0
    for url, _template in all_urls():
        response = signed_in_client.get(url)
        if response.status_code == 200:
            answered += 1
            assert "no-store" in response.get("Cache-Control", ""), url
    assert answered >= 4
    for url in ("/services/", "/profile/", "/profile/password/", "/profile/my-data.json"):
        assert "no-store" in signed_in_client.get(url)["Cache-Control"]


def test_registration_pages_are_never_stored(registry):
    client = Client()
    assert "no-store" in client.get("/register/identity/")["Cache-Control"]


@pytest.mark.parametrize("who", ["anonymous", "signed_in"])
def test_every_post_without_a_csrf_token_is_refused(request, who):
    if who == "signed_in":
        client = request.getfixturevalue("signed_in_client")
        client.handler.enforce_csrf_checks = True
    else:
        client = Client(enforce_csrf_checks=True)
    for url, template in all_urls():
        response = client.post(url, {"username": "abdullah", "password": "x"})
        if template in SIGNED_NOT_CSRF:
            # Server-to-server: authenticated by its HMAC signature instead.
            assert response.status_code == 401, (url, response.status_code)
            continue
        if template.startswith(API):
            # Token-authenticated and cookie-blind: a session gets no further than anyone.
            assert response.status_code in (400, 401, 404, 405, 422), (url, response.status_code)
            continue
        if template in PROBES:
            # Answered before the CSRF check (musaned/core/health.py), and GET/HEAD only.
            assert response.status_code == 405, (url, response.status_code)
            continue
        assert response.status_code == 403, (url, response.status_code)


SIGNED_NOT_CSRF = {"/payments/callback/"}
PROBES = {"/healthz", "/readyz"}
API = "/api/v1/"


def test_personal_data_download_is_only_for_the_signed_in_person(signed_in_client):
    response = signed_in_client.get("/profile/my-data.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response.json()["account"]["national_id"] == "1000000040"
    assert Client().get("/profile/my-data.json")["Location"].startswith("/login/")


@pytest.mark.django_db
def test_staff_sign_in_goes_through_the_second_factor_not_the_admin_form(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/"
