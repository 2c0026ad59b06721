"""Real app servers for the several-servers test and the fault script: a PostgreSQL database
of their own, gunicorn processes on loopback ports, and an HTTP client that signs in the way
a person does (password, then the code from the SMS file).

Used by tests/multiserver/test_two_servers.py, tests/proxy/test_behind_nginx.py and
tests/faults/run_faults.py. Programs are started, waited for and stopped by
musaned/core/tests/processes.py: every wait is bounded; every process started here is
stopped by its own PID.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit, urlunsplit

import requests

from musaned.core.tests import processes
from musaned.core.tests.processes import free_port
from musaned.identity.demo import DEMO_ACCOUNT, DEMO_ROLES, DEMO_STAFF

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
GUNICORN = VENV_BIN / "gunicorn"
PYTHON = VENV_BIN / "python"

# The accounts seed_demo makes (musaned/identity/demo.py).
DEMO_USERNAME = DEMO_ACCOUNT["username"]
DEMO_PASSWORD = DEMO_ACCOUNT["password"]
DEMO_MOBILE = "966500000005"  # Abdullah's, as in the SMS file names
STAFF_USERNAME, STAFF_PASSWORD = next(
    (role["username"], role["password"]) for role in DEMO_ROLES if role["role"] == "reviewer"
)
PLAIN_STAFF_USERNAME, PLAIN_STAFF_PASSWORD = DEMO_STAFF["username"], DEMO_STAFF["password"]
CAPTCHA = {"captcha_0": "x", "captcha_1": "PASSED"}  # the captcha's test mode's answer

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SIX_DIGITS = re.compile(r"(?<![0-9])([0-9]{6})(?![0-9])")
TRACEBACK_SIGNS = ("Traceback (most recent call last)", 'File "/', "django.core.exceptions")

# Something the servers needed did not happen in time.
ClusterError = processes.ProcessError


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def is_postgres(url: str | None) -> bool:
    return bool(url) and urlsplit(url).scheme in {"postgres", "postgresql", "pgsql"}


def _admin_connect(url: str):
    import psycopg

    parts = urlsplit(url)
    named = (parts.path or "/").lstrip("/")
    error = None
    # The maintenance database, as Django's test runner uses it; else the one named.
    for dbname in dict.fromkeys(["postgres", named or "postgres"]):
        try:
            return psycopg.connect(
                host=parts.hostname or "127.0.0.1",
                port=parts.port or 5432,
                user=parts.username or "postgres",
                password=parts.password,
                dbname=dbname,
                autocommit=True,
                connect_timeout=10,
            )
        except psycopg.OperationalError as exc:
            error = exc
    raise ClusterError(f"cannot reach PostgreSQL at {parts.hostname}:{parts.port}: {error}")


def create_database(admin_url: str, name: str) -> str:
    """Create ``name`` on the server of ``admin_url`` (dropping a leftover); its URL."""
    from psycopg import sql

    with _admin_connect(admin_url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return with_database(admin_url, name)


def drop_database(admin_url: str, name: str) -> None:
    from psycopg import sql

    with _admin_connect(admin_url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def server_env(
    *,
    database_url: str,
    redis_url: str,
    workdir: Path,
    prefix: str,
    secret: str | None = None,
    **extra: str,
) -> dict[str, str]:
    """The environment every server (and every manage.py call) of one cluster shares: no
    REDIS_URL when ``redis_url`` is empty (the local-memory cache), a new secret unless
    one is given."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "MUSANED_", "PYTEST", "SMS_", "EMAIL_", "GUNICORN_"))
        and key != "REDIS_URL"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.multiserver",
            "DATABASE_URL": database_url,
            **({"REDIS_URL": redis_url} if redis_url else {}),
            "MUSANED_CACHE_PREFIX": prefix,
            "DJANGO_SECRET_KEY": secret or new_secret(),
            "MUSANED_VAR_DIR": str(workdir / "var"),
            "MUSANED_MEDIA_ROOT": str(workdir / "media"),
            "SMS_FILE_PATH": str(workdir / "sms"),
            # One person signs in many times in a few seconds here.
            "MUSANED_CODE_RESEND_SECONDS": "0",
            "MUSANED_CODES_PER_HOUR": "100000",
            "MUSANED_COMPLAINTS_PER_DAY": "100000",
            # SMS (the codes a test reads) sent in the request, not by a separate task worker.
            "MUSANED_TASKS_BACKEND": "immediate",
            "MUSANED_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def new_secret() -> str:
    return "multiserver-" + secrets.token_urlsafe(48)


