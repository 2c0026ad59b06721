"""Benchmark profile: production-like (DEBUG off, Argon2 at its production cost, same
middleware) on PostgreSQL and Redis, loopback only, with the limits that would answer the
load instead of the code opened up, so the load measures speed, not the limiter. Used only
by the scripts in benchmarks/ (docs/performance.md lists every difference) — never by the
test suite or a site."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/musaned_bench_1m")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
os.environ.setdefault("MUSANED_CACHE_PREFIX", "musaned-bench")

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES

SECRET_KEY = "benchmark-only-insecure-key-" + "x" * 40
PAYMENT_WEBHOOK_SECRET = "benchmark-only-payment-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "benchmarks.urls"

# Every limit far above what one machine can send: the limiter still runs (its Redis
# counter is part of the cost of a request) but never answers 429.
MUSANED_RATE_INQUIRY = "1000000000/s"
MUSANED_RATE_REGISTRATION = "1000000000/s"
MUSANED_RATE_CODE_SEND = "1000000000/s"
MUSANED_RATE_PASSWORD_RESET = "1000000000/s"  # noqa: S105 (a rate, not a password)
# The same for the limits counted in the database: the 1,000 benchmark accounts file
# complaints and sign in far more often than a person may.
MUSANED_COMPLAINTS_PER_DAY = 10**9
MUSANED_CODES_PER_HOUR = 10**9
MUSANED_CODE_RESEND_SECONDS = 0

# The verification code answers "PASSED" (django-simple-captcha's test mode): the load
# tool cannot read images. The field still runs (a CaptchaStore lookup per POST, a new
# challenge row per page shown).
CAPTCHA_TEST_MODE = True

# The outside systems are stand-ins that cost nothing: texts are kept in memory, emails
# dropped. (A real SMS gateway or SMTP server is a network call after the commit.)
SMS_BACKEND = "musaned.notifications.sms.backends.locmem.SmsBackend"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

# Persistent connections, as a production deployment would run them.
DATABASES["default"]["CONN_MAX_AGE"] = 600
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Static files from the apps (no collectstatic needed; not on the measured paths).
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None

# Errors only: the expected 404s ("no such visa") would otherwise log a warning each,
# and the load would measure writes to the log file.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "level": "ERROR"}},
    "root": {"level": "ERROR", "handlers": ["console"]},
}
