"""Where the time of each load scenario goes: in process, one thread, no HTTP server.

    .venv/bin/python benchmarks/profile_scenarios.py [--database musaned_bench_1m]
        [--scenarios hub,complaint] [--requests 300] [--top 25]

Replays the request files benchmarks/load.py wrote (var/bench/<database>/requests/, so
run load.py once first: its setup made the sessions they carry) through Django's full
handler and middleware (django.test.Client, CSRF checks on), with the benchmark settings
and that database. For each scenario it prints the wall time and the CPU time of this
process per request, the SQL statements per request (and how many write), and the Redis
calls; with ``--top`` the heaviest functions by cumulative time (cProfile).
CPU time counts only this process: PostgreSQL's and Redis's own work are not in it.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.benchmark"

import django  # noqa: E402

DEFAULT = "baseline,api,page,hub,my_visas,complaint,registration,login"


def parse(line: str) -> tuple[str, str, dict, str]:
    method, path, headers, body = line.rstrip("\n").split("\t", 3)
    return (
        method,
        path,
        dict(h.split(": ", 1) for h in headers.split("|") if h),
        body.replace("\\r\\n", "\r\n"),
    )


def explain(connection, captured: list[dict], requests: int, sample: int) -> tuple[float, str]:
    """Run the reads of the first ``sample`` requests again under EXPLAIN (ANALYZE,
    BUFFERS): the shared buffers they touch per request (the work PostgreSQL does, which
    is what would grow with the tables; machine load does not change it), and the
    sequential scans in their plans, by table."""
    if not sample:
        return 0.0, "-"
    share = max(1, round(len(captured) / requests * sample))
    total, scans = 0, set()
    with connection.cursor() as cursor:
        for query in captured[:share]:
            sql = query["sql"]
            if not sql.lstrip("(").upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0][0]["Plan"]
            # A node's buffers include its children's: the top node's are the query's.
            total += plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)
            stack = [plan]
            while stack:
                node = stack.pop()
                if node["Node Type"] == "Seq Scan":
                    scans.add(node["Relation Name"])
                stack.extend(node.get("Plans", []))
    return total / min(sample, requests), ",".join(sorted(scans)) or "none"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default="musaned_bench_1m")
    parser.add_argument("--scenarios", default=DEFAULT)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=0, help="print the N heaviest functions")
    parser.add_argument(
        "--explain",
        type=int,
        default=20,
        help="EXPLAIN ANALYZE the reads of this many requests per scenario (0: none)",
    )
    args = parser.parse_args()
    from benchmarks.load import SIZES

    # load.py's cache prefix for this database, where it wrote the sessions.
    size = {db: name for name, db in SIZES.items()}.get(args.database) or args.database.rsplit(
        "_", 1
    )[-1]
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    os.environ["MUSANED_CACHE_PREFIX"] = f"musaned-bench-{size}"  # load.py's, for the sessions
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from redis.client import Redis

    calls = {"redis": 0}
    original = Redis.execute_command

    def counted(self, *a, **k):
        calls["redis"] += 1
        return original(self, *a, **k)

    Redis.execute_command = counted
    folder = ROOT / "var" / "bench" / args.database / "requests"
    counter = 0
    print(f"{args.database}: per request, in process (one thread)")
    print(
        f"{'scenario':13} {'wall µs':>8} {'CPU µs':>8} {'SQL':>5} {'writes':>6} {'Redis':>5}  status"
    )
    for name in args.scenarios.split(","):
        lines = (folder / f"{name}.txt").read_text().splitlines()
        client = Client(enforce_csrf_checks=True, SERVER_NAME="127.0.0.1")

        def one(line: str, client=client) -> int:
            nonlocal counter
            counter += 1
            method, path, headers, body = parse(line)
            body = body.replace("{{n}}", f"p{os.getpid()}x{counter}")
            extra = {"HTTP_COOKIE": headers.get("Cookie", "")}
            if "Accept-Language" in headers:
                extra["HTTP_ACCEPT_LANGUAGE"] = headers["Accept-Language"]
            client.cookies.clear()
            response = client.generic(
                method,
                path,
                body.encode() if body else b"",
                content_type=headers.get("Content-Type", "application/octet-stream"),
                **extra,
            )
            return response.status_code

        count = min(args.requests, len(lines) * 20)
        batch = [lines[i % len(lines)] for i in range(count)]
        for line in batch[: max(5, count // 10)]:
            one(line)  # warm-up
        statuses: dict[int, int] = {}
        calls["redis"] = 0
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            for line in batch:
                status = one(line)
                statuses[status] = statuses.get(status, 0) + 1
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        writes = sum(
            1
            for q in queries.captured_queries
            if q["sql"].lstrip("(").split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")
        )
        buffers, scans = explain(connection, queries.captured_queries, len(batch), args.explain)
        print(
            f"{name:13} {wall / count * 1e6:8.0f} {cpu / count * 1e6:8.0f} "
            f"{len(queries) / count:5.1f} {writes / count:6.1f} {calls['redis'] / count:5.1f} "
            f"{buffers:8.1f} {scans:>9}  "
            + " ".join(f"{s}={n}" for s, n in sorted(statuses.items()))
        )
        if args.top:
            profiler = cProfile.Profile()
            profiler.enable()
            for line in batch:
                one(line)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
            print(out.getvalue())


if __name__ == "__main__":
    main()
