"""Test profile: the database and cache still come from DATABASE_URL / REDIS_URL,
so CI runs the same suite on SQLite and on PostgreSQL + Redis."""

import os
import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403
from config.settings.base import CACHES, DATABASES

# Playwright's sync API runs an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SECRET_KEY = "test-only-key"  # noqa: S105
PAYMENT_WEBHOOK_SECRET = "test-only-payment-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SMS_BACKEND = "musaned.notifications.sms.backends.locmem.SmsBackend"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run when enqueued (i.e. on commit), so SMS are in the outbox once the
# transaction commits; tests of the database backend and its worker override TASKS.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# No site address: e-visas are drawn on download, not at every issue (the tests of the
# e-visa task set it).
MUSANED_SITE_URL = ""
CAPTCHA_TEST_MODE = True
MUSANED_VAR_TMP = tempfile.mkdtemp(prefix="musaned-test-")
MEDIA_ROOT = Path(MUSANED_VAR_TMP)
if "KEY_PREFIX" in CACHES["default"]:
    # Each test run gets its own key space in a shared Redis.
    CACHES["default"]["KEY_PREFIX"] = f"musaned-test-{os.getpid()}"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # static files come from the apps (WhiteNoise finders); no collectstatic

if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # Each run its own test database, so two suites on one PostgreSQL never meet
    # (pytest-xdist adds its worker suffix to this name).
    DATABASES["default"]["TEST"] = {"NAME": f"test_musaned_{os.getpid()}"}
