"""Where the time of one inquiry goes: in-process, one thread, no HTTP server.

    .venv/bin/python benchmarks/profile_inquiry.py [--database musaned_bench_1m]

Times N requests to the baseline and to the API through Django's full handler and
middleware (django.test.Client, same settings and database as the load test), then
profiles the API requests with cProfile and prints the heaviest calls. Also times the
pieces of the inquiry service on their own, each beside what it replaced: the lookup,
the audit write, the rate-limit counter.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.benchmark"

import django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--database", default="musaned_bench_1m")
    parser.add_argument("--pairs", help="default: var/bench/<database>/pairs.txt")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    args.pairs = args.pairs or str(ROOT / "var" / "bench" / args.database / "pairs.txt")
    django.setup()
    from django.db import connection, transaction
    from django.test import Client

    from musaned.core.audit import audit
    from musaned.visas.models import VisaApplication

    rng = random.Random(2026)  # noqa: S311
    pairs = [line.split() for line in Path(args.pairs).read_text().splitlines()]
    bodies = [
        json.dumps({"issued_number": a, "national_id": b})
        for a, b in rng.choices(pairs, k=args.requests)
    ]
    client = Client(SERVER_NAME="127.0.0.1", HTTP_ACCEPT_LANGUAGE="en")

    def run(url: str) -> float:
        started = time.perf_counter()
        for body in bodies:
            response = client.post(url, body, content_type="application/json")
            assert response.status_code in (200, 404), (url, response.status_code)
        return (time.perf_counter() - started) / len(bodies) * 1e6

    for url in ("/bench/baseline/", "/api/v1/visa-inquiry"):
        run(url)  # warm-up
    timings = {url: run(url) for url in ("/bench/baseline/", "/api/v1/visa-inquiry")}
    for url, us in timings.items():
        print(f"{url:24} {us:8.0f} µs per request (in-process, one thread)")

    # The pieces of the inquiry service, alone.
    from django.test import RequestFactory

    request = RequestFactory().post("/", REMOTE_ADDR="127.0.0.1")

    def piece(fn) -> float:
        started = time.perf_counter()
        for a, b in rng.choices(pairs, k=args.requests):
            fn(a, b)
        return (time.perf_counter() - started) / args.requests * 1e6

    from musaned.visas.inquiry import CARD_FIELDS, CATALOGUES

    def lookup_now(a, b):
        found = (
            VisaApplication.objects.filter(issued_number=a, owner__national_id=b)
            .select_related("owner")
            .only(*CARD_FIELDS)
            .order_by()[:1]
        )
        application = next(iter(found), None)
        if application is not None:
            CATALOGUES.attach(application)

    pieces = {
        "baseline lookup (.values().first())": lambda a, b: (
            VisaApplication.objects.filter(issued_number=a, owner__national_id=b)
            .values("visa_number", "issued_number", "state", "issued_on", "expires_on")
            .first()
        ),
        "issue 4: select_related x4, all columns": lambda a, b: (
            VisaApplication.objects.filter(issued_number=a, owner__national_id=b)
            .select_related("owner", "occupation", "nationality", "arrival_point")
            .first()
        ),
        "issue 4 fix: select_related x4, .only() the card": lambda a, b: (
            VisaApplication.objects.filter(issued_number=a, owner__national_id=b)
            .select_related("owner", "occupation", "nationality", "arrival_point")
            .only(*OLD_CARD_COLUMNS)
            .first()
        ),
        "now: owner only, names in process, no ORDER BY": lookup_now,
        "audit row in its own transaction (BEGIN/COMMIT)": lambda a, b: _audit(transaction, audit),
        "audit row, one INSERT in autocommit (now)": lambda a, b: audit(
            "visa.inquiry", national_id="1*******08", found=False
        ),
        "rate limit: django-ratelimit on Redis (3 trips)": lambda a, b: _limit(request),
        "rate limit: count_and_check (1 trip, now)": lambda a, b: _count(request),
        "one round trip (SELECT 1)": lambda a, b: _select1(connection),
    }
    for name, fn in pieces.items():
        print(f"  {name:50} {piece(fn):7.0f} µs")

    profiler = cProfile.Profile()
    profiler.enable()
    run("/api/v1/visa-inquiry")
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())


# The columns issue 4's version selected (five tables).
OLD_CARD_COLUMNS = (
    "reference",
    "visa_number",
    "issued_number",
    "state",
    "worker_gender",
    "issued_on",
    "expires_on",
    "owner__first_name",
    "owner__last_name",
    *(
        f"{fk}__name_{lang}"
        for fk in ("occupation", "nationality", "arrival_point")
        for lang in ["ar", "en"]
    ),
)


def _audit(transaction, audit) -> None:
    with transaction.atomic():
        audit("visa.inquiry", national_id="1*******08", found=False)


def _count(request) -> None:
    from musaned.core.ratelimits import count_and_check

    count_and_check(request, group="profile", rate="1000000000/s", method="POST")


def _limit(request) -> None:
    from django_ratelimit.core import is_ratelimited

    from musaned.core.ratelimits import client_key

    is_ratelimited(
        request, group="profile", key=client_key, rate="1000000000/s", method="POST", increment=True
    )


def _select1(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


if __name__ == "__main__":
    main()
