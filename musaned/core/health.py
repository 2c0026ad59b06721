"""Probes for the load balancer and the orchestrator (not translated, no session, no auth).

``/healthz``: the process answers (liveness). It touches nothing else, so a database
outage never gets healthy app processes restarted.
``/readyz``: this process can serve (readiness): the database answers ``SELECT 1`` and
the shared cache keeps and returns a value. 503 names the check that failed; the reason
goes to the log, never into the answer.
"""

import logging
import uuid

from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("musaned.health")

# Short enough that a probe never outlives its own timeout because of the cache.
CACHE_PROBE_SECONDS = 5


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
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache_keeps() -> bool:
    cache = caches["default"]
    key = f"musaned:readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=CACHE_PROBE_SECONDS)
    return cache.get(key) == "1"  # the key expires on its own
