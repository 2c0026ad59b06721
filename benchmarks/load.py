"""The load benchmark: every hot path beside a bare Django baseline, at two data sizes, in
one run, against gunicorn on PostgreSQL + Redis (loopback only, bounded in time).

    .venv/bin/python benchmarks/generate.py --visas 10000
    .venv/bin/python benchmarks/generate.py --visas 1000000
    .venv/bin/python benchmarks/load.py                 # or: bash benchmarks/run.sh

What it does:

1. Setup, per size (a child process with that database's settings): migrations, if the
   code has new ones; sessions for the
   1,000 sign-in accounts written straight into the session store (as a login leaves
   them), one CSRF cookie and token, the registration bodies; old benchmark complaints
   and expired sessions are deleted so repeated runs do not pile up rows.
2. Starts one gunicorn per size (10k on PORT, 1m on PORT+1; the idle one costs
   nothing), each with its own database and cache prefix, and sends one request of each
   scenario to each to check the answer (status and redirect target).
3. For each scenario, in ABBA order (size order alternates between scenarios and
   rounds): wrk on the baseline at size A, the scenario at A, the scenario at B, the
   baseline at B. Each wrk run has a warm-up that is thrown away. So every figure has a
   baseline measured a few seconds from it on the same server, and both sizes are
   measured back to back, which is what makes a busy machine's figures comparable.
4. Around the login runs: one Argon2 verification of the accounts' real password hash,
   timed alone in this process (the same parameters, read from the hash).
5. Prints the tables (also written to var/bench/report-<time>.md, raw numbers to
   results-<time>.json, wrk's output to var/bench/wrk/).

Scenarios (the request files are made per run, in var/bench/<database>/requests/):

* ``api``: POST /api/v1/visa-inquiry, JSON, pairs from pairs.txt (200, 1 in 10 404);
* ``page``: POST /inquiry/, the public inquiry page with CSRF and the verification code
  (the benchmark settings put the captcha in test mode: it answers "PASSED");
* ``hub``: GET /services/ signed in; ``my_visas``: GET /visas/ signed in;
* ``complaint``: POST /complaints/new/, multipart, signed in, a unique subject each
  time (302 to the new complaint);
* ``registration``: POST /register/identity/, step 1 of the wizard, the step that asks
  the registry (302 to step 2) — see docs/performance.md for why this step;
* ``login``: POST /login/ with the right password (302 to the code page) on ONE
  connection, so its latency is the service time, next to one Argon2 verification.

The recruitment offices' public directory (issue 12), on the databases generate.py
filled with ``--offices`` (sizes ``offices-50`` and ``offices``: 50 offices and 5,000
complaints, 1,000 offices and 100,000 complaints, every complaint naming an office),
no account, in Arabic; not in the default run (``--sizes offices-50,offices --scenarios
directory,directory_page,office,api_offices,api_office``):

* ``directory``: GET /offices/?city=…&nationality=…&sort=price, the pairs of
  directory.txt (filtered and sorted by price: the first page);
* ``directory_page``: GET /offices/?sort=price&page=N, every page of the whole list but
  the first;
* ``office``: GET /offices/<id>/, an office's page with its prices and scorecard;
* ``api_offices``: GET /api/v1/offices?city=…&nationality=…&sort=price&limit=20;
* ``api_office``: GET /api/v1/offices/<id>.

The recruitment journey (issue 13), on the databases generate.py filled with
``--contracts`` (sizes ``contracts-small`` and ``contracts``: 50 offices and 2,000
contracts, 1,000 offices and 100,000 contracts), signed in (the sessions are written for
the users of recruitment.txt, the SMS code's mark set), in Arabic; not in the default run
(``--sizes contracts-small,contracts --scenarios my_contracts,office_requests,offers_compare``):

* ``my_contracts``: GET /recruitment/contracts/, the beneficiary's contracts (the 10 with
  the most and 90 others);
* ``office_requests``: GET /office/recruitment/, an office manager's incoming queue (the
  10 busiest offices and 90 others);
* ``offers_compare``: GET /recruitment/<uid>/, a request with its offers side by side, by
  its owner.
"""

