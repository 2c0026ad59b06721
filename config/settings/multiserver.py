"""Several-servers profile, for tests/multiserver/ and tests/faults/ only: production-like
(DEBUG off, Argon2, the same middleware, cached database sessions in Redis), served by
gunicorn on loopback, with what an automated client needs: the captcha's test mode and
SMS written to files it can read. Never used by a real site (production.py refuses the
captcha's test mode; this profile exists because the tests need it).

Everything that differs between two runs comes from the environment the test sets:
``DATABASE_URL``, ``REDIS_URL``, ``MUSANED_CACHE_PREFIX``, ``MUSANED_MEDIA_ROOT`` (shared by
the servers), ``SMS_FILE_PATH``, ``DJANGO_SECRET_KEY`` (the same for every server) and
the documented limits (``MUSANED_RATE_INQUIRY``, ``MUSANED_LOGIN_FAILURE_LIMIT``, …).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import CACHES, DATABASES, REDIS_URL

if not REDIS_URL or DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    raise ImproperlyConfigured(
        "config.settings.multiserver needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)."
    )
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or ""
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY (the same on every server) must be ≥ 50 chars.")
PAYMENT_WEBHOOK_SECRET = os.environ.get("PAYMENT_WEBHOOK_SECRET", "multiserver-only-secret")

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
CAPTCHA_TEST_MODE = True  # the fixed answer PASSED; tests only
SMS_BACKEND = "musaned.notifications.sms.backends.filebased.SmsBackend"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# A failed Redis call must answer at once, not after the 2 s of the production timeout.
CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": 1, "socket_timeout": 1}

# Persistent connections checked before use, as a production deployment runs them: a
# database restart must be survived without restarting gunicorn.
if not DATABASES["default"].get("OPTIONS", {}).get("pool"):
    # (With psycopg's pool, when base.py turns it on, the pool checks its connections.)
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Static files from the apps (no collectstatic in a temporary checkout).
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MUSANED_LOG_LEVEL", "WARNING")},
}
