"""The production profile (config/settings/production.py), the probes, request ids and
JSON logs with personal data masked (musaned/core/logging.py, musaned/core/health.py)."""

import contextlib
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.test import override_settings

from musaned.core.logging import JsonFormatter, mask_personal_data

BASE_DIR = Path(__file__).resolve().parents[3]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "production-test-key-" + "q7R-xZ" * 8,
    "PAYMENT_WEBHOOK_SECRET": "production-test-webhook-secret",
    "DJANGO_ALLOWED_HOSTS": "example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "MUSANED_TRUSTED_PROXY_COUNT": "1",
}
# Nothing from the environment the suite runs in may leak into the profile under test.
_PROFILE_PREFIXES = ("DJANGO_", "MUSANED_", "DATABASE_URL", "REDIS_URL", "PAYMENT_", "GUNICORN_")
# The real adapters of the ports, stood for by test adapters that are not local
# implementations (musaned/core/ports.py): the profile under test is not a demonstration.
# test_demo_deployment.py starts it with the local ones.
REAL_ADAPTERS = {
    "PAYMENT_GATEWAY_BACKEND": "musaned.payments.tests.fakes.RealProviderGateway",
    "IDENTITY_REGISTRY_BACKEND": "musaned.identity.tests.fakes.RemoteRegistry",
    "SMS_BACKEND": "musaned.notifications.tests.fakes.GatewaySmsBackend",
    "EMAIL_BACKEND": "smtp",
}
PRODUCTION_ENV.update(REAL_ADAPTERS)
_PROFILE_PREFIXES = (*_PROFILE_PREFIXES, "SMS_", "EMAIL_", "IDENTITY_")


@contextlib.contextmanager
def json_log(name: str):
    """The JSON lines written to logger ``name`` while the block runs, formatted as they
    are emitted (in the request, as in production)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger(name)
    logger.addHandler(handler)
    lines: list[dict] = []
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        lines.extend(json.loads(line) for line in stream.getvalue().splitlines())


def run_production(*args: str, env: dict[str, str | None] | None = None, code: str = ""):
    """Run Python (``-c code``) or manage.py (``args``) under the production profile."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(_PROFILE_PREFIXES)}
    environment.update(PRODUCTION_ENV)
    for name, value in (env or {}).items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    return subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        command, cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120
    )


# --- The profile -----------------------------------------------------------------------


def test_check_deploy_passes_without_warnings():
    # No database or Redis connection is needed: the URLs above need not answer.
    result = run_production("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "too-short"}, "DJANGO_SECRET_KEY"),
        ({"PAYMENT_WEBHOOK_SECRET": None}, "PAYMENT_WEBHOOK_SECRET"),
        ({"PAYMENT_WEBHOOK_SECRET": " "}, "PAYMENT_WEBHOOK_SECRET"),
        ({"DJANGO_ALLOWED_HOSTS": None}, "DJANGO_ALLOWED_HOSTS"),
        ({"DATABASE_URL": None}, "DATABASE_URL"),
        ({"DATABASE_URL": "sqlite:////tmp/musaned.sqlite3"}, "PostgreSQL"),
        ({"REDIS_URL": None}, "REDIS_URL"),
        ({"MUSANED_CAPTCHA_TEST_MODE": "1"}, "MUSANED_CAPTCHA_TEST_MODE"),
        ({"MUSANED_TRUSTED_PROXY_COUNT": None}, "MUSANED_TRUSTED_PROXY_COUNT"),
        ({"MUSANED_TRUSTED_PROXY_COUNT": " "}, "MUSANED_TRUSTED_PROXY_COUNT"),
        ({"MUSANED_TRUSTED_PROXY_COUNT": "one"}, "MUSANED_TRUSTED_PROXY_COUNT"),
        ({"MUSANED_TRUSTED_PROXY_COUNT": "-1"}, "MUSANED_TRUSTED_PROXY_COUNT"),
    ],
)
def test_production_refuses_to_start_without_what_it_needs(env, complaint):
    result = run_production(env=env, code="import django; django.setup()")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert complaint in result.stderr.strip().splitlines()[-1]


