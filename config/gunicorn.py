"""gunicorn's configuration: ``gunicorn -c config/gunicorn.py config.wsgi``.

Every value can be changed by an environment variable (docs/configuration.md); gunicorn's
own ``GUNICORN_CMD_ARGS`` still overrides anything here.

Decisions:

* Sync workers (one request at a time each), ``2 x CPUs + 1`` of them, capped at 12:
  the app's work is short and database-bound, and each worker holds its own database
  pool, so more workers than that only crowd PostgreSQL. ``GUNICORN_THREADS`` > 1 turns
  them into threaded workers (then raise ``MUSANED_DB_POOL_MAX_SIZE`` to match).
* ``preload_app``: the master imports Django once and forks the workers. A broken
  setting (a missing secret) stops the master at once with one clear error instead of
  every worker failing to boot in turn; workers share the loaded code's memory and
  restart fast after ``max_requests``. The price: ``kill -HUP`` does not load new code
  (deploy by restarting the service or the container). Nothing opens a database
  connection or pool at import, and ``pre_fork`` closes any the master might hold, so
  no worker inherits a socket from it. ``when_ready`` also loads the URLconf in the
  master, so a fresh worker's first request is not the one that pays for it.
* ``max_requests`` with jitter: each worker is replaced after about 1000 requests, at
  different times, so a slow leak never grows and the workers never restart together.
* ``graceful_timeout`` 25 s: on SIGTERM, requests in flight finish first; below the
  30 s an orchestrator (Kubernetes, systemd's default) waits before SIGKILL.
* Logs: gunicorn's own lines and its access log (one line per request, on stdout) are
  JSON, through the application's masking formatter (musaned/core/logging.py), and carry
  the ``X-Request-ID`` the application returned. Successful probes are not logged.
"""

import os
import sys
from pathlib import Path

from gunicorn import glogging

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from musaned.core.logging import REQUEST_ID_HEADER, JsonFormatter  # noqa: E402


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (containers)
    except AttributeError:
        return os.cpu_count() or 1


MAX_DEFAULT_WORKERS = 12

wsgi_app = "config.wsgi:application"
chdir = str(BASE_DIR)
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * _cpus() + 1, MAX_DEFAULT_WORKERS)))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 25))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 1000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 100))
preload_app = os.environ.get("GUNICORN_PRELOAD", "1").strip().lower() in {"1", "true", "yes", "on"}
# Only these addresses may set X-Forwarded-Proto / -For for gunicorn (the proxy).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The workers' heartbeat files in memory: a disk-backed /tmp can stall them (gunicorn's
# own advice; only gunicorn's unlinked heartbeat files go there).
SHM = "/dev/shm"  # noqa: S108
if os.path.isdir(SHM):
    worker_tmp_dir = SHM

_access_log = os.environ.get("GUNICORN_ACCESS_LOG", "1").strip().lower() not in {
    "0",
    "false",
    "no",
    "off",
}
accesslog = "-" if _access_log else None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

PROBES = {"/healthz", "/readyz"}


class JsonLogger(glogging.Logger):
    """gunicorn's lines as the application's JSON lines (masked, with the request id)."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        formatter = JsonFormatter()
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(formatter)

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = int(status.split(None, 1)[0])
        # After an error gunicorn answered itself, environ may be empty: ask the request.
        path = environ.get("PATH_INFO") or getattr(req, "path", "") or ""
        if path in PROBES and status == 200:
            return
        method = environ.get("REQUEST_METHOD") or getattr(req, "method", "") or ""
        request_id = next(
            (value for name, value in resp.headers if name.lower() == REQUEST_ID_HEADER.lower()),
            "",
        )
        try:
            # The path only: a query string may carry anything.
            self.access_log.info(
                "%s %s %s",
                method,
                path,
                status,
                extra={
                    "request_id": request_id,
                    "method": method,
                    "path": path,
                    "status": status,
                    "duration_ms": round(request_time.total_seconds() * 1000, 1),
                    "bytes": getattr(resp, "sent", None),
                },
            )
        except Exception:
            self.exception("could not write the access log line")


logger_class = JsonLogger


def when_ready(server) -> None:
    """With preload_app, load in the master what each worker's first request would load
    (the URLconf with every view, the database pool and Redis clients): about two seconds
    a worker would otherwise spend on its first request, after every restart."""
    if not server.cfg.preload_app:
        return
    import psycopg_pool  # noqa: F401
    import redis  # noqa: F401
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every URL module)


def pre_fork(server, worker) -> None:
    """The master must hold no database connection or pool when it forks a worker."""
    if "django.db" not in sys.modules:
        return
    from django.conf import settings
    from django.db import connections

    if not settings.configured:
        return
    for connection in connections.all(initialized_only=True):
        connection.close()
        if getattr(connection, "pool", None) is not None:
            connection.close_pool()
