"""Fill a PostgreSQL database with realistic volumes, fast (COPY), for the benchmarks.

    DJANGO_SETTINGS_MODULE=config.settings.benchmark .venv/bin/python benchmarks/generate.py \
        --visas 1000000 --beneficiaries 200000

Creates the database named in DATABASE_URL (default ``musaned_bench`` on the local
server) if missing, migrates it, then COPYs beneficiaries and visa applications:

* beneficiaries: unique, random, Luhn-valid ID numbers (seven in ten citizens, ``1…``,
  three in ten residents, ``2…``), activated, with consent recorded;
* applications: random unique 10-digit Luhn-valid request, visa (``9…``) and issued
  (``4…``) numbers like ``musaned.core.numbering`` makes; mostly issued, the rest spread
  over the other states (numbers only where the state has them); owners skewed so a few
  sponsors hold many visas; catalogue foreign keys from the seeded catalogue rows.

Then ANALYZE. A second run with enough rows only rewrites the sample file; ``--reset``
empties users, applications and the audit log first (a dedicated database only!).

Writes ``var/bench/pairs.txt`` (git-ignored): ``issued_number national_id`` pairs for
the load script, nine in ten matching (200), one in ten a real issued number with
another sponsor's ID (404, the "mismatch" answer).
"""

import argparse
import base64
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.benchmark")

import django  # noqa: E402
import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/musaned_bench"
PAIRS = ROOT / "var" / "bench" / "pairs.txt"

# (state, share in %, has visa numbers)
STATES = [
    ("issued", 80, True),
    ("expired", 5, True),
    ("cancelled", 3, True),
    ("awaiting_payment", 4, False),
    ("rejected", 3, False),
    ("in_review", 2, False),
    ("draft", 3, False),
]


def luhn_number(body: str) -> str:
    from musaned.core.numbering import luhn_check_digit

    return body + luhn_check_digit(body)


def unique_numbers(rng: random.Random, count: int, prefix: str) -> list[str]:
    """``count`` distinct random 10-digit Luhn numbers; ``prefix`` empty = first digit 1-9."""
    if prefix:
        return [luhn_number(f"{prefix}{n:08d}") for n in rng.sample(range(10**8), count)]
    return [luhn_number(str(n)) for n in rng.sample(range(10**8, 10**9), count)]


def ensure_database(url: str) -> None:
    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}")