def test_production_starts_with_everything_set():
    code = """
import django; django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "conn_max_age": db["CONN_MAX_AGE"], "pool": db["OPTIONS"]["pool"],
    "health": db["CONN_HEALTH_CHECKS"], "cache": settings.CACHES["default"]["BACKEND"],
    "session": settings.SESSION_ENGINE, "axes": [settings.AXES_HANDLER, settings.AXES_CACHE],
    "ratelimit": settings.RATELIMIT_USE_CACHE, "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "debug": settings.DEBUG, "middleware": settings.MIDDLEWARE[0],
}))
"""
    result = run_production(code="import json\n" + code)
    assert result.returncode == 0, result.stderr
    profile = json.loads(result.stdout)
    assert profile["engine"] == "django.db.backends.postgresql"
    # Django's pool needs CONN_MAX_AGE = 0; health checks make it test connections it lends.
    assert profile["conn_max_age"] == 0 and profile["health"] is True
    assert {"min_size", "max_size", "timeout"} <= set(profile["pool"])
    assert "RedisCache" in profile["cache"]
    assert profile["session"] == "django.contrib.sessions.backends.cached_db"
    # Lockouts and rate limits count in the shared (Redis) cache.
    assert profile["axes"] == ["axes.handlers.cache.AxesCacheHandler", "default"]
    assert profile["ratelimit"] == "default"
    assert profile["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert profile["debug"] is False
    assert profile["middleware"] == "musaned.core.logging.RequestIdMiddleware"


def test_collectstatic_writes_compressed_hashed_files(tmp_path):
    static_root = tmp_path / "static"
    result = run_production(
        "collectstatic", "--no-input", "-v", "0", env={"MUSANED_STATIC_ROOT": str(static_root)}
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    hashed_css = manifest["core/musaned.css"]
    assert hashed_css != "core/musaned.css"
    assert (static_root / hashed_css).is_file()
    assert (static_root / f"{hashed_css}.gz").is_file()


def test_probes_under_production_settings_with_database_and_redis_down():
    code = """
import django; django.setup()
from django.test import Client
client = Client(HTTP_HOST="example.org")
for url in ("/healthz", "/readyz", "/"):
    response = client.get(url)
    print(url, response.status_code, response.content.decode(), response.get("Location", ""))
"""
    result = run_production(
        code=code,
        env={
            "DATABASE_URL": "postgres://postgres:do-not-show@127.0.0.1:1/test",
            "REDIS_URL": "redis://127.0.0.1:1/0",
            "MUSANED_DB_POOL_TIMEOUT": "1",
        },
    )
    assert result.returncode == 0, result.stderr
    healthz, readyz, home = result.stdout.strip().splitlines()
    # Plain HTTP is fine for the probes (the load balancer's own checks); pages redirect.
    assert healthz == '/healthz 200 {"status": "ok"} '
    assert readyz.startswith("/readyz 503 ")
    body = json.loads(readyz.split(" ", 2)[2])
    assert body == {"status": "unavailable", "checks": {"database": "failed", "cache": "failed"}}
    assert home.startswith("/ 301 ") and home.endswith("https://example.org/")
    # The reasons are in the JSON log, without the database password.
    log = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    failures = [line["message"] for line in log if line["logger"] == "musaned.health"]
    assert len(failures) == 2
    assert "do-not-show" not in result.stdout + result.stderr


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres")
    or not os.environ.get("REDIS_URL"),
    reason="needs the PostgreSQL and Redis of the CI's second pass",
)
def test_readyz_under_production_settings_on_postgresql_and_redis():
    code = """
import json
import django; django.setup()
from django.db import connection
from django.test import Client
response = Client(HTTP_HOST="example.org").get("/readyz", secure=True)
print(json.dumps([response.status_code, response.json(), connection.pool is not None]))
"""
    result = run_production(
        code=code,
        env={
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "REDIS_URL": os.environ["REDIS_URL"],
            "MUSANED_CACHE_PREFIX": f"musaned-test-{os.getpid()}",
        },
    )
    assert result.returncode == 0, result.stderr
    status, body, pooled = json.loads(result.stdout)
    assert (status, body) == (200, {"status": "ok", "checks": {"database": "ok", "cache": "ok"}})
    assert pooled  # through Django's connection pool


# --- The probes ------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert "Set-Cookie" not in response.headers


@pytest.mark.django_db
def test_readyz_checks_the_database_and_the_cache(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-store" in response["Cache-Control"]
    assert client.head("/readyz").status_code == 200
    assert client.post("/readyz").status_code in (403, 405)


@pytest.mark.django_db
@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
)
def test_readyz_is_503_when_the_cache_is_out_of_reach(client):
    with json_log("musaned.health") as lines:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "cache": "failed"},
    }
    assert "Traceback" not in response.text and "6379" not in response.text
    # The log line says why, under the request's id.
    (line,) = lines
    assert line["message"].startswith("readiness check cache failed: ConnectionError")
    assert line["level"] == "WARNING"
    assert line["request_id"] == response["X-Request-ID"]
    assert line["path"] == "/readyz" and line["method"] == "GET"


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_is_out_of_reach(client):
    database = connections["default"]
    with mock.patch.object(database, "cursor", side_effect=OperationalError("db down at 10.0.0.5")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "failed", "cache": "ok"}
    assert "10.0.0.5" not in response.text


