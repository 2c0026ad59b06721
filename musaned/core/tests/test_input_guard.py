"""A NUL byte (or another character no database stores) anywhere in a request is a
translated 404 (in the path) or 400 (anywhere else), never a 500
(musaned/core/input_guard.py, musaned/core/json_input.py).

PostgreSQL refuses NUL in text, so before the guard ``/verify/%00/`` and the like were a
500 there (SQLite stores NUL and answered 404). The walk below puts ``%00`` in every path
parameter of every URL in the URLconf; CI runs it on both databases.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from musaned.accounts.tests.factories import BeneficiaryFactory
from musaned.core.tests.test_access import all_urls

pytestmark = pytest.mark.django_db

ARABIC_400 = "يوجد خطأ في هذا الطلب"
ENGLISH_400 = "Something is wrong with this request"
ARABIC_404 = "الصفحة غير موجودة"
ENGLISH_404 = "Page not found"


def _client() -> Client:
    # A 500 must show as a 500 here, not as the exception that caused it.
    return Client(raise_request_exception=False)


@pytest.fixture
def clients(abdullah, signed_in):
    """Anonymous, a signed-in citizen, and a superuser (who reaches the admin's views)."""
    chief = BeneficiaryFactory(
        person="1000000008",
        username="chief",
        mobile="+966500000006",
        is_staff=True,
        is_superuser=True,
    )
    return {
        "anonymous": _client(),
        "citizen": signed_in(abdullah, raise_request_exception=False),
        "superuser": signed_in(chief, raise_request_exception=False),
    }


def _with_nul_in_each_parameter():
    """(url, parameter): each URL of the walk once per path parameter, that parameter
    ``%00`` and the others their sample values."""
    found = []
    for concrete, template in all_urls():
        names = re.findall(r"\{(\w+)\}", template)
        if not names:
            continue
        pattern = re.escape(template)
        for name in names:
            pattern = pattern.replace(re.escape("{" + name + "}"), f"(?P<{name}>.+?)", 1)
        # The walk's templates leave out the language prefix its concrete URLs carry.
        english = concrete.startswith("/en/") and not template.startswith("/en/")
        language = "/en" if english else ""
        values = re.fullmatch(pattern, concrete[len(language) :]).groupdict()
        for name in names:
            url = template
            for other in names:
                url = url.replace("{" + other + "}", "%00" if other == name else values[other])
            found.append((language + url, name))
    return found


def _is_refusal(response, url: str, status: int = 400) -> bool:
    """The guard's answer: the API's JSON error, else the translated page."""
    if response.status_code != status:
        return False
    if url.startswith("/api/v1/"):
        return response.json()["code"] == ("malformed" if status == 400 else "not_found")
    text = response.content.decode()
    arabic, english = (ARABIC_400, ENGLISH_400) if status == 400 else (ARABIC_404, ENGLISH_404)
    if url.startswith("/en/"):
        return 'lang="en"' in text and english in text
    return 'lang="ar"' in text and arabic in text


def test_the_walk_reaches_every_kind_of_parameter():
    urls = dict(_with_nul_in_each_parameter())
    for expected in (
        "/verify/%00/",
        "/visas/%00/",
        "/en/visas/%00/",
        "/api/v1/visa-applications/%00",
        "/api/v1/complaints/%00/replies",
        "/complaints/%00/attachments/1/",
        "/sadad/bills/%00/",
        "/backoffice/visas/%00/documents/abc/",
    ):
        assert expected in urls, expected
    assert any(url.startswith("/admin/") for url in urls)


@pytest.mark.parametrize("who", ["anonymous", "citizen", "superuser"])
def test_nul_in_any_path_parameter_is_the_translated_404(clients, who):
    client = clients[who]
    wrong = []
    for url, name in _with_nul_in_each_parameter():
        for method in (client.get, client.post):
            response = method(url)
            if not _is_refusal(response, url, status=404):
                wrong.append((method.__name__, url, name, response.status_code))
    assert not wrong, wrong


def test_nul_in_the_query_string_is_a_translated_400_on_every_url(clients):
    client = clients["citizen"]
    wrong = []
    for concrete, template in all_urls():
        if template in ("/healthz", "/readyz"):
            continue  # answered first, reading nothing (musaned/core/health.py)
        for query in ("q=%00", "%00=1", "page=1&q=a%00b"):
            url = f"{concrete}?{query}"
            response = client.get(url)
            if not _is_refusal(response, concrete):
                wrong.append((url, response.status_code))
    assert not wrong, wrong


def test_the_refusal_speaks_the_language_of_the_page_and_of_the_api():
    client = _client()
    arabic, english = client.get("/verify/%00/"), client.get("/en/verify/%00/")
    assert _is_refusal(arabic, "/verify/", 404) and _is_refusal(english, "/en/verify/", 404)
    arabic, english = client.get("/inquiry/?q=%00"), client.get("/en/inquiry/?q=%00")
    assert _is_refusal(arabic, "/inquiry/") and _is_refusal(english, "/en/inquiry/")
    api = client.get("/api/v1/visa-inquiry?x=%00", headers={"Accept-Language": "ar"})
    assert api.status_code == 400
    assert api.json() == {
        "code": "malformed",
        "message": "يحتوي الطلب على حرف غير مسموح به (مثل البايت الصفري NUL).",
        "fields": {},
    }
    api = client.get("/api/v1/visa-applications/%00", headers={"Accept-Language": "ar"})
    assert api.status_code == 404
    assert api.json() == {"code": "not_found", "message": "غير موجود.", "fields": {}}


def test_a_form_field_with_nul_is_a_400_and_nothing_is_looked_up(
    django_assert_max_num_queries,
):
    client = _client()
    page = client.get("/login/")
    assert page.status_code == 200
    with django_assert_max_num_queries(0):
        response = client.post("/login/", {"username": "abd\x00ullah", "password": "x"})
    assert _is_refusal(response, "/login/")
    english = client.post("/en/login/", {"username": "x", "password": "p\x00"})
    assert _is_refusal(english, "/en/login/")


def test_a_nul_in_a_multipart_field_is_a_400_and_an_upload_name_loses_it(clients):
    client = clients["citizen"]
    pdf = SimpleUploadedFile("proof.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    response = client.post(
        "/complaints/new/",
        {"category": "office", "subject": "a\x00", "description": "d", "attachments": pdf},
    )
    assert _is_refusal(response, "/complaints/new/")
    # Django's parser drops unprintable characters from a file's name itself.
    named = SimpleUploadedFile("proof\x00.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    response = client.post(
        "/complaints/new/", {"category": "office", "subject": "s", "attachments": named}
    )
    assert response.status_code == 200  # the form again (the description is missing)


def test_a_cookie_or_a_header_with_nul_is_a_400():
    client = _client()
    # A quoted cookie's octal escape becomes a NUL when Django reads it: the session key
    # would reach the sessions table.
    response = client.get("/", headers={"Cookie": 'sessionid="\\000abcdefghijklmnop"'})
    assert _is_refusal(response, "/")
    response = client.get("/en/", headers={"User-Agent": "probe\x00"})
    assert _is_refusal(response, "/en/")


def test_nul_in_an_api_header_is_a_json_400_and_in_a_json_body_a_422_naming_it(abdullah, token_for):
    token = token_for(abdullah, "guard")
    client = _client()
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    response = client.post(
        "/api/v1/visa-applications",
        data={},
        content_type="application/json",
        headers={**headers, "Idempotency-Key": "key\x00"},
    )
    assert (response.status_code, response.json()["code"]) == (400, "malformed")
    for body, fields in (
        (
            '{"occupation": "house\\u0000maid", "nationality": "PHL", "worker_gender": "F",'
            ' "arrival_point": "RUH", "proof_type": "salary", "monthly_salary": 9000}',
            {"occupation": ["Null characters are not allowed."]},
        ),
        (
            '{"occupation": "\\ud800", "nationality": ["\\u0000"]}',
            {
                "occupation": ["Enter a valid value."],
                "nationality.0": ["Null characters are not allowed."],
            },
        ),
        ('{"\\u0000": 1}', {"body": ["Null characters are not allowed."]}),
    ):
        response = client.post(
            "/api/v1/visa-applications",
            data=body,
            content_type="application/json",
            headers={**headers, "Idempotency-Key": f"k{len(body)}"},
        )
        assert response.status_code == 422, body
        assert response.json() == {
            "code": "invalid",
            "message": "Some values are not valid.",
            "fields": fields,
        }


@pytest.mark.parametrize(
    "url",
    [
        "/verify/%ff/",  # invalid UTF-8: Django keeps it percent-encoded ("%FF")
        "/visas/%c0%80/",  # an overlong NUL
        "/en/verify/%ed%a0%80/",  # an encoded surrogate
        "/sadad/bills/%ff/",
        "/complaints/%ff/",
    ],
)
def test_undecodable_bytes_in_the_path_are_a_404(clients, url):
    response = clients["superuser"].get(url)
    assert response.status_code == 404, (url, response.status_code)


def test_undecodable_bytes_in_an_api_path_are_a_json_404(abdullah, token_for):
    token = token_for(abdullah, "guard")
    response = _client().get(
        "/api/v1/visa-applications/%ff", headers={"Authorization": f"Bearer {token}"}
    )
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_undecodable_bytes_in_a_query_or_a_form_are_replaced_not_a_500(clients):
    client = clients["citizen"]
    for url in ("/visas/?q=%ff%fe", "/complaints/?q=%ed%a0%80", "/visas/inquiry/?q=%c0%80"):
        assert client.get(url).status_code in (200, 302), url
    anonymous = _client()
    response = anonymous.post(
        "/login/",
        "username=%ed%a0%80&password=%ff",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200  # the form again, with its error