def write_pairs(cursor, rng: random.Random, count: int) -> int:
    """Sample real (issued number, sponsor ID) pairs; one in ten gets another sponsor's ID."""
    cursor.execute(
        "SELECT v.issued_number, u.national_id FROM visas_visaapplication v"
        " TABLESAMPLE BERNOULLI (5) REPEATABLE (2026)"
        " JOIN accounts_user u ON u.id = v.owner_id"
        " WHERE v.issued_number IS NOT NULL AND v.state = 'issued' LIMIT %s",
        (count,),
    )
    rows = cursor.fetchall()
    ids = [nid for _issued, nid in rows]
    lines = []
    for issued, nid in rows:
        if rng.random() < 0.1:
            other = rng.choice(ids)
            nid = other if other != nid else luhn_number(f"1{rng.randrange(10**8):08d}")
        lines.append(f"{issued} {nid}\n")
    PAIRS.parent.mkdir(parents=True, exist_ok=True)
    PAIRS.write_text("".join(lines))
    return len(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--visas", type=int, default=1_000_000)
    parser.add_argument("--beneficiaries", type=int, default=200_000)
    parser.add_argument("--pairs", type=int, default=10_000, help="size of the sample file")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--reset", action="store_true", help="empty users, applications and the audit log first"
    )
    args = parser.parse_args()

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    ensure_database(url)
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from musaned.visas.models import ArrivalPoint, Nationality, Occupation, RuleSet

    started = time.monotonic()

    def elapsed() -> str:
        return f"{time.monotonic() - started:.1f} s"

    call_command("migrate", verbosity=0)
    print(f"migrated in {elapsed()}")
    rng = random.Random(args.seed)  # noqa: S311 (repeatable test data, not secrets)
    with connection.cursor() as cursor:
        if args.reset:
            cursor.execute("TRUNCATE visas_visaapplication, accounts_user, core_auditevent CASCADE")
            print(f"emptied in {elapsed()}")
        cursor.execute("SELECT count(*) FROM visas_visaapplication")
        if cursor.fetchone()[0] >= args.visas:
            count = write_pairs(cursor, rng, args.pairs)
            print(f"The database already holds the visas (--reset to start again); {count} pairs")
            print(f"in {PAIRS}; done in {elapsed()}")
            return

    occupations = list(Occupation.objects.values_list("pk", flat=True))
    nationalities = list(Nationality.objects.values_list("pk", flat=True))
    arrivals = list(ArrivalPoint.objects.values_list("pk", flat=True))
    rule_set = RuleSet.objects.order_by("-effective_from").values_list("pk", flat=True).first()
    if not (occupations and nationalities and arrivals and rule_set):
        sys.exit("The catalogue is empty: the seed migrations did not run?")
    now = dt.datetime.now(dt.UTC)
    today = now.date()

    raw = connection.connection  # the psycopg 3 connection behind Django's
    raw.execute("SET synchronous_commit = off")
    raw.execute("SET maintenance_work_mem = '512MB'")
    with raw.cursor() as cursor:
        bodies = rng.sample(range(10**8), args.beneficiaries)
        with cursor.copy(
            "COPY accounts_user (password, is_superuser, username, first_name, last_name, email,"
            " is_staff, is_active, date_joined, national_id, id_type, birth_date, mobile,"
            " activated_at, privacy_notice_version, privacy_consent_at, preferred_language)"
            " FROM STDIN"
        ) as copy:
            for i, body in enumerate(bodies):
                resident = rng.random() < 0.3
                nid = luhn_number(f"{2 if resident else 1}{body:08d}")
                joined = now - dt.timedelta(seconds=rng.randrange(3 * 365 * 86400))
                copy.write_row(
                    (
                        "!",  # unusable password: nobody signs in as these
                        False,
                        nid,
                        f"Given{i % 997}",
                        f"Family{i % 4999}",
                        f"b{i}@example.com",
                        False,
                        True,
                        joined,
                        nid,
                        "resident" if resident else "citizen",
                        dt.date(
                            1950 + rng.randrange(50), 1 + rng.randrange(12), 1 + rng.randrange(28)
                        ),
                        f"+9665{rng.randrange(10**8):08d}",
                        joined,
                        "2026-11",
                        joined,
                        "ar" if rng.random() < 0.8 else "en",
                    )
                )
        cursor.execute("SELECT id FROM accounts_user WHERE password = '!' ORDER BY id")
        owners = [pk for (pk,) in cursor.fetchall()]
        print(f"{len(owners)} beneficiaries in {elapsed()}")

        references = unique_numbers(rng, args.visas, "")
        visa_numbers = unique_numbers(rng, args.visas, "9")
        issued_numbers = unique_numbers(rng, args.visas, "4")
        print(f"numbers drawn in {elapsed()}")
        state_weights = [share for _s, share, _n in STATES]
        with cursor.copy(
            "COPY visas_visaapplication (owner_id, reference, state, occupation_id, nationality_id,"
            " worker_gender, arrival_point_id, proof_type, monthly_salary, bank_balance,"
            " proof_document, proof_document_type, occupation_document, occupation_document_type,"
            " declaration, rule_set_id, fee, verdicts, submitted_at, decided_at, fix_by,"
            " visa_number, issued_number, issued_on, expires_on, verification_token,"
            " created_at, updated_at)"
            " FROM STDIN"
        ) as copy:
            for i in range(args.visas):
                state, _share, numbered = rng.choices(STATES, weights=state_weights)[0]
                # Skewed ownership: a few sponsors hold many visas, most hold a few.
                owner = owners[int(len(owners) * rng.random() ** 1.5)]
                created = now - dt.timedelta(seconds=rng.randrange(3 * 365 * 86400))
                submitted = None if state == "draft" else created + dt.timedelta(minutes=20)
                decided = (
                    created + dt.timedelta(hours=1)
                    if state not in ("draft", "awaiting_payment", "in_review")
                    else None
                )
                issued_on = decided.date() if numbered else None
                expires_on = issued_on + dt.timedelta(days=730) if numbered else None
                if state == "expired":
                    issued_on, expires_on = (
                        today - dt.timedelta(days=800),
                        today - dt.timedelta(days=70),
                    )
                salary = rng.random() < 0.6
                copy.write_row(
                    (
                        owner,
                        references[i],
                        state,
                        rng.choice(occupations),
                        rng.choice(nationalities),
                        "F" if rng.random() < 0.75 else "M",
                        rng.choice(arrivals),
                        "salary" if salary else "bank",
                        rng.randrange(8_000, 60_000) if salary else None,
                        None if salary else rng.randrange(50_000, 500_000),
                        "",
                        "",
                        "",
                        "",
                        state != "draft",
                        None if state == "draft" else rule_set,
                        None if state == "draft" else "2000.00",
                        "[]",
                        submitted,
                        decided,
                        (decided.date() + dt.timedelta(days=30)) if state == "rejected" else None,
                        visa_numbers[i] if numbered else None,
                        issued_numbers[i] if numbered else None,
                        issued_on,
                        expires_on,
                        base64.urlsafe_b64encode(rng.randbytes(32)).rstrip(b"=").decode()
                        if numbered
                        else None,
                        created,
                        decided or submitted or created,
                    )
                )
                if i and i % 250_000 == 0:
                    print(f"  {i} visas in {elapsed()}", flush=True)
        print(f"{args.visas} visas copied in {elapsed()} (indexes updated on the way)")
    raw.commit()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_user")
        cursor.execute("ANALYZE visas_visaapplication")
        print(f"analysed in {elapsed()}")
        count = write_pairs(cursor, rng, args.pairs)
    print(f"Done in {elapsed()}; {count} pairs in {PAIRS}")


if __name__ == "__main__":
    main()
