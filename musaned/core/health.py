"""Probes for the load balancer and the orchestrator (not translated, no session, no auth).

``/healthz``: the process answers (liveness). It touches nothing else, so a database
outage never gets healthy app processes restarted.
``/readyz``: this process can serve (readiness): the database answers ``SELECT 1`` and
the shared cache keeps and returns a value, each within its own short budget, so the
answer comes in about a second and a half at worst. 503 names the check that failed;
the reason goes to the log, never into the answer.

``ProbeMiddleware`` answers both paths right after the request id is given, before any
other middleware: measured with PostgreSQL stopped (tests/faults/run_faults.py), a probe
that carried a session cookie waited for the session, the user and then the error page
(two pool timeouts, 20 s, and a 500), because the middleware that marks signed-in pages
``no-store`` loads the user. The URLconf keeps the two views too (``reverse("healthz")``).
"""

import logging
import uuid

from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("musaned.health")

# Short enough that a probe never outlives its own timeout because of the cache.
CACHE_PROBE_SECONDS = 5
# How long /readyz waits for a database connection from the pool (a worker's pool lends
# an idle one at once, or makes one in milliseconds, when PostgreSQL is up).
DATABASE_PROBE_SECONDS = 1.0
# Redis's connect and read timeouts for the probe (the cache's own are 2 s for requests).
CACHE_PROBE_SOCKET_SECONDS = 0.5


@login_not_required
@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_safe
def readyz(request):
    checks = {
        "database": _check("database", _database_answers),
        "cache": _check("cache", _cache_keeps),
    }
    ready = all(result == "ok" for result in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


PROBES = {"/healthz": healthz, "/readyz": readyz}


class ProbeMiddleware:
    """Answers ``/healthz`` and ``/readyz`` before the session, the user, CSRF, the locale
    or anything else that could wait on the database or the cache (module docstring).
    The ``Host`` header is still checked against ``ALLOWED_HOSTS``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is None:
            return self.get_response(request)
        request.get_host()  # DisallowedHost → 400, as for every other URL
        response = probe(request)
        response["X-Content-Type-Options"] = "nosniff"
        return response


def _check(name: str, probe) -> str:
    try:
        if probe():
            return "ok"
        logger.warning("readiness check %s failed", name)
    except Exception as error:
        # The class and message only: no traceback every few seconds while it is down.
        logger.warning("readiness check %s failed: %s: %s", name, type(error).__name__, error)
    return "failed"


def _database_answers() -> bool:
    connection = connections["default"]
    pool = getattr(connection, "pool", None)  # PostgreSQL with Django's pool (production)
    if pool is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    # Straight from the pool, with the probe's own wait instead of the requests' one.
    pool.open()
    with pool.connection(timeout=DATABASE_PROBE_SECONDS) as conn:
        return conn.execute("SELECT 1").fetchone() == (1,)


def _cache_keeps() -> bool:
    cache = caches["default"]
    key = f"musaned:readyz:{uuid.uuid4().hex}"
    if isinstance(cache, RedisCache):
        # Django's RedisCache keeps its server list privately (django-stubs does not list it).
        client = _redis_probe_client(cache._servers[0])  # type: ignore[attr-defined]
        key = cache.make_and_validate_key(key)
        client.set(key, b"1", ex=CACHE_PROBE_SECONDS)
        return client.get(key) == b"1"
    cache.set(key, "1", timeout=CACHE_PROBE_SECONDS)
    return cache.get(key) == "1"  # the key expires on its own


_redis_probe_clients: dict = {}


def _redis_probe_client(url: str):
    """A Redis client for the probe alone, with short timeouts (one per URL and process;
    redis-py's connection pool starts afresh in a forked worker)."""
    client = _redis_probe_clients.get(url)
    if client is None:
        import redis

        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=CACHE_PROBE_SOCKET_SECONDS,
            socket_timeout=CACHE_PROBE_SOCKET_SECONDS,
        )
        _redis_probe_clients[url] = client
    return client