import argparse
import datetime as dt
import http.client
import json
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DIR = ROOT / "var" / "bench"
PYTHON = sys.executable
SIZES = {
    "10k": "musaned_bench_10k",
    "1m": "musaned_bench_1m",
    "offices-50": "musaned_bench_offices_50",
    "offices": "musaned_bench_offices",
    "contracts-small": "musaned_bench_contracts_small",
    "contracts": "musaned_bench_contracts",
}
SIZE_TITLES = {
    "10k": "10k visas",
    "1m": "1m visas",
    "offices-50": "50 offices, 5,000 complaints",
    "offices": "1,000 offices, 100,000 complaints",
    "contracts-small": "50 offices, 2,000 contracts",
    "contracts": "1,000 offices, 100,000 contracts",
}
SERVER = "postgres://postgres@127.0.0.1:5432"
HOST = "127.0.0.1"
BENCH_PASSWORD = "bench-passphrase-2026"  # noqa: S105 (generate.py gives it to the sign-in accounts)
COMPLAINT_SUBJECT = "Bench complaint"


@dataclass
class Scenario:
    name: str
    title: str
    expect: frozenset
    location: str = ""  # the redirect an expected answer points to
    connections: int | None = None  # None: --connections
    threads: int | None = None
    offices: bool = False  # the directory's: needs a database generated with --offices
    recruitment: bool = False  # needs a database generated with --contracts


SCENARIOS = [
    Scenario("api", "Public visa inquiry, API: POST /api/v1/visa-inquiry", frozenset({200, 404})),
    Scenario("page", "Public visa inquiry, page: POST /inquiry/", frozenset({200})),
    Scenario("hub", "Signed-in hub: GET /services/", frozenset({200})),
    Scenario("my_visas", "My visas: GET /visas/", frozenset({200})),
    Scenario(
        "complaint", "Complaint submission: POST /complaints/new/", frozenset({302}), "/complaints/"
    ),
    Scenario(
        "registration",
        "Registration, step 1 (registry): POST /register/identity/",
        frozenset({302}),
        "/register/verify/",
    ),
    Scenario(
        "login",
        "Login, password step: POST /login/ (1 connection)",
        frozenset({302}),
        "/login/code/",
        connections=1,
        threads=1,
    ),
    Scenario(
        "directory",
        "Office directory, filtered, by price: GET /offices/?city=…&nationality=…&sort=price",
        frozenset({200}),
        offices=True,
    ),
    Scenario(
        "directory_page",
        "Office directory, a page: GET /offices/?sort=price&page=N",
        frozenset({200}),
        offices=True,
    ),
    Scenario("office", "An office's page: GET /offices/<id>/", frozenset({200}), offices=True),
    Scenario(
        "api_offices",
        "Office directory, API: GET /api/v1/offices?city=…&nationality=…&sort=price",
        frozenset({200}),
        offices=True,
    ),
    Scenario(
        "api_office", "One office, API: GET /api/v1/offices/<id>", frozenset({200}), offices=True
    ),
    Scenario(
        "my_contracts",
        "My contracts: GET /recruitment/contracts/",
        frozenset({200}),
        recruitment=True,
    ),
    Scenario(
        "office_requests",
        "Office's incoming requests: GET /office/recruitment/",
        frozenset({200}),
        recruitment=True,
    ),
    Scenario(
        "offers_compare",
        "Offers compared: GET /recruitment/<request>/",
        frozenset({200}),
        recruitment=True,
    ),
]
BASELINE = Scenario(
    "baseline", "Bare Django baseline: POST /bench/baseline/", frozenset({200, 404})
)


# ------------------------------------------------------------------------ setup (child)


