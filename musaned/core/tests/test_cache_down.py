"""Redis out of reach (musaned/core/cache.py): pages still render, sign-in and code sending
fail closed with the translated 503, and no error page needs the database to be drawn.

The "dead" cache is the project's Redis backend pointed at a closed loopback port, so
every call really fails to connect. tests/faults/run_faults.py does the same against a
real Redis it stops.
"""

import os
import re
import secrets

import pytest
from django.core.cache import caches
from django.db import OperationalError
from django.test import Client
from django.utils.functional import SimpleLazyObject

from musaned.accounts.models import OneTimeCode
from musaned.accounts.tests.factories import CAPTCHA, PASSWORD
from musaned.core.cache import CacheUnavailable, cache_available
from musaned.core.views import server_error
from musaned.notifications import sms

pytestmark = pytest.mark.django_db

DEAD_CACHE = {
    "default": {
        "BACKEND": "musaned.core.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there: connection refused
        "KEY_PREFIX": "cache-down",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}
ARABIC_TITLE = "الخدمة متوقفة مؤقتًا"
ENGLISH_TITLE = "This service is paused for a moment"


@pytest.fixture
def kill_cache(settings):
    """Call it to make the shared cache unreachable from then on."""

    def kill():
        settings.CACHES = DEAD_CACHE
        return caches["default"]

    return kill


def _is_503_page(response, title: str, lang: str) -> bool:
    text = response.content.decode()
    return (
        response.status_code == 503
        and int(response["Retry-After"]) > 0
        and f'lang="{lang}"' in text
        and title in text
        and re.search(r'dir="ltr">[0-9A-F]{10}<', text) is not None  # the reference
        and "Traceback" not in text
    )


def test_reads_become_misses_and_copies_are_skipped(kill_cache):
    cache = kill_cache()
    assert cache.get("k", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert not cache.has_key("k")
    assert "k" not in cache
    cache.set("k", 1)
    assert cache.set_many({"a": 1}) == ["a"]
    assert cache.touch("k") is False
    assert cache.ping() is False
    assert cache_available() is False


@pytest.mark.parametrize(
    "operation",
    [
        lambda c: c.add("k", 1),
        lambda c: c.incr("k"),
        lambda c: c.decr("k"),
        lambda c: c.delete("k"),
        lambda c: c.delete_many(["k"]),
        lambda c: c.get_or_set("k", 1),
        lambda c: c.clear(),
    ],
    ids=["add", "incr", "decr", "delete", "delete_many", "get_or_set", "clear"],
)
def test_counters_and_forgetting_fail_closed(kill_cache, operation):
    cache = kill_cache()
    with pytest.raises(CacheUnavailable):
        operation(cache)


def test_pages_render_without_the_cache(client, kill_cache):
    kill_cache()
    for path in ("/", "/en/", "/contact/", "/privacy/", "/inquiry/", "/login/", "/en/login/"):
        response = client.get(path)
        assert response.status_code == 200, path


def test_a_signed_in_page_renders_from_the_database(client, abdullah, kill_cache):
    client.force_login(abdullah)  # while the cache was up
    kill_cache()
    response = client.get("/services/")
    assert response.status_code == 200
    assert 'action="/logout/"' in response.content.decode()


def test_sign_in_answers_the_translated_503_and_sends_nothing(client, abdullah, kill_cache):
    kill_cache()
    arabic = client.post("/login/", {"username": "abdullah", "password": PASSWORD, **CAPTCHA})
    assert _is_503_page(arabic, ARABIC_TITLE, "ar")
    english = client.post("/en/login/", {"username": "abdullah", "password": PASSWORD, **CAPTCHA})
    assert _is_503_page(english, ENGLISH_TITLE, "en")
    assert not OneTimeCode.objects.exists()
    assert sms.outbox == []


@pytest.mark.django_db(transaction=True)
def test_the_code_step_fails_closed_too(client, abdullah, kill_cache):
    started = client.post("/login/", {"username": "abdullah", "password": PASSWORD, **CAPTCHA})
    assert started.status_code == 302 and started["Location"] == "/login/code/"
    code = re.search(r"\b([0-9]{6})\b", sms.outbox[-1].body).group(1)
    kill_cache()
    response = client.post("/login/code/", {"code": code})
    assert _is_503_page(response, ARABIC_TITLE, "ar")
    assert OneTimeCode.objects.get().used_at is None
    assert "_auth_user_id" not in client.session


def test_code_sending_and_the_inquiry_limit_fail_closed(client, kill_cache):
    kill_cache()
    resend = client.post("/login/code/resend/")
    assert _is_503_page(resend, ARABIC_TITLE, "ar")
    forgot = client.post("/en/password/forgot/", {"national_id": "1000000040", **CAPTCHA})
    assert _is_503_page(forgot, ENGLISH_TITLE, "en")
    inquiry = client.post(
        "/inquiry/", {"issued_number": "1234567890", "national_id": "1000000008", **CAPTCHA}
    )
    assert _is_503_page(inquiry, ARABIC_TITLE, "ar")


def test_the_api_answers_a_json_503(kill_cache):
    kill_cache()
    response = Client().post(
        "/api/v1/visa-inquiry",
        {"issued_number": "1234567890", "national_id": "1000000008"},
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    assert response.status_code == 503
    assert response["Retry-After"]
    body = response.json()
    assert body["code"] == "unavailable" and body["fields"] == {}
    assert "paused" in body["message"]


def test_the_error_page_is_drawn_when_the_database_is_down(rf):
    def database_down():
        raise OperationalError("connection refused")

    request = rf.get("/complaints/")
    request.user = SimpleLazyObject(database_down)  # the signed-in header reads the user
    response = server_error(request)
    text = response.content.decode()
    assert response.status_code == 500
    assert 'class="site-header"' in text
    assert re.search(r'dir="ltr">[0-9A-F]{10}<', text)
    assert "Traceback" not in text and "connection refused" not in text


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a real Redis (REDIS_URL)")
def test_with_redis_up_the_backend_is_django_s(settings):
    settings.CACHES = {
        "default": {
            **DEAD_CACHE["default"],
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"cache-down-live-{secrets.token_hex(4)}",
        }
    }
    cache = caches["default"]
    assert cache.ping() and cache_available()
    assert cache.add("n", 1, 30) and not cache.add("n", 5, 30)
    assert cache.incr("n") == 2 and cache.get("n") == 2
    cache.delete("n")
    assert cache.get("n") is None
