"""Every error on an API path is the JSON ``{code, message, fields}``, whoever raised it:
Ninja's views (an unexpected exception, the database out of reach, the cache, a limit),
Django's own handlers (an unknown /api/ address, a bad Host), and the site's 429/503
answers. The website's pages keep their translated HTML pages. Bodies nested past the
documented depth are a 400."""

import json
import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.test import Client, RequestFactory, override_settings
from django_ratelimit.exceptions import Ratelimited

from musaned.core import views as error_views
from musaned.core.cache import CacheUnavailable
from musaned.core.json_input import MAX_DEPTH

pytestmark = pytest.mark.django_db

SHAPE = {"code", "message", "fields"}


def _json_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == SHAPE and body["code"] == code, body
    assert "Traceback" not in response.content.decode()
    return body


@pytest.fixture
def citizen_api(citizen, api, token_for):
    client = api(token_for(citizen))
    client.client.raise_request_exception = False
    return client


def test_an_unexpected_exception_in_a_view_is_a_json_500_with_the_reference(
    citizen_api, monkeypatch, caplog
):
    def broken(**kwargs):
        raise RuntimeError("selector exploded")

    monkeypatch.setattr("musaned.visas.api.applications_for", broken)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = citizen_api.get("/visa-applications")
    body = _json_error(response, 500, "server_error")
    reference = response["X-Request-ID"][:10].upper()
    assert body["message"] == (
        "Sorry, something went wrong on our side. If you contact us, give this "
        f"reference: {reference}"
    )
    assert "selector exploded" not in response.content.decode()
    # Still logged as Django logs a failing page: once, with the traceback.
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Internal Server Error: /api/v1/visa-applications"
    assert record.exc_info and "selector exploded" in str(record.exc_info[1])


def test_the_500_message_is_translated(citizen, api, token_for, monkeypatch):
    monkeypatch.setattr("musaned.visas.api.applications_for", lambda **kw: 1 / 0)
    client = api(token_for(citizen), language="ar")
    client.client.raise_request_exception = False
    body = _json_error(client.get("/visa-applications"), 500, "server_error")
    assert body["message"].startswith("عذرًا، حدث خطأ من جهتنا.")


@pytest.mark.parametrize(
    "failure",
    [
        OperationalError("couldn't get a connection after 3.00 sec"),
        pytest.param("pool", id="psycopg_pool.PoolTimeout"),
    ],
)
def test_the_database_out_of_reach_is_a_json_503_with_retry_after(
    citizen_api, monkeypatch, failure
):
    if failure == "pool":
        psycopg_pool = pytest.importorskip("psycopg_pool")
        failure = psycopg_pool.PoolTimeout("couldn't get a connection after 3.00 sec")

    def down(**kwargs):
        raise failure

    monkeypatch.setattr("musaned.visas.api.applications_for", down)
    response = citizen_api.get("/visa-applications")
    body = _json_error(response, 503, "unavailable")
    assert body["message"] == "This service is paused for a moment. Please try again shortly."
    assert int(response["Retry-After"]) > 0
    assert "3.00 sec" not in response.content.decode()


def test_the_token_check_with_the_database_down_is_a_json_503(citizen_api, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("musaned.api.auth.TokenAuth.authenticate", down)
    _json_error(citizen_api.get("/visa-applications"), 503, "unavailable")


@pytest.mark.parametrize(
    ("raised", "status", "code"),
    [
        (CacheUnavailable("incr"), 503, "unavailable"),
        (Ratelimited(), 429, "rate_limited"),
        (PermissionDenied(), 403, "forbidden"),
    ],
)
def test_what_the_site_middleware_answers_is_json_inside_the_api(
    citizen_api, monkeypatch, raised, status, code
):
    def refuse(**kwargs):
        raise raised

    monkeypatch.setattr("musaned.visas.api.applications_for", refuse)
    response = citizen_api.get("/visa-applications")
    _json_error(response, status, code)
    if status == 503:
        assert int(response["Retry-After"]) > 0


@pytest.mark.parametrize(
    "path", ["/api/", "/api/v2/visa-applications", "/api/v1x/", "/api/docs-old/", "/api/%ff"]
)
def test_unknown_api_addresses_outside_the_v1_router_are_a_json_404(path):
    response = Client().post(path, headers={"Accept-Language": "ar"})
    body = _json_error(response, 404, "not_found")
    assert body["message"] == "غير موجود."


def test_the_api_docs_page_and_its_neighbours_stay_html(client):
    assert client.get("/api/docs/")["Content-Type"].startswith("text/html")
    missing = client.get("/api/docs/nothing-here/")
    assert missing.status_code == 404 and missing["Content-Type"].startswith("text/html")
    page = client.get("/visas/no-such-page/")  # a website 404 is still the page
    assert page["Content-Type"].startswith("text/html")


def test_a_body_past_the_upload_limit_is_a_json_400_not_a_500(citizen_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"category": "office", "subject": "x" * 2000})
    response = _post_raw(citizen_api, "/complaints", body)
    _json_error(response, 400, "bad_request")


