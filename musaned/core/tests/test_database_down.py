"""The database out of reach: the probes answer at once, /readyz says 503 within its budget,
pages answer the translated 503 page and the API its JSON 503, each with Retry-After
(musaned/core/health.py, musaned/core/views.py). tests/faults/run_faults.py measures the
same against a real PostgreSQL it stops."""

import json
import re
import socket
import time
from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.test import Client

from musaned.core.tests.test_production import run_production

pytestmark = pytest.mark.django_db


class DatabaseDown:
    """Every query fails as a stopped PostgreSQL makes it fail; counts the attempts."""

    def __init__(self):
        self.attempts = 0

    def __call__(self, *args, **kwargs):
        self.attempts += 1
        raise OperationalError("connection to server at 10.0.0.5 failed: Connection refused")


@pytest.fixture
def database_down():
    down = DatabaseDown()
    with mock.patch.object(connections["default"], "cursor", side_effect=down):
        yield down


@pytest.fixture
def signed_in_client(abdullah, signed_in):
    return signed_in(abdullah, raise_request_exception=False)


def test_the_probes_answer_before_the_session_is_read(signed_in_client, database_down):
    # A signed-in session cookie used to make /healthz load the session and the user
    # (and then draw the error page): two pool timeouts, a 500.
    health = signed_in_client.get("/healthz")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert database_down.attempts == 0
    assert health["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in health.headers and "no-store" in health["Cache-Control"]
    ready = signed_in_client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": "failed", "cache": "ok"}
    assert database_down.attempts == 1  # the check itself, nothing else


def test_a_probe_from_an_unknown_host_is_still_refused(settings):
    settings.ALLOWED_HOSTS = ["musaned.example"]
    client = Client(raise_request_exception=False)
    assert client.get("/healthz", HTTP_HOST="attacker.example").status_code == 400
    assert client.get("/healthz", HTTP_HOST="musaned.example").status_code == 200


@pytest.mark.parametrize(
    ("path", "lang", "lead"),
    [
        ("/services/", "ar", "لا يمكننا الوصول إلى سجلاتنا الآن."),
        ("/en/services/", "en", "We cannot reach our records right now."),
    ],
)
def test_a_page_answers_the_translated_503_at_once(
    signed_in_client, database_down, path, lang, lead
):
    response = signed_in_client.get(path)
    text = response.content.decode()
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert f'lang="{lang}"' in text and lead in text
    assert re.search(r'dir="ltr">[0-9A-F]{10}<', text)  # the reference
    assert "Traceback" not in text and "10.0.0.5" not in text
    # One try: the page is drawn without asking the database again (a second pool wait).
    assert database_down.attempts == 1


def test_another_failure_on_a_page_is_still_the_500_page():
    with mock.patch("musaned.core.views.render", side_effect=RuntimeError("not the database")):
        response = Client(raise_request_exception=False).get("/en/contact/")
    assert response.status_code == 500 and "Retry-After" not in response
    assert "Sorry, something went wrong on our side" in response.content.decode()


# --- Under the production settings, against servers that never answer -----------------

PRODUCTION_PROBES = """
import json, time
import django; django.setup()
from django.test import Client
client = Client(HTTP_HOST="example.org", HTTP_X_FORWARDED_PROTO="https", raise_request_exception=False)
out = {}
for name, path, extra in [
    ("healthz", "/healthz", {}),
    ("healthz_cookie", "/healthz", {"HTTP_COOKIE": "__Host-sessionid=abcdefghijklmnopqrstuvwxyz0123"}),
    ("readyz", "/readyz", {}),
    ("api", "/api/v1/visa-applications", {"HTTP_AUTHORIZATION": "Bearer not-a-real-token-at-all"}),
]:
    started = time.monotonic()
    response = client.get(path, **extra)
    out[name] = {
        "seconds": time.monotonic() - started,
        "status": response.status_code,
        "type": response.get("Content-Type", ""),
        "retry_after": response.get("Retry-After"),
        "body": response.content.decode(),
    }
print(json.dumps(out))
"""


@pytest.fixture
def silent_servers():
    """Two loopback ports that accept TCP connections and never say a word: a database
    and a Redis that hang (the worst case; a stopped server refuses at once)."""
    sockets = []
    for _ in range(2):
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        sockets.append(server)
    yield [s.getsockname()[1] for s in sockets]
    for server in sockets:
        server.close()


def test_under_production_settings_probes_and_the_api_answer_within_their_budgets(
    silent_servers,
):
    database_port, redis_port = silent_servers
    started = time.monotonic()
    result = run_production(
        code=PRODUCTION_PROBES,
        env={
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{database_port}/test",
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        },
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert time.monotonic() - started < 60
    # Liveness: at once, with or without a session cookie.
    for name in ("healthz", "healthz_cookie"):
        assert out[name]["status"] == 200, out[name]
        assert out[name]["seconds"] < 0.1, out[name]
    # Readiness: 503 naming both checks, in under 2 s (1 s database, 0.5 s Redis).
    assert out["readyz"]["status"] == 503
    assert json.loads(out["readyz"]["body"])["checks"] == {
        "database": "failed",
        "cache": "failed",
    }
    assert out["readyz"]["seconds"] < 2, out["readyz"]
    # An API call: JSON 503 with Retry-After once the pool's 3 s are up, not a 500 page.
    api = out["api"]
    assert api["status"] == 503 and api["type"].startswith("application/json"), api
    assert json.loads(api["body"])["code"] == "unavailable"
    assert int(api["retry_after"]) > 0
    assert 2.5 < api["seconds"] < 5, api


class RegistryDown:
    """A registry adapter whose service does not answer (musaned/identity/registry.py)."""

    def lookup(self, national_id):
        from musaned.identity.registry import RegistryUnavailable

        raise RegistryUnavailable("Yakeen timed out")


def test_registration_while_the_registry_does_not_answer_is_a_translated_503(settings):
    settings.IDENTITY_REGISTRY_BACKEND = "musaned.core.tests.test_database_down.RegistryDown"
    client = Client(raise_request_exception=False)
    typed = {
        "id_type": "citizen",
        "national_id": "1000000008",
        "first_name": "محمد",
        "family_name": "العتيبي",
        "birth_date_hijri_day": "15",
        "birth_date_hijri_month": "7",
        "birth_date_hijri_year": "1405",
    }
    response = client.post("/register/identity/", typed)
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "لا يمكننا الوصول إلى سجلاتنا الآن." in response.content.decode()


def test_the_api_while_the_registry_does_not_answer_is_json_503(settings, abdullah, token_for):
    settings.IDENTITY_REGISTRY_BACKEND = "musaned.core.tests.test_database_down.RegistryDown"
    token = token_for(abdullah, "test")
    response = Client(raise_request_exception=False).get(
        "/api/v1/eligibility", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"
