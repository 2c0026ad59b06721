"""The application behind a real reverse proxy: Debian's nginx, configured with the
``proxy_set_header`` lines of docs/operations.md, in front of gunicorn with
``MUSANED_TRUSTED_PROXY_COUNT=1`` (issue 10, part 2).

Every client connects to nginx from an address of its own on the loopback network
(127.0.0.2, 127.0.0.3, …: Linux routes all of 127.0.0.0/8 to ``lo``), so nginx sees real,
different ``$remote_addr`` values, exactly as it would see clients on the internet; the
app servers only ever see nginx (127.0.0.1). Shown here: one client's failures lock out
neither the owner nor anyone else, a client spraying passwords over many accounts is
refused (429) while others sign in, one client's inquiries do not use up another's rate
limit, a forged ``X-Forwarded-For`` changes nothing, and with the setting left at 0 the
proxy's address is everyone's (the reason production refuses to start without it).

Needs the ``nginx`` program (``scripts/ensure-nginx``, run by ``.ci/run`` and ``make
test``): without it the tests FAIL with a message saying so, never skip. SQLite and the
local-memory cache by default (one gunicorn worker each); PostgreSQL and Redis when
DATABASE_URL / REDIS_URL name them (a database and a key prefix of its own). Every
process started here is stopped by its own PID.
"""

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
import requests
from django.utils import translation
from requests.adapters import HTTPAdapter

from musaned.core.tests import processes
from tests.multiserver import cluster

DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
OPERATIONS_GUIDE = cluster.ROOT / "docs" / "operations.md"

FAILURE_LIMIT = 5
# Per day: no window boundary falls inside the test's few seconds.
SPRAY_LIMIT = 6
INQUIRY_LIMIT = 3

OWNER = "127.0.0.3"
ANOTHER = "127.0.0.5"


def _nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else ""
    )
    if not found:
        pytest.fail(
            "The reverse-proxy tests need Debian's nginx, and it is missing. Install it with "
            "`bash scripts/ensure-nginx` (or `sudo apt-get install nginx`).",
            pytrace=False,
        )
    return found


def documented_proxy_headers() -> list[str]:
    """The ``proxy_set_header`` lines of the nginx example in docs/operations.md: what an
    operator copies is what is tested."""
    text = OPERATIONS_GUIDE.read_text(encoding="utf-8")
    block = re.search(r"```nginx\n(.*?)```", text, re.S)
    assert block, "docs/operations.md has no ```nginx example"
    headers = re.findall(r"proxy_set_header\s+[^;]+;", block.group(1))
    assert any("X-Forwarded-For $remote_addr" in h for h in headers), (
        "the documented nginx example must replace X-Forwarded-For with $remote_addr"
    )
    # The example terminates TLS; here nginx listens on plain HTTP, so it says so (gunicorn
    # trusts X-Forwarded-Proto from 127.0.0.1, and "https" would make Django refuse the
    # forms' plain-HTTP Referer). TLS is not what these tests are about.
    return [h.replace("X-Forwarded-Proto https", "X-Forwarded-Proto $scheme") for h in headers]