@override_settings(ALLOWED_HOSTS=["testserver"])
def test_a_bad_host_on_an_api_path_is_a_json_400():
    response = Client().get("/api/v1/openapi.json", HTTP_HOST="attacker.example")
    _json_error(response, 400, "bad_request")
    page = Client().get("/", HTTP_HOST="attacker.example")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("answer", "status", "code"),
    [
        (lambda request: error_views.rate_limited(request), 429, "rate_limited"),
        (lambda request: error_views.csrf_failure(request), 403, "forbidden"),
        (lambda request: error_views.permission_denied(request), 403, "forbidden"),
        (lambda request: error_views.service_unavailable(request), 503, "unavailable"),
        (lambda request: error_views.bad_request(request), 400, "bad_request"),
        (lambda request: error_views.page_not_found(request), 404, "not_found"),
    ],
)
def test_each_error_view_answers_json_on_an_api_path_and_a_page_elsewhere(answer, status, code):
    factory = RequestFactory()
    _json_error(answer(factory.post("/api/v1/visa-inquiry")), status, code)
    page = answer(factory.post("/inquiry/"))
    assert page.status_code == status
    assert page["Content-Type"].startswith("text/html")


def test_the_cache_middlewares_503_is_json_on_the_api(settings):
    from musaned.core.cache import unavailable_response

    response = unavailable_response(RequestFactory().get("/api/v1/visa-inquiry"))
    _json_error(response, 503, "unavailable")
    assert int(response["Retry-After"]) > 0
    page = unavailable_response(RequestFactory().get("/inquiry/"))
    assert page["Content-Type"].startswith("text/html")


# --- Nesting depth -------------------------------------------------------------------


def _post_raw(client, path: str, body: str, language: str = "en"):
    return client.client.post(
        f"/api/v1{path}",
        data=body,
        content_type="application/json",
        **{**client.headers, "HTTP_ACCEPT_LANGUAGE": language},
    )


def test_a_body_nested_5000_levels_deep_is_a_400_not_a_500(citizen_api):
    deep = '{"category": ' * 5000 + '"office"' + "}" * 5000
    response = _post_raw(citizen_api, "/complaints", deep)
    body = _json_error(response, 400, "too_deep")
    assert body["message"] == f"The JSON is nested too deeply (at most {MAX_DEPTH} levels)."
    arabic = _json_error(_post_raw(citizen_api, "/complaints", deep, "ar"), 400, "too_deep")
    assert arabic["message"] == (
        f"بنية JSON متداخلة أكثر من المسموح به (الحد الأقصى {MAX_DEPTH} مستوى)."
    )


def test_the_depth_limit_is_the_documented_one(citizen_api):
    def nested(levels: int) -> str:
        return (
            json.dumps({"category": "office"})
            if levels == 1
            else ('{"subject": ' + nested(levels - 1) + "}")
        )

    refused = _post_raw(citizen_api, "/complaints", nested(MAX_DEPTH + 1))
    _json_error(refused, 400, "too_deep")
    # At the limit the body is parsed, and then refused for its shape (422), not its depth.
    accepted = _post_raw(citizen_api, "/complaints", nested(MAX_DEPTH))
    _json_error(accepted, 422, "invalid")


def test_the_public_inquiry_refuses_a_deep_body_too(api):
    deep = "[" * 1000 + "]" * 1000
    response = Client().post("/api/v1/visa-inquiry", data=deep, content_type="application/json")
    _json_error(response, 400, "too_deep")


@pytest.mark.parametrize(
    ("raised", "status", "code"),
    [
        (RuntimeError("a middleware failed"), 500, "server_error"),
        (OperationalError(), 503, "unavailable"),
    ],
)
def test_djangos_500_handler_answers_json_on_an_api_path(raised, status, code):
    # What Django calls when something outside the API's views fails (a middleware).
    request = RequestFactory().get("/api/v1/visa-applications")
    try:
        raise raised
    except Exception:
        response = error_views.server_error(request)
    _json_error(response, status, code)
    try:
        raise raised
    except Exception:
        page = error_views.server_error(RequestFactory().get("/services/"))
    assert page.status_code == status and page["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_a_mistyped_query_parameter_is_named_not_ignored(client, resident, token_for):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(resident, 'typo')}"}
    response = client.get("/api/v1/visa-applications?limt=5", HTTP_ACCEPT_LANGUAGE="en", **headers)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["fields"] == {"limt": ["This operation does not take this parameter."]}
    nameless = client.get("/api/v1/visa-applications?offset=0&=null", **headers)
    assert nameless.status_code == 422 and list(nameless.json()["fields"]) == ["query"]
    assert client.get("/api/v1/visa-applications?offset=0&limit=1", **headers).status_code == 200
