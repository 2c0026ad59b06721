"""Development and demo profile: the one-command run (SQLite, local cache, SMS to files)."""

from config.settings.base import *  # noqa: F403
from config.settings.base import (
    EMAIL_BACKEND_ALIASES,
    SMS_BACKEND_ALIASES,
    VAR_DIR,
    backend_from_env,
    env_bool,
)

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"  # noqa: F405
PAYMENT_WEBHOOK_SECRET = PAYMENT_WEBHOOK_SECRET or "dev-only-payment-secret"  # noqa: F405
SMS_BACKEND = backend_from_env("SMS_BACKEND", SMS_BACKEND_ALIASES, "file")
EMAIL_BACKEND = backend_from_env("EMAIL_BACKEND", EMAIL_BACKEND_ALIASES, "file")
VAR_DIR.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # static files come from the apps (WhiteNoise finders); no collectstatic
# The simulator, the local registry and SMS to files: a demonstration, and every page says so.
MUSANED_DEMO_DEPLOYMENT = env_bool("MUSANED_DEMO_DEPLOYMENT", True)