def setup(database: str) -> None:
    """In a child with this size's settings: print what the request files need, as JSON."""
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.http import HttpRequest
    from django.middleware.csrf import get_token
    from django.utils import timezone

    from musaned.accounts.models import User
    from musaned.complaints.models import Complaint
    from musaned.identity.hijri import gregorian_to_hijri

    call_command("migrate", verbosity=0)  # the code may have moved on since generate.py
    out = BENCH_DIR / database
    deleted = Complaint.objects.filter(subject__startswith=COMPLAINT_SUBJECT).delete()[0]
    Session.objects.filter(expire_date__lt=timezone.now()).delete()
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ids = [int(line.split()[0]) for line in (out / "accounts.txt").read_text().splitlines()]
    accounts, now = [], int(time.time())
    for user in User.objects.filter(pk__in=ids).order_by("pk"):
        session = store()
        # What django.contrib.auth.login and services.login_complete leave in the session.
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "musaned.accounts.backends.UsernameOrNationalIdBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session["signed_in_at"] = session["last_seen"] = now
        session.create()
        accounts.append([user.pk, user.national_id, session.session_key])
    recruitment = []
    if (out / "recruitment.txt").exists():
        rows = [line.split() for line in (out / "recruitment.txt").read_text().splitlines()]
        users = User.objects.in_bulk({int(user) for _name, user, _path in rows})
        sessions: dict[int, str] = {}
        for name, user, path in rows:
            if int(user) not in sessions:
                session = store()
                found = users[int(user)]
                session[SESSION_KEY] = str(found.pk)
                session[BACKEND_SESSION_KEY] = (
                    "musaned.accounts.backends.UsernameOrNationalIdBackend"
                )
                session[HASH_SESSION_KEY] = found.get_session_auth_hash()
                session["signed_in_at"] = session["last_seen"] = now  # the SMS code passed
                session.create()
                sessions[int(user)] = session.session_key
            recruitment.append([name, sessions[int(user)], path])
    request = HttpRequest()
    token = get_token(request)
    people = []
    for line in (out / "registry.txt").read_text().splitlines():
        nid, kind, first, family, born = line.split()
        birth = dt.date.fromisoformat(born)
        if kind == "citizen":
            year, month, day = gregorian_to_hijri(birth)
        else:
            year, month, day = birth.year, birth.month, birth.day
        people.append([nid, kind, first, family, day, month, year])
    json.dump(
        {
            "accounts": accounts,
            "csrf_cookie": request.META["CSRF_COOKIE"],
            "csrf_token": token,
            "people": people,
            "password_hash": User.objects.get(pk=ids[0]).password,
            "deleted": deleted,
            "recruitment": recruitment,
        },
        sys.stdout,
    )


# ------------------------------------------------------------------------ request files


def record(method: str, path: str, headers: dict, body: str = "") -> str:
    assert not any(re.search(r"[\t\n|:]", f"{k}{v}") for k, v in headers.items()), headers
    text = "|".join(f"{name}: {value}" for name, value in headers.items())
    body = body.replace("\r\n", "\\r\\n")
    assert not re.search(r"[\t\n]", body), body
    return f"{method}\t{path}\t{text}\t{body}\n"


def multipart(fields: list[tuple[str, str]], boundary: str) -> str:
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields
    ]
    # An empty file input, as a browser sends it.
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n\r\n"
    )
    return "".join(parts) + f"--{boundary}--\r\n"


