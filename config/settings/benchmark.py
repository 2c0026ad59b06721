"""Benchmark profile: production-like (DEBUG off, Argon2, WhiteNoise) on PostgreSQL and
Redis, loopback only, with rate limits opened up so the load measures speed, not the
limiter. Used only by the scripts in benchmarks/ — never by the test suite."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/musaned_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES

SECRET_KEY = "benchmark-only-key-" + "x" * 40
PAYMENT_WEBHOOK_SECRET = "benchmark-only-payment-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "benchmarks.urls"
MUSANED_RATE_INQUIRY = "100000000/s"
DATABASES["default"]["CONN_MAX_AGE"] = 600
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
LOGGING = {
    "version": 1,
    "disable_existing_loggers": True,
    "root": {"level": "ERROR", "handlers": []},
}