# --- Request ids ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_answer_carries_a_new_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


@pytest.mark.django_db
@override_settings(MUSANED_TRUST_REQUEST_ID=True)
def test_a_safe_request_id_from_the_trusted_proxy_is_kept(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a9c2e-0001"})
    assert response["X-Request-ID"] == "lb-7f3a9c2e-0001"


@pytest.mark.django_db
@override_settings(MUSANED_TRUST_REQUEST_ID=True)
@pytest.mark.parametrize(
    "incoming",
    [
        "short",  # fewer than 8
        "x" * 65,  # more than 64
        "abc def-123456",  # a space
        'abcdefgh"}{"level": "CRITICAL',  # an attempt to forge a log line
        "abcdefgh\n12345678",
        "١٢٣٤٥٦٧٨٩٠",  # not ASCII
    ],
)
def test_an_unsafe_request_id_is_replaced(client, incoming):
    response = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_a_request_id_from_outside_is_ignored_unless_the_proxy_is_trusted(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a9c2e-0001"})
    assert response["X-Request-ID"] != "lb-7f3a9c2e-0001"


@pytest.mark.django_db
def test_django_logs_a_404_under_the_request_id_with_the_path_masked(client):
    with json_log("django.request") as lines:
        response = client.get("/no-such-page/1000000008/")
    assert response.status_code == 404
    (line,) = lines
    assert line["request_id"] == response["X-Request-ID"]
    assert line["status"] == 404
    assert line["method"] == "GET"
    assert line["path"] == "/no-such-page/1*******08/"
    assert "1000000008" not in json.dumps(line)


# --- JSON lines and masking ---------------------------------------------------------------


def _format(message: str, *args, **extra) -> dict:
    record = logging.getLogger("musaned.test").makeRecord(
        "musaned.test", logging.INFO, __file__, 1, message, args, None, extra=extra
    )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    return json.loads(line)


def test_a_json_line_has_the_documented_fields():
    line = _format("hello %s", "world")
    assert line["message"] == "hello world"
    assert line["level"] == "INFO"
    assert line["logger"] == "musaned.test"
    assert line["time"].endswith("Z") and "T" in line["time"]


def test_personal_data_in_the_message_is_masked():
    line = _format(
        "citizen %s resident %s mobile %s and %s email %s",
        "1000000008",
        "2000000006",
        "+966500000005",
        "0551234567",
        "fatimah.alharbi@example.com",
    )
    assert line["message"] == (
        "citizen 1*******08 resident 2*******06 mobile +9665******05 and 05******67 "
        "email f***@example.com"
    )


def test_personal_data_in_extra_fields_is_masked_and_secrets_dropped():
    line = _format(
        "sign-in",
        national_id="1000000008",
        contact={"mobile": "966512345678", "email": "a.b@musaned.sa", "emails": ["x@y.org"]},
        password="Quiet-harbour-lanterns-42",
        code="123456",
        one_time_code="654321",
        status_code=200,
        attempts=3,
    )
    assert line["national_id"] == "1*******08"
    assert line["contact"] == {
        "mobile": "9665******78",
        "email": "a***@musaned.sa",
        "emails": ["x***@y.org"],
    }
    assert line["password"] == line["code"] == line["one_time_code"] == "[redacted]"
    assert line["status"] == 200 and line["attempts"] == 3
    assert "Quiet-harbour" not in json.dumps(line)


def test_exception_text_is_masked():
    try:
        raise ValueError("duplicate key (national_id)=(1000000008)")
    except ValueError:
        record = logging.getLogger("musaned.test").makeRecord(
            "musaned.test", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    line = json.loads(JsonFormatter().format(record))
    assert "Traceback" in line["exception"]
    assert "1*******08" in line["exception"] and "1000000008" not in line["exception"]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("١٠٠٠٠٠٠٠٠٨", "١*******٠٨"),  # Arabic-Indic digits, as typed
        ("id=1000000008&x=1", "id=1*******08&x=1"),
        ('{"mobile": "00966500000005"}', '{"mobile": "009665******05"}'),
        ("password=hunter2 next", "password=[redacted] next"),
        ("token: 'abc def'", "token: [redacted]"),
        # Not personal data: other lengths, other first digits, digits inside a hash.
        ("complaint 712345678901", "complaint 712345678901"),
        ("visa 9000000008", "visa 9000000008"),
        ("session 3fa1000000008be", "session 3fa1000000008be"),
        ("HTTP status code: 404", "HTTP status code: 404"),
    ],
)
def test_masking_rules(text, masked):
    assert mask_personal_data(text) == masked