def migrate_and_seed(env: dict[str, str]) -> dict[str, str]:
    """``migrate`` and ``seed_demo`` on the cluster's database; returns ``env``."""
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "seed_demo")
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    """Run manage.py with ``env``; its output, or a ClusterError with it."""
    done = subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise ClusterError(
            f"manage.py {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return done.stdout


def children_of(pid: int) -> list[int]:
    """PIDs whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces, so split after the last ")".
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@dataclass
class Gunicorn:
    """One app server: ``gunicorn config.wsgi`` on a loopback port. Ready when the master
    answers ``ready_path`` and all its workers run."""

    name: str
    env: dict[str, str]
    workdir: Path
    workers: int = 2
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    ready_path: ClassVar[str] = "/"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / f"gunicorn-{self.name}.log"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def command(self) -> list[str]:
        return [
            str(GUNICORN),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
            "--name",
            f"musaned-{self.name}",
        ]

    def process_env(self) -> dict[str, str]:
        return self.env

    def start(self, timeout: float = 60) -> Gunicorn:
        self.process = processes.spawn(
            self.command(), log_path=self.log_path, cwd=ROOT, env=self.process_env()
        )
        self.wait_ready(timeout)
        return self

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def wait_ready(self, timeout: float = 60) -> None:
        assert self.process is not None
        processes.wait_until(
            self._ready,
            process=self.process,
            what=f"gunicorn {self.name}",
            timeout=timeout,
            details=self.log_tail,
        )

    def _ready(self) -> bool | str:
        try:
            answer = requests.get(self.url + self.ready_path, timeout=5)
        except requests.RequestException as error:
            return type(error).__name__
        return (answer.status_code == 200 and len(self.worker_pids()) >= self.workers) or (
            f"HTTP {answer.status_code}"
        )

    def worker_pids(self) -> list[int]:
        return [pid for pid in children_of(self.pid) if pid_alive(pid)]

    def stop(self, timeout: float = 15) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        workers = self.worker_pids()
        # A quick shutdown (SIGINT); the master and its workers killed if it hangs.
        processes.stop(self.process, sig=signal.SIGINT, timeout=timeout, and_then_kill=workers)


def new_workdir(prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    for sub in ("var", "media", "sms"):
        (path / sub).mkdir()
    return path


def remove_workdir(path: Path | None) -> None:
    if path is not None:
        shutil.rmtree(path, ignore_errors=True)


def csrf_token(html: str) -> str:
    found = CSRF_INPUT.search(html)
    if not found:
        raise ClusterError("no CSRF token in the page")
    return found.group(1)


def has_traceback(text: str) -> bool:
    return any(sign in text for sign in TRACEBACK_SIGNS)


class Browser:
    """A person's cookie jar, usable against any of the servers (cookies are per host, not
    per port, so one jar is what a browser behind one load balancer would send)."""

    def __init__(self, sms_dir: Path, timeout: float = 20):
        self.session = requests.Session()
        self.sms_dir = sms_dir
        self.timeout = timeout

    def get(self, url: str, **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        return self.session.get(url, timeout=self.timeout, **kwargs)

    def post_form(
        self,
        page_url: str,
        data: dict,
        files=None,
        post_url: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        """GET the form page for its CSRF token, then POST (no redirects followed); both
        with ``headers`` besides the browser's own."""
        page = self.get(page_url, headers=headers or {})
        if page.status_code != 200:
            raise ClusterError(f"GET {page_url}: HTTP {page.status_code}")
        payload = {"csrfmiddlewaretoken": csrf_token(page.text), **data}
        return self.session.post(
            post_url or page_url,
            data=payload,
            files=files,
            timeout=self.timeout,
            allow_redirects=False,
            headers={"Referer": page_url, **(headers or {})},
        )

    def password_step(
        self,
        base: str,
        username: str,
        password: str,
        lang: str = "",
        headers: dict[str, str] | None = None,
    ):
        """The first sign-in form. The captcha's test answer goes along every time (it is
        asked after a few failures from one address; an unasked field is ignored)."""
        return self.post_form(
            f"{base}{lang}/login/",
            {"username": username, "password": password, **CAPTCHA},
            headers=headers,
        )

    def login(self, base: str, username: str = DEMO_USERNAME, password: str = DEMO_PASSWORD):
        """Password, then the SMS code from the file backend. Ends signed in on ``base``."""
        before = set(os.listdir(self.sms_dir))
        answer = self.password_step(base, username, password)
        if answer.status_code != 302 or not answer.headers["Location"].endswith("/login/code/"):
            raise ClusterError(f"password step: HTTP {answer.status_code}\n{answer.text[:500]}")
        code = self.new_code(before)
        answer = self.post_form(f"{base}/login/code/", {"code": code})
        if answer.status_code != 302 or "/login" in answer.headers.get("Location", ""):
            raise ClusterError(f"code step: HTTP {answer.status_code}\n{answer.text[:500]}")
        return answer

    def new_code(self, before: set[str], timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name in sorted(set(os.listdir(self.sms_dir)) - before, reverse=True):
                body = (self.sms_dir / name).read_text(encoding="utf-8")
                found = SIX_DIGITS.search(body.split("\n\n", 1)[-1])
                if found:
                    return found.group(1)
            time.sleep(0.1)
        raise ClusterError("no sign-in code arrived in the SMS folder")


def signed_in(page: requests.Response) -> bool:
    """A page served to a signed-in person carries the log-out form."""
    return page.status_code == 200 and 'action="/logout/"' in page.text


def with_redis_db(url: str, db: int) -> str:
    """``url`` on another database number of the same Redis server."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


def redis_keys(url: str, prefix: str, contains: str = "") -> list[str]:
    """The keys one cluster's servers wrote (Django prefixes them ``<prefix>:<version>:``)."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    try:
        return [
            key.decode()
            for key in client.scan_iter(match=f"{prefix}:*", count=500)
            if contains in key.decode()
        ]
    finally:
        client.close()


def forget_redis_keys(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
        if keys:
            client.delete(*keys)
    except redis.RedisError:
        pass
    finally:
        client.close()
