"""Fill a PostgreSQL database with realistic volumes, fast (COPY), for the benchmarks.

    DJANGO_SETTINGS_MODULE=config.settings.benchmark .venv/bin/python benchmarks/generate.py \
        --visas 1000000 --beneficiaries 200000

Creates the database named in DATABASE_URL (default ``musaned_bench``) if missing,
migrates it, then COPYs beneficiaries and issued visas. Numbers are unique and
non-sequential (a bijective shuffle of the row index) and IDs pass the Luhn check.
Writes ``var/bench/pairs.txt``: issued number and sponsor ID pairs for the load
script, nine in ten of them real.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.benchmark")

import django
import psycopg

MOD = 10**9


def shuffle(i: int, multiplier: int, offset: int) -> int:
    """A bijection on 0..10^9-1 (the multiplier is coprime with 10): unique, not sequential."""
    return (i * multiplier + offset) % MOD


def national_id(i: int, resident: bool) -> str:
    from musaned.core.numbering import luhn_check_digit

    body = f"{2 if resident else 1}{1_000_000 + i:08d}"
    return body + luhn_check_digit(body)


def ensure_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--visas", type=int, default=1_000_000)
    parser.add_argument("--beneficiaries", type=int, default=200_000)
    parser.add_argument("--reset", action="store_true", help="empty users and visas first")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/musaned_bench")
    os.environ["DATABASE_URL"] = url
    ensure_database(url)
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from musaned.visas.models import ArrivalPoint, Nationality, Occupation, RuleSet

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        if args.reset:
            cursor.execute("TRUNCATE visas_visaapplication, accounts_user, core_auditevent CASCADE")
        cursor.execute("SELECT count(*) FROM visas_visaapplication")
        if cursor.fetchone()[0] >= args.visas:
            print("The database already holds the visas; use --reset to start again.")
            return
    occupations = list(Occupation.objects.values_list("pk", flat=True))
    nationalities = list(Nationality.objects.values_list("pk", flat=True))
    arrivals = list(ArrivalPoint.objects.values_list("pk", flat=True))
    rule_set = RuleSet.objects.order_by("-effective_from").values_list("pk", flat=True).first()
    rng = random.Random(2026)  # noqa: S311 (repeatable test data, not secrets)
    now = dt.datetime.now(dt.UTC)
    today = now.date()

    raw = connection.connection  # the psycopg 3 connection behind Django's
    ids = []
    with raw.cursor() as cursor:
        with cursor.copy(
            "COPY accounts_user (password, is_superuser, username, first_name, last_name, email,"
            " is_staff, is_active, date_joined, national_id, id_type, birth_date, mobile,"
            " activated_at, privacy_notice_version, privacy_consent_at, preferred_language)"
            " FROM STDIN"
        ) as copy:
            for i in range(args.beneficiaries):
                resident = i % 10 < 3
                nid = national_id(i, resident)
                ids.append(nid)
                copy.write_row(
                    (
                        "!",
                        False,
                        f"user{i}",
                        "Beneficiary",
                        f"No{i}",
                        f"user{i}@example.com",
                        False,
                        True,
                        now,
                        nid,
                        "resident" if resident else "citizen",
                        dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
                        f"+9665{i:08d}",
                        now,
                        "bench",
                        now,
                        "ar",
                    )
                )
        cursor.execute("SELECT id, national_id FROM accounts_user WHERE username LIKE 'user%%'")
        pk_of = {nid: pk for pk, nid in cursor.fetchall()}
        print(f"{args.beneficiaries} beneficiaries in {time.monotonic() - started:.0f} s")

        pairs = []
        with cursor.copy(
            "COPY visas_visaapplication (owner_id, reference, state, occupation_id, nationality_id,"
            " worker_gender, arrival_point_id, proof_type, monthly_salary, bank_balance,"
            " proof_document, proof_document_type, occupation_document, occupation_document_type,"
            " declaration, rule_set_id, fee, verdicts, submitted_at, decided_at, visa_number,"
            " issued_number, issued_on, expires_on, verification_token, created_at, updated_at)"
            " FROM STDIN"
        ) as copy:
            for i in range(args.visas):
                owner = ids[i % len(ids)]
                issued_on = today - dt.timedelta(days=i % 700)
                issued = f"4{shuffle(i, 387_420_489, 123_457):09d}"
                copy.write_row(
                    (
                        pk_of[owner],
                        f"6{shuffle(i, 48_828_125 * 7 + 2, 987_654):09d}",
                        "issued",
                        rng.choice(occupations),
                        rng.choice(nationalities),
                        "F",
                        rng.choice(arrivals),
                        "bank",
                        None,
                        "50000",
                        "",
                        "",
                        "",
                        "",
                        True,
                        rule_set,
                        "2000",
                        "[]",
                        now,
                        now,
                        f"9{shuffle(i, 1_162_261_467, 55_555):09d}",
                        issued,
                        issued_on,
                        issued_on + dt.timedelta(days=730),
                        f"bench{i:038d}",
                        now,
                        now,
                    )
                )
                if i % (args.visas // 10_000 or 1) == 0:
                    pairs.append(
                        (issued, owner if rng.random() < 0.9 else ids[rng.randrange(len(ids))])
                    )
        print(f"{args.visas} visas in {time.monotonic() - started:.0f} s")
    raw.commit()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_user")
        cursor.execute("ANALYZE visas_visaapplication")
    out = Path(__file__).resolve().parent.parent / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "pairs.txt").write_text("".join(f"{a} {b}\n" for a, b in pairs))
    print(f"Done in {time.monotonic() - started:.0f} s; {len(pairs)} pairs in {out / 'pairs.txt'}")


if __name__ == "__main__":
    main()
