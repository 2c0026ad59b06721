"""The profile of the app servers that tests/proxy/ puts behind nginx: production-like
(DEBUG off, the same middleware, the client address read as production reads it, from
``MUSANED_TRUSTED_PROXY_COUNT``), with what an automated client needs (the captcha's test
answer, SMS written to files, tasks run in the request). Never used by a real site.

SQLite and the local-memory cache by default (then the server has one worker, so the
counters are one process's); PostgreSQL and Redis when the environment names them, as
CI's second pass does. Everything that differs between runs comes from the environment
the test sets (docs/configuration.md).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import CACHES, DATABASES

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or ""
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters long.")
PAYMENT_WEBHOOK_SECRET = "proxy-test-only-secret"

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
CAPTCHA_TEST_MODE = True  # the fixed answer PASSED; tests only
SMS_BACKEND = "musaned.notifications.sms.backends.filebased.SmsBackend"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Sign-in is what these tests do many times over: a fast hasher (the hasher is not what
# they are about).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if "OPTIONS" in CACHES["default"]:
    CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": 1, "socket_timeout": 1}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 60

WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MUSANED_LOG_LEVEL", "WARNING")},
}
