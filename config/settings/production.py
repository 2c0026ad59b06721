"""Production profile: secrets have no defaults, and unsafe switches refuse to start.

PostgreSQL through Django's connection pool, Redis for the cache, cached-database
sessions, rate limits and lockout counters, WhiteNoise serving compressed, hashed static
files, JSON logs. Served by gunicorn (config/gunicorn.py). Every variable is in
docs/configuration.md; ``manage.py check --deploy`` passes without warnings unless a
local implementation of a port runs in a declared demonstration (musaned/core/ports.py).
"""

import os
import shutil
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR, CACHES, env_bool, env_list


def required(name: str) -> str:
    """An environment variable production cannot start without (no default, not empty)."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production (docs/configuration.md).")
    return value


SECRET_KEY = required("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters long.")
PAYMENT_WEBHOOK_SECRET = required("PAYMENT_WEBHOOK_SECRET")
if env_bool("MUSANED_CAPTCHA_TEST_MODE"):
    raise ImproperlyConfigured(
        "MUSANED_CAPTCHA_TEST_MODE is for automated browsers only and must not be set in production."
    )
CAPTCHA_TEST_MODE = False
# --- The verification code's spoken alternative (docs/decisions/0006) -------------------
# A code that cannot be heard shuts out whoever cannot read the image: no engine, no start.
if not shutil.which(MUSANED_SPEECH_ENGINE):  # noqa: F405
    raise ImproperlyConfigured(
        f"MUSANED_SPEECH_ENGINE: the speech engine {MUSANED_SPEECH_ENGINE!r} is not installed; "  # noqa: F405
        "the verification code's spoken alternative needs it (install Debian's espeak-ng, "
        "or set MUSANED_SPEECH_ENGINE to its path; docs/operations.md)."
    )
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list this site's host names.")

# --- Local implementations of the ports: only in a deployment that says it is a demo ---
# The SADAD simulator, the local registry, and SMS or email to the console, files or
# memory (musaned/core/ports.py) refuse to start unless MUSANED_DEMO_DEPLOYMENT=1; then
# every page carries the "demonstration" banner. CoreConfig.ready() repeats the check by
# class once the apps are loaded, so a subclass of a local implementation is refused too.
from musaned.core import ports  # noqa: E402 (no models: safe before django.setup())

MUSANED_DEMO_DEPLOYMENT = env_bool("MUSANED_DEMO_DEPLOYMENT")
MUSANED_REFUSE_LOCAL_IMPLEMENTATIONS = not MUSANED_DEMO_DEPLOYMENT
if MUSANED_REFUSE_LOCAL_IMPLEMENTATIONS:
    ports.refuse(ports.named_local_implementations(globals()))

# --- PostgreSQL with Django's connection pool (psycopg_pool) ---------------------------
# Each gunicorn worker keeps its own small pool; the pool replaces persistent connections
# (Django refuses CONN_MAX_AGE > 0 with a pool). Size it so that
# workers x MUSANED_DB_POOL_MAX_SIZE stays under PostgreSQL's max_connections.
DATABASES = {
    "default": dj_database_url.parse(
        required("DATABASE_URL"), conn_max_age=0, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "DATABASE_URL must be a PostgreSQL URL (postgres://…) in production: "
        "row locks, concurrency limits and the connection pool need it."
    )
DATABASES["default"].setdefault("OPTIONS", {})
# --- Timeouts while the database is out of reach (docs/configuration.md) ---------------
# A new connection to a database that does not answer fails in 2 s (libpq's minimum), not
# after the kernel's minutes (``?connect_timeout=`` in DATABASE_URL overrides it). A
# request waits at most MUSANED_DB_POOL_TIMEOUT (3 s) for a connection and then gets the
# translated 503 (JSON on the API) with Retry-After: long enough to ride out a restart or
# a fail-over of a few seconds, short enough that a sync worker is soon free again for
# other requests and the probes (/readyz waits 1 s at most, musaned/core/health.py).
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 2)
DATABASES["default"]["OPTIONS"]["pool"] = {
    "min_size": int(os.environ.get("MUSANED_DB_POOL_MIN_SIZE", 1)),
    "max_size": int(os.environ.get("MUSANED_DB_POOL_MAX_SIZE", 4)),
    # Seconds a request waits for a free connection before it fails.
    "timeout": float(os.environ.get("MUSANED_DB_POOL_TIMEOUT", 3)),
}
# CONN_HEALTH_CHECKS (above) makes the pool check a connection before lending it, so a
# database restart or fail-over costs no failed request.

# --- Redis: cache, cached-database sessions, rate limits, lockout counters --------------
# base.py builds CACHES from REDIS_URL (musaned/core/cache.py's RedisCache, with socket
# timeouts); production refuses the per-process local-memory cache, which would let each
# worker count its own rate limits and lockouts.
required("REDIS_URL")
if "redis" not in CACHES["default"]["BACKEND"].lower():
    raise ImproperlyConfigured("REDIS_URL did not give a Redis cache.")
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "default"
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_CACHE = "default"
RATELIMIT_USE_CACHE = "default"
SILENCED_SYSTEM_CHECKS = []

# --- Who the client is: no silent default behind a proxy -----------------------------
# Lockouts, rate limits and the audit trail count per client address. Behind a reverse
# proxy every request comes from the proxy's address unless the app is told how many
# proxies add to X-Forwarded-For; guessing either way is unsafe (0 behind a proxy: one
# attacker locks everyone out; 1 without a proxy: clients forge their address), so the
# deployment must say it, 0 included (docs/operations.md).
if not os.environ.get("MUSANED_TRUSTED_PROXY_COUNT", "").strip():
    raise ImproperlyConfigured(
        "MUSANED_TRUSTED_PROXY_COUNT must be set in production: the number of reverse "
        "proxies in front of gunicorn that add the client's address to X-Forwarded-For "
        "(1 for the nginx of docs/operations.md, 0 when clients reach gunicorn directly)."
    )

# --- HTTPS ------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("MUSANED_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The probes may reach a worker over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# "__Host-" cookies are sent only over HTTPS, only to this exact host and path "/":
# no subdomain can set or overwrite them (OWASP ASVS V3).
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

# --- Static files: collected, compressed and hashed; WhiteNoise serves them -------------
STATIC_ROOT = Path(os.environ.get("MUSANED_STATIC_ROOT", BASE_DIR / "staticfiles"))
WHITENOISE_USE_FINDERS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Logs: one JSON object per line on stderr, personal data masked ---------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "musaned.core.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MUSANED_LOG_LEVEL", "INFO")},
    # Django's own handlers (plain-text console when DEBUG, mail to ADMINS) are dropped:
    # its records reach the JSON handler through the root logger.
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
}
