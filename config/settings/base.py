"""Settings shared by every profile. Every value that differs between machines
comes from an environment variable, listed in docs/configuration.md."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("MUSANED_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def backend_from_env(name: str, aliases: dict[str, str], default: str) -> str:
    """A backend named by a short alias ("file") or by its dotted path."""
    value = os.environ.get(name, default)
    return aliases.get(value, value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "captcha",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "musaned.core",
    "musaned.identity",
    "musaned.notifications",
    "musaned.accounts",
    "musaned.payments",
    "musaned.visas",
    "musaned.api",
    "musaned.complaints",
    "musaned.offices",
    "musaned.recruitment",
    "musaned.backoffice",
    "musaned.demo",
]

MIDDLEWARE = [
    "musaned.core.logging.RequestIdMiddleware",
    # /healthz and /readyz answered before anything that could wait on the database or
    # the cache (musaned/core/health.py).
    "musaned.core.health.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "musaned.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "musaned.api.middleware.ApiLanguageMiddleware",
    # A NUL byte (or another character no database stores) anywhere in the request: a
    # translated 400 before any lookup (musaned/core/input_guard.py).
    "musaned.core.input_guard.InputGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "musaned.core.middleware.NoStoreForSignedInMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "musaned.core.cache.CacheUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

FORM_RENDERER = "musaned.core.forms.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "musaned.core.context_processors.platform",
            ],
        },
    },
]

# --- Database: SQLite by default, PostgreSQL when DATABASE_URL is set -------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'musaned.sqlite3'}"),
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: local memory by default, Redis when REDIS_URL is set ------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache that keeps pages up and counters closed when Redis is
            # out of reach (musaned/core/cache.py); a dead Redis must not hang a request.
            "BACKEND": "musaned.core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("MUSANED_CACHE_PREFIX", "musaned"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts and passwords --------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "musaned.accounts.backends.UsernameOrNationalIdBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {
            "user_attributes": ("username", "first_name", "last_name", "email", "national_id")
        },
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "musaned.accounts.passwords.MaximumLengthValidator"},
    {"NAME": "musaned.accounts.passwords.NotTheNationalIdValidator"},
    {"NAME": "musaned.accounts.passwords.NotOnlySpacesValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:hub"
LOGOUT_REDIRECT_URL = "core:home"

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = int(os.environ.get("MUSANED_SESSION_ABSOLUTE_SECONDS", 8 * 3600))
MUSANED_SESSION_IDLE_SECONDS = int(os.environ.get("MUSANED_SESSION_IDLE_SECONDS", 30 * 60))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "musaned.core.views.csrf_failure"

# --- django-axes: lockout per (account, client) in the shared cache --------
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("MUSANED_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = float(os.environ.get("MUSANED_LOCKOUT_HOURS", 0.5))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "musaned.accounts.backends.axes_account_key"
AXES_LOCKOUT_CALLABLE = "musaned.accounts.views.login.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False


def trusted_proxy_count(value: str | None) -> int:
    """``MUSANED_TRUSTED_PROXY_COUNT``: a whole number, 0 or more (empty or unset: 0)."""
    value = (value or "").strip()
    if not value:
        return 0
    if not value.isascii() or not value.isdigit():
        raise ImproperlyConfigured(
            "MUSANED_TRUSTED_PROXY_COUNT must be a whole number: how many reverse proxies "
            f"in front of the app add to X-Forwarded-For (0 for none), not {value!r}."
        )
    return int(value)


# Who the client is: the connection's address, or behind N trusted reverse proxies the
# address the first of them saw (musaned/core/audit.py, client_ip). django-ipware is not
# installed, so axes' own AXES_IPWARE_* settings would do nothing: axes asks client_ip,
# like the rate limits and the audit trail. Production requires the variable to be set.
MUSANED_TRUSTED_PROXY_COUNT = trusted_proxy_count(os.environ.get("MUSANED_TRUSTED_PROXY_COUNT"))
AXES_CLIENT_IP_CALLABLE = "musaned.core.audit.client_ip"
# Password spraying: failed sign-ins from one client address, whatever the accounts, in a
# window; past it that client's sign-ins answer 429 until the window ends.
MUSANED_LOGIN_FAILURES_PER_CLIENT = os.environ.get("MUSANED_LOGIN_FAILURES_PER_CLIENT", "20/h")
MUSANED_CAPTCHA_AFTER_FAILURES = 3
# Keep the proxy's X-Request-ID (when it looks safe) instead of making one (musaned/core/logging.py).
MUSANED_TRUST_REQUEST_ID = env_bool("MUSANED_TRUST_REQUEST_ID")

# --- Captcha (the seed's "visual verification code") ------------------------
CAPTCHA_TEST_MODE = env_bool("MUSANED_CAPTCHA_TEST_MODE")
CAPTCHA_LENGTH = 5
CAPTCHA_TIMEOUT = 10
CAPTCHA_FONT_SIZE = 30
CAPTCHA_IMAGE_SIZE = (160, 54)
CAPTCHA_LETTER_ROTATION = (-25, 25)
CAPTCHA_CHALLENGE_FUNCT = "musaned.core.captcha.digits_challenge"
# The fixed answer that test mode accepts (django-simple-captcha's own rule).
MUSANED_CAPTCHA_TEST_ANSWER = "PASSED"
# The code spoken aloud, the image's accessible alternative (musaned/core/speech.py,
# docs/decisions/0006): the speech engine's name on PATH or its full path. Production
# refuses to start without it; elsewhere the listening button is hidden.
MUSANED_SPEECH_ENGINE = os.environ.get("MUSANED_SPEECH_ENGINE", "espeak-ng").strip()
# Spoken codes per client address (each one runs the engine once per digit).
MUSANED_RATE_CAPTCHA_AUDIO = os.environ.get("MUSANED_RATE_CAPTCHA_AUDIO", "60/10m")

# --- Rate limits (django-ratelimit), documented in docs/configuration.md ----
RATELIMIT_VIEW = "musaned.core.views.rate_limited"
MUSANED_RATE_REGISTRATION = os.environ.get("MUSANED_RATE_REGISTRATION", "20/h")
# "This username / email is taken" answers of the registration wizard per client address.
MUSANED_RATE_TAKEN_ANSWERS = os.environ.get("MUSANED_RATE_TAKEN_ANSWERS", "10/h")
MUSANED_RATE_CODE_SEND = os.environ.get("MUSANED_RATE_CODE_SEND", "5/h")
MUSANED_RATE_PASSWORD_RESET = os.environ.get("MUSANED_RATE_PASSWORD_RESET", "10/h")
MUSANED_RATE_INQUIRY = os.environ.get("MUSANED_RATE_INQUIRY", "30/10m")
# Complaints one account may file in 24 hours (counted in the database: web and API alike).
MUSANED_COMPLAINTS_PER_DAY = int(os.environ.get("MUSANED_COMPLAINTS_PER_DAY", 10))

# Recruitment offices (docs/offices.md): how long an invitation to work for an office
# waits for its answer, and how many offices a directory page lists.
MUSANED_OFFICE_INVITATION_DAYS = int(os.environ.get("MUSANED_OFFICE_INVITATION_DAYS", 7))
MUSANED_OFFICES_PER_PAGE = int(os.environ.get("MUSANED_OFFICES_PER_PAGE", 20))

MUSANED_CODE_RESEND_SECONDS = int(os.environ.get("MUSANED_CODE_RESEND_SECONDS", 60))
MUSANED_CODE_TTL_SECONDS = 600
MUSANED_CODE_MAX_ATTEMPTS = 5
MUSANED_CODES_PER_HOUR = int(os.environ.get("MUSANED_CODES_PER_HOUR", 5))

# --- Outside systems are ports (docs/ARCHITECTURE.md) -----------------------
SMS_BACKEND_ALIASES = {
    "console": "musaned.notifications.sms.backends.console.SmsBackend",
    "file": "musaned.notifications.sms.backends.filebased.SmsBackend",
    "locmem": "musaned.notifications.sms.backends.locmem.SmsBackend",
}
SMS_BACKEND = backend_from_env("SMS_BACKEND", SMS_BACKEND_ALIASES, "console")
SMS_FILE_PATH = Path(os.environ.get("SMS_FILE_PATH", VAR_DIR / "sms"))
EMAIL_BACKEND_ALIASES = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
EMAIL_BACKEND = backend_from_env("EMAIL_BACKEND", EMAIL_BACKEND_ALIASES, "console")
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "email"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
# The defaults are on "musaned.example": reserved (RFC 2606), so nothing sent there can
# reach a stranger, and plainly a placeholder; a deployment sets its own addresses.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@musaned.example")
PAYMENT_GATEWAY_BACKEND = os.environ.get(
    "PAYMENT_GATEWAY_BACKEND", "musaned.payments.gateway.LocalSadadGateway"
)
# Shared secret of the payment provider's signed callbacks (HMAC-SHA256).
PAYMENT_WEBHOOK_SECRET = os.environ.get("PAYMENT_WEBHOOK_SECRET", "")
# Where the local simulator sends its callbacks; empty = MUSANED_SITE_URL's
# /payments/callback/ (never a host taken from a request).
PAYMENT_CALLBACK_URL = os.environ.get("PAYMENT_CALLBACK_URL", "")
MEDIA_ROOT = Path(os.environ.get("MUSANED_MEDIA_ROOT", VAR_DIR / "media"))
MUSANED_MAX_UPLOAD_BYTES = int(os.environ.get("MUSANED_MAX_UPLOAD_BYTES", 5 * 1024 * 1024))

# --- Uploads that cannot hurt (issue 10, decision 0008; musaned/core/uploads.py) ------
# A PDF is parsed: more pages than this, or more bytes than this once its streams are
# unpacked, is refused (and so is one that is encrypted, runs scripts, launches or embeds).
MUSANED_PDF_MAX_PAGES = int(os.environ.get("MUSANED_PDF_MAX_PAGES", 50))
MUSANED_PDF_MAX_UNPACKED_BYTES = int(
    os.environ.get("MUSANED_PDF_MAX_UNPACKED_BYTES", 50 * 1024 * 1024)
)
# A JPG or PNG is decoded (at most this many pixels) and stored as a fresh file we write.
MUSANED_IMAGE_MAX_PIXELS = int(os.environ.get("MUSANED_IMAGE_MAX_PIXELS", 40_000_000))
# The virus scanner (musaned/core/scanning.py): "none" (off) unless a clamd socket is set.
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")
CLAMD_HOST = os.environ.get("CLAMD_HOST", "")
CLAMD_PORT = int(os.environ.get("CLAMD_PORT", 3310))
CLAMD_TIMEOUT = float(os.environ.get("CLAMD_TIMEOUT", 10))
UPLOAD_SCANNER_BACKEND_ALIASES = {
    "none": "musaned.core.scanning.NoScanner",
    "clamd": "musaned.core.scanning.ClamdScanner",
}
UPLOAD_SCANNER_BACKEND = backend_from_env(
    "UPLOAD_SCANNER_BACKEND",
    UPLOAD_SCANNER_BACKEND_ALIASES,
    "clamd" if CLAMD_SOCKET or CLAMD_HOST else "none",
)
# Per account: drafts at once, and new requests started in 24 hours (web and API alike).
MUSANED_MAX_DRAFTS_PER_ACCOUNT = int(os.environ.get("MUSANED_MAX_DRAFTS_PER_ACCOUNT", 5))
MUSANED_NEW_REQUESTS_PER_DAY = int(os.environ.get("MUSANED_NEW_REQUESTS_PER_DAY", 20))
IDENTITY_REGISTRY_BACKEND = os.environ.get(
    "IDENTITY_REGISTRY_BACKEND", "musaned.identity.registry.LocalRegistry"
)

# --- A demonstration says so (musaned/core/ports.py) ----------------------------------
# On: every page carries the "demonstration, no real payments" banner. Production refuses
# the local implementations above unless it is on; dev.py turns it on by default.
MUSANED_DEMO_DEPLOYMENT = env_bool("MUSANED_DEMO_DEPLOYMENT")
MUSANED_REFUSE_LOCAL_IMPLEMENTATIONS = False

# --- Background tasks: SMS, email and e-visa PDFs leave the request path ---------
# django-tasks with its database backend: the queue is a table, so one machine needs
# nothing more; `manage.py db_worker` runs the tasks (docs/configuration.md#task-worker).
TASKS_BACKEND_ALIASES = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {
    "default": {
        "BACKEND": backend_from_env("MUSANED_TASKS_BACKEND", TASKS_BACKEND_ALIASES, "database"),
        "QUEUES": ["default"],
    }
}
# The site's public address, for links made outside a request (the e-visa's QR code
# drawn by the worker); empty = e-visas are drawn on their first download instead.
MUSANED_SITE_URL = os.environ.get("MUSANED_SITE_URL", "").rstrip("/")

# --- What the platform tells people (defaults from the seed) ---------------
MUSANED_SUPPORT_PHONE = os.environ.get("MUSANED_SUPPORT_PHONE", "920002866")
MUSANED_SUPPORT_EMAIL = os.environ.get("MUSANED_SUPPORT_EMAIL", "support@musaned.example")
MUSANED_WORKING_HOURS = {
    "days": os.environ.get("MUSANED_WORKING_DAYS", "sun-thu"),
    "opens": os.environ.get("MUSANED_OPENS_AT", "08:00"),
    "closes": os.environ.get("MUSANED_CLOSES_AT", "20:00"),
}
MUSANED_PRIVACY_NOTICE_VERSION = os.environ.get("MUSANED_PRIVACY_NOTICE_VERSION", "2026-11")

# --- Languages: Arabic first --------------------------------------------------
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LANGUAGES_BIDI = ["ar"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Riyadh"
USE_TZ = True

# --- Static files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT: Path | None = BASE_DIR / "staticfiles"  # None where WhiteNoise finders serve
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- HTTP security headers -------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Permissions-Policy (musaned/core/middleware.py): browser features no page uses, off
# for every page and anything framed in it. An empty list is "()", nobody. Features
# a page may need (autoplay for the spoken code, fullscreen) keep the browser default.
MUSANED_PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "ambient-light-sensor",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MUSANED_LOG_LEVEL", "INFO")},
}

# One process with a local-memory cache counts lockouts correctly; several
# processes need REDIS_URL (docs/configuration.md), and then the check runs.
SILENCED_SYSTEM_CHECKS = [] if REDIS_URL else ["axes.W001"]