def write_requests(database: str, data: dict) -> dict[str, Path]:
    out = BENCH_DIR / database / "requests"
    out.mkdir(parents=True, exist_ok=True)
    cookie, token = data["csrf_cookie"], data["csrf_token"]
    form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}"}
    pairs = [line.split() for line in (BENCH_DIR / database / "pairs.txt").read_text().splitlines()]
    json_headers = {"Content-Type": "application/json", "Accept-Language": "en"}
    files: dict[str, list[str]] = {
        "baseline": [
            record(
                "POST",
                "/bench/baseline/",
                json_headers,
                json.dumps({"issued_number": a, "national_id": b}),
            )
            for a, b in pairs
        ],
        "page": [
            record(
                "POST",
                "/inquiry/",
                form,
                urllib.parse.urlencode(
                    {
                        "csrfmiddlewaretoken": token,
                        "issued_number": a,
                        "national_id": b,
                        "captcha_0": secrets.token_hex(20),
                        "captcha_1": "PASSED",
                    }
                ),
            )
            for a, b in pairs
        ],
    }
    files["api"] = [
        line.replace("/bench/baseline/", "/api/v1/visa-inquiry") for line in files["baseline"]
    ]
    signed_in = [
        {"Cookie": f"sessionid={session}; csrftoken={cookie}"}
        for _pk, _nid, session in data["accounts"]
    ]
    files["hub"] = [record("GET", "/services/", headers) for headers in signed_in]
    files["my_visas"] = [record("GET", "/visas/", headers) for headers in signed_in]
    boundary = "----MusanedBenchBoundary7MA4YWxkTrZu0gW"
    # Not "office" (it names an office from the register since issue 12) nor "visa" (a visa).
    categories = ["worker", "payment", "technical", "other"]
    contacts = ["sms", "email", "phone"]
    files["complaint"] = [
        record(
            "POST",
            "/complaints/new/",
            {**headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
            multipart(
                [
                    ("csrfmiddlewaretoken", token),
                    ("category", categories[i % len(categories)]),
                    ("visa", ""),
                    ("subject", f"{COMPLAINT_SUBJECT} {{{{n}}}}"),
                    (
                        "description",
                        "The recruitment office has not answered my calls for two weeks; "
                        "the request number and the dates are in my account. Request {{n}}.",
                    ),
                    ("contact_preference", contacts[i % len(contacts)]),
                ],
                boundary,
            ),
        )
        for i, headers in enumerate(signed_in)
    ]
    registration = []
    for nid, kind, first, family, day, month, year in data["people"]:
        calendar = "hijri" if kind == "citizen" else "gregorian"
        registration.append(
            record(
                "POST",
                "/register/identity/",
                form,
                urllib.parse.urlencode(
                    {
                        "csrfmiddlewaretoken": token,
                        "id_type": kind,
                        "national_id": nid,
                        "first_name": first,
                        "family_name": family,
                        f"birth_date_{calendar}_day": day,
                        f"birth_date_{calendar}_month": month,
                        f"birth_date_{calendar}_year": year,
                    }
                ),
            )
        )
    files["registration"] = registration
    files["login"] = [
        record(
            "POST",
            "/login/",
            form,
            urllib.parse.urlencode(
                {"csrfmiddlewaretoken": token, "username": nid, "password": BENCH_PASSWORD}
            ),
        )
        for _pk, nid, _session in data["accounts"]
    ]
    files.update(office_requests(BENCH_DIR / database))
    for name, session, path in data.get("recruitment", []):
        files.setdefault(name, []).append(
            record("GET", path, {"Cookie": f"sessionid={session}; csrftoken={cookie}"})
        )
    paths = {}
    for name, lines in files.items():
        paths[name] = out / f"{name}.txt"
        paths[name].write_text("".join(lines))
    return paths


def office_requests(folder: Path) -> dict[str, list[str]]:
    """The directory's requests (no account, Arabic), if the database has offices."""
    if not (folder / "offices.txt").exists():
        return {}
    uids = (folder / "offices.txt").read_text().split()
    pairs = [line.split() for line in (folder / "directory.txt").read_text().splitlines()]
    per_page = 20  # MUSANED_OFFICES_PER_PAGE
    pages = range(2, max(2, -(-len(uids) // per_page)) + 1)
    public = {"Accept-Language": "ar"}
    return {
        "directory": [
            record("GET", f"/offices/?city={city}&nationality={code}&sort=price", public)
            for city, code in pairs
        ],
        "directory_page": [
            record("GET", f"/offices/?sort=price&page={page}", public) for page in pages
        ],
        "office": [record("GET", f"/offices/{uid}/", public) for uid in uids],
        "api_offices": [
            record(
                "GET",
                f"/api/v1/offices?city={city}&nationality={code}&sort=price&limit=20",
                public,
            )
            for city, code in pairs
        ],
        "api_office": [record("GET", f"/api/v1/offices/{uid}", public) for uid in uids],
    }


# ------------------------------------------------------------------------ servers


@dataclass
class Server:
    size: str
    database: str
    port: int
    requests: dict = field(default_factory=dict)
    process: subprocess.Popen | None = None

    def env(self) -> dict:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.benchmark",
            "DATABASE_URL": f"{SERVER}/{self.database}",
            "MUSANED_CACHE_PREFIX": f"musaned-bench-{self.size}",
        }

    def start(self, workers: int, worker_class: str, gthreads: int, log: Path) -> None:
        command = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--backlog",
            "256",
            "--log-level",
            "warning",
        ]
        if worker_class == "gthread":
            command += ["--threads", str(gthreads)]
        # No access log: it would cost the same everywhere and measure the disk.
        self.process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=self.env(), stdout=log.open("w"), stderr=subprocess.STDOUT
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def send(self, line: str) -> tuple[int, str, bytes]:
        method, path, headers, body = line.rstrip("\n").split("\t", 3)
        body = body.replace("\\r\\n", "\r\n").replace("{{n}}", f"preflight{time.time_ns()}")
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            conn.request(
                method,
                path,
                body=body.encode() if body else None,
                headers=dict(h.split(": ", 1) for h in headers.split("|")),
            )
            response = conn.getresponse()
            return response.status, response.getheader("Location") or "", response.read()
        finally:
            conn.close()


def wait_ready(server: Server, line: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            sys.exit(
                f"gunicorn for {server.size} stopped; see var/bench/gunicorn-{server.size}.log"
            )
        try:
            server.send(line)
            return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"gunicorn for {server.size} did not answer in 60 s")


def preflight(server: Server, scenario: Scenario) -> str:
    lines = server.requests[scenario.name].read_text().splitlines(keepends=True)
    status, location, body = server.send(lines[0])
    problem = ""
    if status not in scenario.expect:
        problem = f"status {status}"
    elif scenario.location and not location.startswith(scenario.location):
        problem = f"redirect to {location!r}, expected {scenario.location!r}"
    elif status == 200 and b'aria-invalid="true"' in body:
        problem = "the form came back with errors"
    if problem:
        (BENCH_DIR / "preflight.html").write_bytes(body)
        sys.exit(f"{scenario.name}@{server.size}: {problem} (body in var/bench/preflight.html)")
    return f"{status} {location}".strip()


# ------------------------------------------------------------------------ wrk


def wrk(server: Server, scenario: Scenario, args, run_id: str) -> dict:
    threads = scenario.threads or args.threads
    connections = scenario.connections or args.connections
    duration = args.login_duration if scenario.name == "login" else args.duration
    env = {**os.environ, "REQUESTS": str(server.requests[scenario.name]), "RUN": run_id}
    url = f"http://{HOST}:{server.port}/"
    base = ["wrk", f"-t{threads}", f"-c{connections}", "--timeout", "10s", "-s"]
    base.append(str(ROOT / "benchmarks" / "replay.lua"))
    if args.warmup > 0:
        subprocess.run(  # noqa: S603
            [*base, f"-d{args.warmup}s", url],
            env={**env, "RUN": run_id + "w"},
            capture_output=True,
            check=True,
        )
    load = os.getloadavg()[0]
    started = time.time()
    done = subprocess.run(  # noqa: S603
        [*base, f"-d{duration}s", "--latency", url],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    (BENCH_DIR / "wrk").mkdir(exist_ok=True)
    (BENCH_DIR / "wrk" / f"{run_id}.txt").write_text(done.stdout + done.stderr)
    result = parse(done.stdout)
    result.update(load=load, at=started, connections=connections, threads=threads)
    unexpected = {s: n for s, n in result["statuses"].items() if s not in scenario.expect}
    result["unexpected"] = unexpected
    return result


def parse(text: str) -> dict:
    def number(pattern: str) -> float:
        match = re.search(pattern, text, re.M)
        if match is None:
            raise RuntimeError(f"no {pattern!r} in wrk's output:\n{text}")
        return float(match.group(1))

    statuses = re.search(r"^Statuses: (.*)$", text, re.M)
    errors = re.search(r"Socket errors: (.*)$", text, re.M)
    return {
        "rps": number(r"^Requests/sec:\s+([\d.]+)"),
        "requests": int(number(r"(\d+) requests in")),
        **{
            f"p{p.replace('.', '')}": number(rf"^Pct {p} ([\d.]+)")
            for p in ("50", "90", "95", "99")
        },
        "statuses": {
            int(s): int(n) for s, n in (part.split("=") for part in statuses.group(1).split())
        }
        if statuses and statuses.group(1)
        else {},
        "errors": errors.group(1) if errors else "",
    }


def argon2_verify_ms(encoded: str, password: str, repeat: int) -> float:
    """Median time of one ``argon2.PasswordHasher().verify`` of the accounts' real hash
    (Django stores ``argon2`` + the argon2 string; the parameters come from the hash)."""
    import argon2

    algorithm, rest = encoded.split("$", 1)
    assert algorithm == "argon2", algorithm
    hasher = argon2.PasswordHasher()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        hasher.verify("$" + rest, password)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


# ------------------------------------------------------------------------ report


def median_of(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def summarise(results: list[dict], sizes: list[str], scenarios: list[Scenario]) -> tuple[str, dict]:
    """The tables, as Markdown, and the figures they show."""
    figures: dict = {}
    for scenario in scenarios:
        for size in sizes:
            runs = [r for r in results if r["scenario"] == scenario.name and r["size"] == size]
            if not runs:
                continue
            row = {k: median_of(runs, k) for k in ("rps", "p50", "p95", "p99")}
            row["baseline_rps"] = median_of(runs, "baseline_rps")
            row["ratio"] = statistics.median(r["rps"] / r["baseline_rps"] for r in runs)
            row["statuses"] = {}
            for r in runs:
                for s, n in r["statuses"].items():
                    row["statuses"][s] = row["statuses"].get(s, 0) + n
            row["unexpected"] = sum(sum(r["unexpected"].values()) for r in runs)
            row["load"] = max(r["load"] for r in runs)
            if scenario.name == "login":
                row["argon2_ms"] = statistics.median(r["argon2_ms"] for r in runs)
                row["login_over_argon2"] = row["p50"] / row["argon2_ms"]
            figures[(scenario.name, size)] = row
    lines = []
    for size in sizes:
        lines += [
            "",
            f"### {SIZE_TITLES[size]} ({SIZES[size]})",
            "",
            "| scenario | req/s | p50 ms | p95 ms | p99 ms | baseline req/s | × baseline | statuses |",
            "|---|--:|--:|--:|--:|--:|--:|---|",
        ]
        for scenario in scenarios:
            row = figures.get((scenario.name, size))
            if row is None:
                continue
            statuses = " ".join(f"{s}={n}" for s, n in sorted(row["statuses"].items()))
            lines.append(
                f"| {scenario.title} | {row['rps']:.1f} | {row['p50']:.1f} | {row['p95']:.1f} "
                f"| {row['p99']:.1f} | {row['baseline_rps']:.0f} | {row['ratio']:.2f} | {statuses} |"
            )
    if len(sizes) == 2:
        small, large = sizes
        lines += [
            "",
            f"### {large} against {small} (change; goal: within ±10 %)",
            "",
            "| scenario | req/s | p50 | p95 | p99 | × baseline |",
            "|---|--:|--:|--:|--:|--:|",
        ]
        for scenario in scenarios:
            a, b = figures.get((scenario.name, small)), figures.get((scenario.name, large))
            if a is None or b is None:
                continue
            cells = [
                f"{(b[k] / a[k] - 1) * 100:+.1f} %" for k in ("rps", "p50", "p95", "p99", "ratio")
            ]
            lines.append(f"| {scenario.title} | " + " | ".join(cells) + " |")
    lines += ["", "### Goals", ""]
    for size in sizes:
        api = figures.get(("api", size))
        if api:
            verdict = "met" if api["ratio"] >= 0.5 else "MISSED"
            lines.append(
                f"- {size}: API inquiry at {api['ratio']:.2f}× the baseline's throughput "
                f"(goal ≥ 0.50×): {verdict}"
            )
        login = figures.get(("login", size))
        if login:
            verdict = "met" if login["login_over_argon2"] <= 1.5 else "MISSED"
            lines.append(
                f"- {size}: login password step p50 {login['p50']:.0f} ms, one Argon2 "
                f"verification alone {login['argon2_ms']:.0f} ms: "
                f"{login['login_over_argon2']:.2f}× (goal ≤ 1.5×): {verdict}"
            )
    if len(sizes) == 2:
        small, large = sizes
        for scenario in scenarios:
            a, b = figures.get((scenario.name, small)), figures.get((scenario.name, large))
            if a and b:
                worst = max(abs(b[k] / a[k] - 1) for k in ("rps", "p50"))
                verdict = "met" if worst <= 0.10 else "MISSED"
                lines.append(
                    f"- {scenario.name}: {large} vs {small}, largest change of req/s and p50 "
                    f"{worst * 100:.1f} % (goal ≤ 10 %): {verdict}"
                )
    return "\n".join(lines) + "\n", figures


# ------------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes",
        default="10k,1m",
        help="comma-separated: 10k, 1m, offices-50, offices, contracts-small, contracts",
    )
    parser.add_argument(
        "--scenarios",
        default=",".join(s.name for s in SCENARIOS if not (s.offices or s.recruitment)),
        help="comma-separated (the directory's: directory, directory_page, office, "
        "api_offices, api_office; the recruitment journey's: my_contracts, office_requests, "
        "offers_compare)",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds measured per run")
    parser.add_argument("--login-duration", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3, help="seconds thrown away before each")
    parser.add_argument("--rounds", type=int, default=1, help="repeat everything; medians")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--gthreads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8077)
    parser.add_argument("--argon2-repeat", type=int, default=5)
    parser.add_argument("--setup-for", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup_for:
        setup(args.setup_for)
        return

    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    wanted = {s.strip() for s in args.scenarios.split(",")}
    scenarios = [s for s in SCENARIOS if s.name in wanted]
    servers = []
    for index, size in enumerate(sizes):
        database = SIZES[size]
        if not (BENCH_DIR / database / "accounts.txt").exists():
            sys.exit(f"No samples for {database}: run benchmarks/generate.py --visas first.")
        servers.append(Server(size, database, args.port + index))
    started = time.time()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    password_hash = {}
    for server in servers:
        child = subprocess.run(  # noqa: S603
            [PYTHON, __file__, "--setup-for", server.database],
            cwd=ROOT,
            env=server.env(),
            capture_output=True,
            text=True,
        )
        if child.returncode:
            sys.exit(child.stderr)
        data = json.loads(child.stdout)
        server.requests = write_requests(server.database, data)
        password_hash[server.size] = data["password_hash"]
        print(
            f"{server.size}: {len(data['accounts'])} sessions, {len(data['people'])} people to "
            f"register, {data['deleted']} rows of earlier benchmark complaints deleted"
        )

    def stop_all(*_args):
        for server in servers:
            server.stop()
        if _args:
            sys.exit(1)

    signal.signal(signal.SIGTERM, stop_all)
    signal.signal(signal.SIGINT, stop_all)
    results = []
    try:
        for server in servers:
            server.start(
                args.workers,
                args.worker_class,
                args.gthreads,
                BENCH_DIR / f"gunicorn-{server.size}.log",
            )
        for server in servers:
            wait_ready(server, server.requests["baseline"].read_text().splitlines(keepends=True)[0])
            for scenario in [BASELINE, *scenarios]:
                print(f"  {scenario.name}@{server.size} -> {preflight(server, scenario)}")
        print(
            f"gunicorn {args.workers} {args.worker_class} workers per size; wrk {args.threads} "
            f"threads, {args.connections} connections (login: 1), {args.duration} s "
            f"(login {args.login_duration} s) after {args.warmup} s warm-up; load average "
            f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}",
            flush=True,
        )
        for round_number in range(args.rounds):
            for index, scenario in enumerate(scenarios):
                order = servers if (index + round_number) % 2 == 0 else servers[::-1]
                argon2_before = None
                if scenario.name == "login":
                    argon2_before = argon2_verify_ms(
                        password_hash[order[0].size], BENCH_PASSWORD, args.argon2_repeat
                    )
                measured = {}
                for position, server in enumerate(order):
                    run_id = f"{stamp}-r{round_number}-{scenario.name}-{server.size}"
                    if position == 0:
                        base = wrk(server, BASELINE, args, run_id + "-baseline")
                        measured[server.size] = wrk(server, scenario, args, run_id)
                    else:
                        measured[server.size] = wrk(server, scenario, args, run_id)
                        base = wrk(server, BASELINE, args, run_id + "-baseline")
                    row = measured[server.size]
                    row.update(
                        scenario=scenario.name,
                        size=server.size,
                        round=round_number,
                        baseline_rps=base["rps"],
                        baseline=base,
                    )
                    results.append(row)
                if argon2_before is not None:
                    argon2_after = argon2_verify_ms(
                        password_hash[order[-1].size], BENCH_PASSWORD, args.argon2_repeat
                    )
                    for server in order:
                        measured[server.size]["argon2_ms"] = (argon2_before + argon2_after) / 2
                for server in servers:
                    row = measured[server.size]
                    flag = f"  UNEXPECTED {row['unexpected']}" if row["unexpected"] else ""
                    print(
                        f"  round {round_number + 1} {scenario.name:12} {server.size:>3}: "
                        f"{row['rps']:8.1f} req/s p50 {row['p50']:7.1f} p95 {row['p95']:7.1f} "
                        f"p99 {row['p99']:7.1f} ms; baseline {row['baseline_rps']:7.1f} req/s "
                        f"-> {row['rps'] / row['baseline_rps']:.2f}x; load {row['load']:.2f}{flag}",
                        flush=True,
                    )
    finally:
        stop_all()
    table, _figures = summarise(results, sizes, scenarios)
    header = (
        f"Run {stamp}, {time.time() - started:.0f} s, {args.rounds} round(s); gunicorn "
        f"{args.workers} {args.worker_class} workers; wrk {args.threads} threads / "
        f"{args.connections} connections, {args.duration} s after {args.warmup} s warm-up; load "
        f"average during the runs {min(r['load'] for r in results):.2f}–"
        f"{max(r['load'] for r in results):.2f}\n"
    )
    print("\n" + header + table)
    (BENCH_DIR / f"report-{stamp}.md").write_text(header + table)
    (BENCH_DIR / f"results-{stamp}.json").write_text(json.dumps(results, indent=1, default=str))
    unexpected = [r for r in results if r["unexpected"] or r["baseline"]["unexpected"]]
    for r in unexpected:
        print(
            f"unexpected answers in {r['scenario']}@{r['size']}: {r['unexpected']} "
            f"(baseline {r['baseline']['unexpected']})"
        )
    sys.exit(1 if unexpected else 0)


if __name__ == "__main__":
    main()