class Nginx:
    """One nginx in the foreground, with a configuration of its own in ``workdir``."""

    def __init__(self, workdir: Path, listeners: dict[str, tuple[int, list[str]]]):
        self.workdir = workdir / "nginx"
        self.workdir.mkdir()
        self.listeners = listeners  # name -> (upstream port, proxy_set_header lines)
        self.ports = {name: cluster.free_port() for name in listeners}
        self.process: subprocess.Popen | None = None

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def config(self) -> str:
        work = self.workdir
        servers = []
        for name, (upstream, headers) in self.listeners.items():
            lines = "\n".join(f"      {header}" for header in headers)
            servers.append(
                f"""
  server {{
    listen 127.0.0.1:{self.ports[name]};
    server_name 127.0.0.1;
    location / {{
      proxy_pass http://127.0.0.1:{upstream};
{lines}
    }}
  }}"""
            )
        return f"""
daemon off;
master_process off;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 128; }}
http {{
  access_log {work}/access.log;
  client_body_temp_path {work}/client_body;
  proxy_temp_path {work}/proxy;
  fastcgi_temp_path {work}/fastcgi;
  uwsgi_temp_path {work}/uwsgi;
  scgi_temp_path {work}/scgi;
  client_max_body_size 20m;
{"".join(servers)}
}}
"""

    def start(self, timeout: float = 20) -> "Nginx":
        binary = _nginx_binary()
        conf = self.workdir / "nginx.conf"
        conf.write_text(self.config())
        test = subprocess.run(
            [binary, "-t", "-p", str(self.workdir), "-c", str(conf)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if test.returncode != 0:
            raise cluster.ClusterError(f"nginx -t refused the configuration:\n{test.stderr}")
        self.process = processes.spawn(
            [binary, "-p", str(self.workdir), "-c", str(conf)],
            log_path=self.workdir / "stdout.log",
        )
        processes.wait_until(
            self._answers,
            process=self.process,
            what="nginx",
            timeout=timeout,
            details=self.error_log,
        )
        return self

    def _answers(self) -> bool:
        try:
            return all(
                requests.get(self.url(name) + "/", timeout=5).status_code == 200
                for name in self.listeners
            )
        except requests.RequestException:
            return False

    def error_log(self) -> str:
        with contextlib.suppress(OSError):
            return (self.workdir / "error.log").read_text(errors="replace")[-3000:]
        return "(no log)"

    def access_log(self) -> str:
        with contextlib.suppress(OSError):
            return (self.workdir / "access.log").read_text(errors="replace")
        return ""

    def stop(self, timeout: float = 10) -> None:
        processes.stop(self.process, sig=signal.SIGQUIT, timeout=timeout)  # requests in hand end


class SourceAddress(HTTPAdapter):
    """Connections that leave from one loopback address: one client of its own."""

    def __init__(self, address: str, **kwargs):
        self.address = address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client_at(address: str, sms_dir: Path) -> cluster.Browser:
    browser = cluster.Browser(sms_dir)
    browser.session.mount("http://", SourceAddress(address))
    return browser


@pytest.fixture(scope="module")
def site():
    """nginx in front of two app servers on one database: ``trusting`` (told that one
    proxy is in front) and ``naive`` (left at 0), each with counters of its own."""
    _nginx_binary()  # fail at once, with the message, when nginx is missing
    workdir = cluster.new_workdir("musaned-proxy-")
    name = f"musaned_proxy_{os.getpid()}"
    postgres = cluster.is_postgres(DATABASE_URL)
    prefix = f"musaned-proxy-{os.getpid()}-{secrets.token_hex(4)}"
    started: list = []
    try:
        database_url = (
            cluster.create_database(DATABASE_URL, name)
            if postgres
            else f"sqlite:///{workdir / 'var' / 'musaned.sqlite3'}"
        )
        env = cluster.migrate_and_seed(
            cluster.server_env(
                database_url=database_url,
                redis_url=REDIS_URL,  # none: the local-memory cache
                workdir=workdir,
                prefix=prefix,
                DJANGO_SETTINGS_MODULE="tests.proxy.settings",
                MUSANED_LOGIN_FAILURE_LIMIT=str(FAILURE_LIMIT),
                MUSANED_LOGIN_FAILURES_PER_CLIENT=f"{SPRAY_LIMIT}/d",
                MUSANED_RATE_INQUIRY=f"{INQUIRY_LIMIT}/d",
            )
        )
        workers = 2 if REDIS_URL else 1  # a local-memory cache counts in one process only
        servers = {}
        for label, count in (("trusting", "1"), ("naive", "0")):
            server_env = {
                **env,
                "MUSANED_TRUSTED_PROXY_COUNT": count,
                "MUSANED_CACHE_PREFIX": f"{prefix}-{label}",
            }
            server = cluster.Gunicorn(label, server_env, workdir, workers=workers)
            started.append(server)
            servers[label] = server.start(timeout=90)
        documented = documented_proxy_headers()
        appending = [
            h.replace("$remote_addr", "$proxy_add_x_forwarded_for")
            if h.startswith("proxy_set_header X-Forwarded-For")
            else h
            for h in documented
        ]
        nginx = Nginx(
            workdir,
            {
                "site": (servers["trusting"].port, documented),
                # The form for a proxy behind another one, with the same count: a forged
                # head of the header must still be ignored.
                "appending": (servers["trusting"].port, appending),
                "naive": (servers["naive"].port, documented),
            },
        )
        started.append(nginx)
        nginx.start()
        yield nginx, workdir / "sms", env
    finally:
        for process in reversed(started):
            process.stop()
        if postgres:
            cluster.drop_database(DATABASE_URL, name)
        if REDIS_URL:
            for label in ("trusting", "naive"):
                cluster.forget_redis_keys(REDIS_URL, f"{prefix}-{label}")
        cluster.remove_workdir(workdir)


def _arabic(message: str) -> str:
    with translation.override("ar"):
        return translation.gettext(message)


def _fail(browser, base, username, **headers):
    return browser.password_step(base, username, "not-the-password-1", headers=headers)


def _audited_addresses(env, action: str, username: str) -> list[str]:
    """The client addresses the app wrote in its audit trail for ``action`` by ``username``."""
    out = cluster.manage(
        {**env, "MUSANED_TRUSTED_PROXY_COUNT": "1"},
        "shell",
        "-c",
        "import json\n"
        "from musaned.core.models import AuditEvent\n"
        f"rows = AuditEvent.objects.filter(action={action!r}, actor__username={username!r})\n"
        "print(json.dumps(sorted(set(rows.values_list('ip_address', flat=True)))))",
    )
    return json.loads(out.strip().splitlines()[-1])


def test_an_attackers_failures_through_nginx_lock_out_neither_the_owner_nor_others(site):
    nginx, sms_dir, env = site
    attacker = client_at("127.0.0.2", sms_dir)
    # The attacker names the owner's address in X-Forwarded-For, through both header forms.
    forged = {"X-Forwarded-For": OWNER}
    for attempt in range(FAILURE_LIMIT):
        base = nginx.url("site" if attempt % 2 == 0 else "appending")
        answer = _fail(attacker, base, cluster.DEMO_USERNAME, **forged)
        assert answer.status_code == (403 if attempt == FAILURE_LIMIT - 1 else 200), (
            attempt,
            re.sub(r"\s+", " ", answer.text.split("<main", 1)[-1][:1500]),
        )
    locked = attacker.password_step(nginx.url("site"), cluster.DEMO_USERNAME, cluster.DEMO_PASSWORD)
    assert locked.status_code == 403
    assert _arabic("Sign-in is paused") in locked.text

    # The owner, from an address of their own, signs in as usual (password, SMS code).
    owner = client_at(OWNER, sms_dir)
    owner.login(nginx.url("site"))
    assert cluster.signed_in(owner.get(nginx.url("site") + "/services/"))

    # nginx saw three clients; the app wrote each failure against the attacker's address.
    assert {"127.0.0.2", OWNER} <= set(re.findall(r"^(\S+) ", nginx.access_log(), re.M))
    assert _audited_addresses(env, "login.failed", cluster.DEMO_USERNAME) == ["127.0.0.2"]
    assert _audited_addresses(env, "login.succeeded", cluster.DEMO_USERNAME) == [OWNER]


def test_a_client_spraying_many_accounts_through_nginx_gets_429_and_others_sign_in(site):
    nginx, sms_dir, _env = site
    sprayer = client_at("127.0.0.4", sms_dir)
    for n in range(SPRAY_LIMIT):
        answer = _fail(sprayer, nginx.url("site"), f"someone-{n}")
        assert answer.status_code == 200, (n, answer.status_code)
    blocked = _fail(sprayer, nginx.url("site"), "someone-else")
    assert blocked.status_code == 429
    assert 'lang="ar" dir="rtl"' in blocked.text
    assert _arabic("Too many requests") in blocked.text
    # Whatever the account, and with whatever the client writes in X-Forwarded-For.
    right = sprayer.password_step(
        nginx.url("appending"), cluster.STAFF_USERNAME, cluster.STAFF_PASSWORD
    )
    assert right.status_code == 429
    assert _fail(sprayer, nginx.url("site"), "x", **{"X-Forwarded-For": ANOTHER}).status_code == 429

    other = client_at(ANOTHER, sms_dir)
    other.login(nginx.url("site"))
    assert cluster.signed_in(other.get(nginx.url("site") + "/services/"))


def test_one_clients_inquiries_through_nginx_do_not_use_up_anothers_limit(site):
    nginx, _sms_dir, _env = site
    body = {"issued_number": "1234567890", "national_id": "1000000008"}

    def inquire(address):
        session = requests.Session()
        session.mount("http://", SourceAddress(address))
        return session.post(
            nginx.url("site") + "/api/v1/visa-inquiry",
            json=body,
            headers={"Accept-Language": "ar"},
            timeout=20,
        )

    first = [inquire("127.0.0.6").status_code for _ in range(INQUIRY_LIMIT + 1)]
    assert first == [404] * INQUIRY_LIMIT + [429]
    assert inquire("127.0.0.7").status_code == 404


def test_with_the_setting_left_at_0_everyone_behind_nginx_is_the_proxy(site):
    """What the operations guide used to lead to: one attacker locks the owner out."""
    nginx, sms_dir, _env = site
    attacker = client_at("127.0.0.8", sms_dir)
    for _ in range(FAILURE_LIMIT):
        _fail(attacker, nginx.url("naive"), cluster.PLAIN_STAFF_USERNAME)
    owner = client_at("127.0.0.9", sms_dir)
    answer = owner.password_step(
        nginx.url("naive"), cluster.PLAIN_STAFF_USERNAME, cluster.PLAIN_STAFF_PASSWORD
    )
    assert answer.status_code == 403
    assert _arabic("Sign-in is paused") in answer.text
