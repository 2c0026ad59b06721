"""Fill a PostgreSQL database with realistic volumes, fast (COPY), for the benchmarks.

    .venv/bin/python benchmarks/generate.py --visas 10000      # -> musaned_bench_10k
    .venv/bin/python benchmarks/generate.py --visas 1000000    # -> musaned_bench_1m

The size switch ``--visas N`` picks the database (``musaned_bench_10k``,
``musaned_bench_1m``, otherwise ``musaned_bench_<N>``; ``--database`` overrides) on the
server ``--server`` (default the local one). The other volumes follow the visas unless
given: beneficiaries N/5, complaints N/10, registry people without an account N/20,
audit history one row per visa. So 1,000,000 visas come with 200,000 beneficiaries,
100,000 complaints, 250,000 registry people and 1,000,000 audit rows; 10,000 visas with
2,000, 1,000, 2,500 and 10,000. DATABASE_URL is ignored on purpose: this script empties
and fills whole tables, and refuses any database whose name does not start with
``musaned_bench``.

It creates the database if missing, migrates it, and COPYs (psycopg 3), in one
transaction, with the tables' secondary indexes and constraints dropped during the
load and rebuilt after it:

* beneficiaries: unique, random, Luhn-valid ID numbers (seven in ten citizens, ``1…``,
  three in ten residents, ``2…``), activated, consent recorded, a mobile; an unusable
  password except for the sign-in accounts (below);
* 20 complaint officers (staff);
* the identity registry (the stand-in for the national registry): every beneficiary,
  plus people who have no account yet (the registration benchmark registers them);
* visa applications: random unique 10-digit Luhn-valid request, visa (``9…``) and
  issued (``4…``) numbers like ``musaned.core.numbering`` makes; mostly issued, the rest
  spread over the other states (numbers only where the state has them); owners skewed
  so a few sponsors hold many visas; catalogue foreign keys from the seeded catalogues;
* complaints: unique 12-digit numbers (``7…``, Luhn), categories, contact preferences,
  states by age (recent ones open, old ones closed, resolved or rejected), the clocks
  computed with the real working-day rule under the service level in effect on the day
  (the seeded one from 2024, and an older one the script adds), officers assigned,
  ratings; nine in ten answered ones have a conversation (answers, requests for information,
  replies, resolutions, rejections, internal notes);
* audit history (inquiries, sign-ins, codes, complaints), so the inquiry's audit insert
  lands in a table of realistic size;
* with ``--offices N`` (default none): N licensed recruitment offices in the seeded cities
  (nine in ten active, the rest suspended, expired or withdrawn), each recruiting three to
  six nationalities and two to four occupations, one price per nationality and occupation
  it offers (under the ceiling in force, as the service would refuse otherwise; a few
  suspended by it), the ministry's decisions (warnings, penalty points, suspensions) over
  three years; and every complaint of the category "office" names one of them, skewed
  (a few offices draw many complaints), in the states of the amicable phase too (with
  the office, the office answered) with the office's window and answer times.
  ``--office-share P`` makes P % of the complaints be about an office (default 30, the
  share above). The directory benchmark uses ``--visas 10000 --complaints 100000
  --offices 1000 --office-share 100 --database musaned_bench_offices``: 1,000 offices and
  100,000 complaints naming them.

Then ANALYZE, and the sample files the load script reads, in ``var/bench/<database>/``
(git-ignored):

* ``pairs.txt``: ``issued_number national_id`` pairs, nine in ten matching (200), one in
  ten a real issued number with another sponsor's ID (404, the "mismatch" answer);
* ``accounts.txt``: ``user_id national_id`` of the sign-in accounts: 1,000 beneficiaries
  spread evenly over the ownership ranking (so they hold as many visas at 10,000 visas
  as at 1,000,000), with the password ``BENCH_PASSWORD`` hashed with the production
  hasher (Argon2, Django's default cost);
* ``registry.txt``: people in the registry without an account (the registration step);
* with offices, ``offices.txt``: the opaque ids of the listed offices, and
  ``directory.txt``: ``city nationality`` filter pairs that list at least one office.

A second run on a filled database only rewrites the sample files; ``--reset`` drops the
database and makes it again (migrations, seeded catalogues) first.
"""

import argparse
import base64
import datetime as dt
import itertools
import json
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.benchmark"

import django  # noqa: E402
import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
BENCH_DIR = ROOT / "var" / "bench"
BENCH_PASSWORD = "bench-passphrase-2026"  # noqa: S105 (the benchmark accounts' password)
SIGN_IN_ACCOUNTS = 1000
OFFICERS = 20

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
CATEGORIES = [
    ("office", 30),
    ("visa", 20),
    ("worker", 25),
    ("payment", 10),
    ("technical", 10),
    ("other", 5),
]
CONTACT = [("sms", 60), ("email", 25), ("phone", 15)]
SUBJECTS = {
    "office": ("المكتب لم يرد على طلبي", "The office has not answered for two weeks"),
    "visa": ("تأخر إصدار التأشيرة", "The visa shows the wrong occupation"),
    "worker": ("العاملة لم تصل بعد", "The worker left before the end of the contract"),
    "payment": ("تم الخصم مرتين", "I paid the fee twice"),
    "technical": ("لا تظهر صفحة الدفع", "The payment page does not open"),
    "other": ("استفسار عام", "A question about the rules"),
}
DESCRIPTION = (
    "تواصلت مع المكتب عدة مرات دون رد، وأرفقت رقم الطلب. "
    "I contacted the office several times without an answer; the request number is above. "
) * 3
FIRST_AR = ("محمد", "عبدالله", "فهد", "سارة", "نورة", "خالد", "ريم", "سلطان", "هند", "فيصل")
FAMILY_AR = ("العتيبي", "القحطاني", "الشمري", "الدوسري", "الحربي", "الزهراني", "المطيري")
NATIONALITIES = ("EGY", "IND", "PAK", "PHL", "IDN", "BGD", "LKA", "KEN", "UGA", "ETH")


# --------------------------------------------------------------------------- numbers


def check_digit(body: str) -> str:
    """The Luhn check digit of ``body`` (the rule of ``musaned.core.numbering``, inlined:
    the project's version tries the ten digits, which costs seconds over millions)."""
    total = 0
    for index, char in enumerate(reversed(body)):
        digit = ord(char) - 48
        if index % 2 == 0:  # doubled: these are the odd places once the check digit follows
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return str(-total % 10)


def unique_numbers(rng: random.Random, count: int, prefix: str, width: int = 8) -> list[str]:
    """``count`` distinct random Luhn numbers: ``prefix``, ``width`` random digits, check."""
    return [
        body + check_digit(body)
        for body in (f"{prefix}{n:0{width}d}" for n in rng.sample(range(10**width), count))
    ]


def random_references(rng: random.Random, count: int) -> list[str]:
    """Request numbers: 10 digits, the first 1-9, like ``random_number(10)``."""
    return [body + check_digit(body) for body in map(str, rng.sample(range(10**8, 10**9), count))]


# --------------------------------------------------------------------------- database


def database_name(visas: int) -> str:
    """musaned_bench_10k, musaned_bench_1m, ..."""
    if visas % 1_000_000 == 0:
        return f"musaned_bench_{visas // 1_000_000}m"
    if visas % 1_000 == 0:
        return f"musaned_bench_{visas // 1_000}k"
    return f"musaned_bench_{visas}"


def drop_database(server: str, name: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def ensure_database(server: str, name: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}")


class Unindexed:
    """Drop a table's secondary indexes and constraints (all but the primary key) for a
    bulk load, and rebuild them after it, in the caller's transaction."""

    def __init__(self, conn, table: str):
        self.conn, self.table = conn, table
        self.constraints = conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype <> 'p' ORDER BY contype <> 'f'",
            (table,),
        ).fetchall()
        self.indexes = conn.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
            " JOIN pg_class i ON i.oid = x.indexrelid"
            " WHERE x.indrelid = %s::regclass AND NOT x.indisprimary"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
            (table,),
        ).fetchall()

    def __enter__(self):
        for name, _definition in self.constraints:
            self.conn.execute(
                sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                    sql.Identifier(self.table), sql.Identifier(name)
                )
            )
        for name, _definition in self.indexes:
            self.conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
        return self

    def __exit__(self, *exc):
        if exc[0] is not None:
            return False  # the transaction rolls back, the definitions come back with it
        for _name, definition in self.indexes:
            self.conn.execute(definition)
        # Unique and check constraints first, foreign keys last (ORDER BY above, reversed).
        for name, definition in reversed(self.constraints):
            self.conn.execute(
                sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ").format(
                    sql.Identifier(self.table), sql.Identifier(name)
                )
                + sql.SQL(definition)
            )
        return False


def next_id(conn, table: str) -> int:
    return conn.execute(
        sql.SQL("SELECT COALESCE(max(id), 0) + 1 FROM {}").format(sql.Identifier(table))
    ).fetchone()[0]


def reset_sequence(conn, table: str) -> None:
    conn.execute(
        sql.SQL("SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM {}))").format(
            sql.Identifier(table)
        ),
        (table,),
    )


def copy_rows(conn, table: str, columns: str, rows) -> int:
    count = 0
    with conn.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


# --------------------------------------------------------------------------- sample files


def write_samples(conn, rng: random.Random, out: Path, pairs: int) -> dict:
    """The load script's inputs; see the module docstring."""
    out.mkdir(parents=True, exist_ok=True)
    rows = conn.execute(
        "SELECT v.issued_number, u.national_id FROM visas_visaapplication v"
        " TABLESAMPLE BERNOULLI (%s) REPEATABLE (2026)"
        " JOIN accounts_user u ON u.id = v.owner_id"
        " WHERE v.issued_number IS NOT NULL AND v.state = 'issued' LIMIT %s",
        (min(100.0, 100.0 * pairs * 2 / max(1, _count(conn, "visas_visaapplication"))), pairs),
    ).fetchall()
    ids = [nid for _issued, nid in rows]
    lines = []
    for issued, nid in rows:
        if rng.random() < 0.1:
            nid = rng.choice(ids)  # almost always another sponsor's: the "mismatch" 404
        lines.append(f"{issued} {nid}\n")
    rng.shuffle(lines)
    (out / "pairs.txt").write_text("".join(lines))
    accounts = conn.execute(
        "SELECT id, national_id FROM accounts_user WHERE password LIKE 'argon2%%'"
        " AND national_id IS NOT NULL ORDER BY id"
    ).fetchall()
    (out / "accounts.txt").write_text("".join(f"{pk} {nid}\n" for pk, nid in accounts))
    people = conn.execute(
        "SELECT r.national_id, r.id_type, r.first_name_en, r.family_name_en, r.birth_date"
        " FROM identity_registryperson r WHERE NOT EXISTS"
        " (SELECT 1 FROM accounts_user u WHERE u.national_id = r.national_id)"
        " ORDER BY r.national_id LIMIT 100000"
    ).fetchall()
    (out / "registry.txt").write_text(
        "".join(
            f"{nid} {kind} {first} {family} {born:%Y-%m-%d}\n"
            for nid, kind, first, family, born in people
        )
    )
    owned = conn.execute(
        "SELECT avg(n), max(n) FROM (SELECT count(*) n FROM visas_visaapplication v"
        " JOIN accounts_user u ON u.id = v.owner_id WHERE u.password LIKE 'argon2%%'"
        " GROUP BY v.owner_id) t"
    ).fetchone()
    offices = conn.execute(
        "SELECT uid FROM offices_office WHERE state = 'active' ORDER BY id"
    ).fetchall()
    info = {}
    if offices:
        uids = [str(uid) for (uid,) in offices]
        rng.shuffle(uids)
        (out / "offices.txt").write_text("".join(f"{uid}\n" for uid in uids))
        combos = conn.execute(
            "SELECT c.code, n.code, count(DISTINCT o.id) FROM offices_office o"
            " JOIN offices_city c ON c.id = o.city_id"
            " JOIN offices_office_nationalities x ON x.office_id = o.id"
            " JOIN visas_nationality n ON n.id = x.nationality_id"
            " WHERE o.state = 'active' GROUP BY c.code, n.code ORDER BY c.code, n.code"
        ).fetchall()
        (out / "directory.txt").write_text("".join(f"{c} {n}\n" for c, n, _k in combos))
        info = {
            "listed offices": len(uids),
            "city and nationality filters (offices each: mean, max)": (
                len(combos),
                round(statistics.mean(k for _c, _n, k in combos), 1),
                max(k for _c, _n, k in combos),
            ),
        }
    info.update(recruitment_samples(conn, rng, out))
    return {
        **info,
        "pairs": len(lines),
        "accounts": len(accounts),
        "registry": len(people),
        "visas per sign-in account (mean, max)": (round(float(owned[0] or 0), 2), owned[1]),
    }


def recruitment_samples(conn, rng: random.Random, out: Path) -> dict:
    """``recruitment.txt``: ``scenario user_id path`` for the signed-in recruitment pages:
    "My contracts" of the 10 beneficiaries with the most contracts and 90 others who have
    one; the incoming queue of the 10 busiest offices' managers and 90 other offices'; the
    offers' comparison of 100 requests holding offers, by their owners."""
    if not _count(conn, "recruitment_contract"):
        return {}
    lines = []
    ranked = conn.execute(
        "SELECT beneficiary_id, count(*) n FROM recruitment_contract"
        " GROUP BY beneficiary_id ORDER BY n DESC, beneficiary_id"
    ).fetchall()
    chosen = ranked[:10] + rng.sample(ranked[10:], min(90, len(ranked) - 10))
    lines += [f"my_contracts {user} /recruitment/contracts/\n" for user, _n in chosen]
    busy = conn.execute(
        "SELECT m.user_id, count(*) n FROM recruitment_requestoffice r"
        " JOIN offices_officemembership m ON m.office_id = r.office_id AND m.ended_at IS NULL"
        " AND m.role = 'manager' GROUP BY m.user_id ORDER BY n DESC, m.user_id"
    ).fetchall()
    queues = busy[:10] + rng.sample(busy[10:], min(90, len(busy) - 10))
    lines += [f"office_requests {user} /office/recruitment/\n" for user, _n in queues]
    offered = conn.execute(
        "SELECT owner_id, uid, (SELECT count(*) FROM recruitment_offer o"
        " WHERE o.request_id = r.id AND o.state = 'sent') FROM recruitment_recruitmentrequest r"
        " WHERE state = 'offered' ORDER BY id"
    ).fetchall()
    compared = rng.sample(offered, min(100, len(offered)))
    lines += [f"offers_compare {user} /recruitment/{uid}/\n" for user, uid, _n in compared]
    (out / "recruitment.txt").write_text("".join(lines))
    return {
        "my contracts: contracts per account (top 10 mean, all sampled mean)": (
            round(statistics.mean(n for _u, n in chosen[:10]), 1),
            round(statistics.mean(n for _u, n in chosen), 1),
        ),
        "incoming queue: requests per office (top 10 mean, all sampled mean)": (
            round(statistics.mean(n for _u, n in queues[:10]), 1),
            round(statistics.mean(n for _u, n in queues), 1),
        ),
        "comparison: offers per request (mean, max)": (
            round(statistics.mean(n for _u, _uid, n in compared), 2),
            max(n for _u, _uid, n in compared),
        ),
    }


def _count(conn, table: str) -> int:
    return conn.execute(
        sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
    ).fetchone()[0]


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--visas", type=int, default=1_000_000)
    parser.add_argument("--beneficiaries", type=int, help="default: visas / 5")
    parser.add_argument("--complaints", type=int, help="default: visas / 10")
    parser.add_argument(
        "--unregistered", type=int, help="registry people without an account; default: visas / 20"
    )
    parser.add_argument("--audit", type=int, help="audit history rows; default: one per visa")
    parser.add_argument("--offices", type=int, default=0, help="recruitment offices; default none")
    parser.add_argument(
        "--contracts",
        type=int,
        default=0,
        help="recruitment contracts (needs --offices and as many issued visas); default none",
    )
    parser.add_argument(
        "--office-share",
        type=int,
        default=dict(CATEGORIES)["office"],
        help="per cent of the complaints about an office (default 30)",
    )
    parser.add_argument("--database", help="default: from --visas, e.g. musaned_bench_1m")
    parser.add_argument("--server", default=DEFAULT_SERVER)
    parser.add_argument("--pairs", type=int, default=10_000, help="size of pairs.txt")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--reset", action="store_true", help="drop and make the database again first"
    )
    args = parser.parse_args()
    visas = args.visas
    beneficiaries = args.beneficiaries or max(10, visas // 5)
    complaints = args.complaints if args.complaints is not None else visas // 10
    unregistered = args.unregistered if args.unregistered is not None else max(100, visas // 20)
    audit_rows = args.audit if args.audit is not None else visas
    name = args.database or database_name(visas)
    if not name.startswith("musaned_bench"):
        sys.exit(f"{name}: the benchmark databases are called musaned_bench*")
    url = f"{args.server}/{name}"
    out = BENCH_DIR / name

    started = time.monotonic()

    def step(what: str) -> None:
        print(f"{time.monotonic() - started:7.1f} s  {what}", flush=True)

    if args.reset:
        # The whole database again: emptying tables one by one would also empty, through
        # their foreign keys, the catalogues the migrations seed (the price ceilings name
        # the user who set them, so TRUNCATE accounts_user CASCADE took them too).
        drop_database(args.server, name)
        step("dropped")
    ensure_database(args.server, name)
    os.environ["DATABASE_URL"] = url
    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from musaned.core.numbering import luhn_check_digit

    for body in ("123456789", "400000000", "7000000001", "999999999"):
        assert check_digit(body) == luhn_check_digit(body), body

    call_command("migrate", verbosity=0)
    step(f"migrated {name}")
    rng = random.Random(args.seed)  # noqa: S311 (repeatable test data, not secrets)
    with psycopg.connect(url) as conn:
        have = _count(conn, "visas_visaapplication")
        if have >= visas:
            info = write_samples(conn, rng, out, args.pairs)
            step(f"already filled ({have} visas; --reset to start again); samples: {info}")
            return
        if have:
            sys.exit(f"{name} holds {have} visas, fewer than {visas}: use --reset")
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '512MB'")
        fill(
            conn,
            rng,
            step,
            make_password,
            visas=visas,
            beneficiaries=beneficiaries,
            complaints=complaints,
            unregistered=unregistered,
            audit_rows=audit_rows,
            offices=args.offices,
            office_share=args.office_share,
            contracts=args.contracts,
        )
        conn.commit()
        step("committed")
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
        step("vacuumed and analysed")
        info = write_samples(conn, rng, out, args.pairs)
    size = _size(url)
    step(f"done: {info}; database {size}; samples in {out}")


def _size(url: str) -> str:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT pg_size_pretty(pg_database_size(current_database()))"
        ).fetchone()[0]


def weighted(rng: random.Random, choices: list[tuple]):
    """A function drawing one of the values with the given weights."""
    values = [value for value, _weight in choices]
    cumulative = list(itertools.accumulate(weight for _value, weight in choices))
    return lambda: rng.choices(values, cum_weights=cumulative)[0]


OFFICE_STATES = [("active", 90), ("suspended", 5), ("expired", 3), ("withdrawn", 2)]
# The nationalities offices recruit most, with how common each is among offices.
OFFICE_NATIONALITIES = [
    ("PHL", 60), ("KEN", 45), ("UGA", 40), ("ETH", 35), ("BGD", 35), ("LKA", 30),
    ("IND", 30), ("IDN", 25), ("PAK", 15), ("NPL", 10), ("BDI", 5), ("SLE", 5),
]  # fmt: skip
OFFICE_OCCUPATIONS = ["housemaid", "private-driver", "cook", "nanny", "cleaner", "home-nurse"]
OFFICE_NAMES = ("النخبة", "الخليج", "الوفاء", "الأمانة", "السريع", "الرواد", "الإتقان", "الثقة")
SANCTION_GROUNDS = ["delay", "money_outside", "refund_unpaid", "complaints", "documents"]


def fill_offices(conn, rng, step, count, officers, now) -> list[int]:
    """``count`` offices with their nationalities, occupations, prices and the ministry's
    decisions (see the module's docstring); returns the offices' ids."""
    import uuid

    today = now.date()
    cities = [r[0] for r in conn.execute("SELECT id FROM offices_city ORDER BY sort_order")]
    nationality_ids = dict(conn.execute("SELECT code, id FROM visas_nationality"))
    occupation_ids = dict(conn.execute("SELECT code, id FROM visas_occupation"))
    # The ceiling in force per nationality (the latest one taking effect by today).
    ceilings = {
        nationality: (ceiling, Decimal(amount))
        for nationality, ceiling, amount in conn.execute(
            "SELECT DISTINCT ON (nationality_id) nationality_id, id, amount"
            " FROM offices_priceceiling WHERE occupation_id IS NULL AND effective_from <= %s"
            " ORDER BY nationality_id, effective_from DESC",
            (today,),
        )
    }
    if not cities or not ceilings:
        sys.exit("The offices' catalogue is empty: the seed migrations did not run?")
    pick_state = weighted(rng, OFFICE_STATES)
    # Cities weighted like the population: the big three hold most offices.
    city_weights = [30, 20, 8, 6, 8, 4] + [1.5] * (len(cities) - 6)
    first_office = next_id(conn, "offices_office")
    ids = list(range(first_office, first_office + count))
    offices, recruits, trades, prices, sanctions = [], [], [], [], []
    for k, pk in enumerate(ids):
        state = pick_state()
        registered = now - dt.timedelta(days=rng.randrange(30, 6 * 365))
        expires = today + dt.timedelta(days=rng.randrange(30, 3 * 365))
        suspended_until = None
        if state == "suspended":
            suspended_until = today + dt.timedelta(days=rng.randrange(7, 120))
        elif state == "expired":
            expires = today - dt.timedelta(days=rng.randrange(1, 200))
        city = rng.choices(cities, city_weights[: len(cities)])[0]
        name = OFFICE_NAMES[k % len(OFFICE_NAMES)]
        offices.append(
            (
                pk,
                registered,
                registered,
                str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                f"مكتب {name} للاستقدام {k + 1}",
                f"Bench Recruitment Office {k + 1:04d}",
                f"BENCH-{k + 1:05d}",
                expires,
                f"{1010000000 + k}",
                city,
                f"{k + 1} King Fahd Road",
                f"+96611{rng.randrange(10**7):07d}",
                f"office{k + 1}@bench.example",
                Decimal(rng.choice([100_000, 150_000, 250_000, 500_000])),
                state,
                suspended_until,
                officers[k % len(officers)],
            )
        )
        chosen = set()
        while len(chosen) < rng.randrange(3, 7):
            chosen.add(rng.choices(*zip(*OFFICE_NATIONALITIES, strict=True))[0])
        occupations = rng.sample(OFFICE_OCCUPATIONS, rng.randrange(2, 5))
        recruits += [(pk, nationality_ids[code]) for code in sorted(chosen)]
        trades += [(pk, occupation_ids[code]) for code in occupations]
        for code in sorted(chosen):
            nationality = nationality_ids[code]
            for occupation in rng.sample(occupations, rng.randrange(1, len(occupations) + 1)):
                ceiling = ceilings.get(nationality)
                top = ceiling[1] if ceiling else Decimal(18_000)
                amount = (top * Decimal(rng.uniform(0.75, 1.0))).quantize(Decimal("1"))
                suspended = ceiling is not None and rng.random() < 0.02
                prices.append(
                    (
                        registered,
                        registered,
                        str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                        pk,
                        nationality,
                        occupation_ids[occupation],
                        amount,
                        rng.randrange(30, 120),
                        "suspended" if suspended else "active",
                        ceiling[0] if suspended else None,
                        officers[0],
                    )
                )
        # The ministry's decisions over three years: most offices none, a few several.
        for _n in range(rng.choices([0, 1, 2, 4], [65, 20, 10, 5])[0]):
            kind = rng.choices(["warning", "penalty", "suspension"], [50, 40, 10])[0]
            at = now - dt.timedelta(days=rng.randrange(1, 3 * 365))
            sanctions.append(
                (
                    at,
                    at,
                    pk,
                    kind,
                    rng.randrange(1, 11) if kind == "penalty" else 0,
                    rng.choice(SANCTION_GROUNDS),
                    "Bench decision.",
                    (at.date() + dt.timedelta(days=30)) if kind == "suspension" else None,
                    officers[0],
                )
            )
        if state == "suspended":
            sanctions.append(
                (now, now, pk, "suspension", 0, "delay", "Bench.", suspended_until, officers[0])
            )
    with Unindexed(conn, "offices_office"):
        copy_rows(
            conn,
            "offices_office",
            "id, created_at, updated_at, uid, name_ar, name_en, licence_number,"
            " licence_expires_on, cr_number, city_id, address, phone, email, bank_guarantee,"
            " state, suspended_until, registered_by_id",
            offices,
        )
    reset_sequence(conn, "offices_office")
    copy_rows(conn, "offices_office_nationalities", "office_id, nationality_id", recruits)
    copy_rows(conn, "offices_office_occupations", "office_id, occupation_id", trades)
    with Unindexed(conn, "offices_officeprice"):
        copy_rows(
            conn,
            "offices_officeprice",
            "created_at, updated_at, uid, office_id, nationality_id, occupation_id, amount,"
            " days_to_arrival, state, suspended_by_id, updated_by_id",
            prices,
        )
    copy_rows(
        conn,
        "offices_officesanction",
        "created_at, updated_at, office_id, kind, points, ground, reason, until, decided_by_id",
        sanctions,
    )
    step(
        f"{count} offices ({sum(o[14] == 'active' for o in offices)} active), "
        f"{len(recruits)} nationalities and {len(trades)} occupations recruited, "
        f"{len(prices)} prices, {len(sanctions)} decisions"
    )
    return ids


# --------------------------------------------------------------------------- recruitment

# Contract states by the contract's age in days: (state, weight), for the stages after the
# request was accepted (docs/performance.md §10).
CONTRACT_YOUNG = [  # under 3 days: signing and paying
    ("awaiting_signatures", 35), ("signed_by_beneficiary", 20), ("signed_by_office", 5),
    ("signed", 15), ("paid", 20), ("cancelled", 5),
]  # fmt: skip
CONTRACT_RUNNING = [  # 3 to 90 days: the office's stages, some arrived early
    ("paid", 15), ("visa_linked", 20), ("travel_documents_ready", 15), ("medical_passed", 15),
    ("ticket_booked", 10), ("in_trial", 20), ("cancelled", 5),
]  # fmt: skip
CONTRACT_LATE = [  # 90 to 210 days: most arrived and in their trial; some late
    ("in_trial", 70), ("ticket_booked", 8), ("medical_passed", 7), ("completed", 8),
    ("cancelled_late", 4), ("cancelled", 3),
]  # fmt: skip
CONTRACT_OLD = [("completed", 92), ("cancelled_late", 3), ("cancelled", 5)]  # over 210 days
PAID_STATES = {
    "paid", "visa_linked", "travel_documents_ready", "medical_passed", "ticket_booked",
    "arrived", "in_trial", "completed", "cancelled_late",
}  # fmt: skip
ARRIVED_STATES = {"arrived", "in_trial", "completed"}
# Requests that have no contract (yet): (state, weight).
OPEN_REQUESTS = [
    ("sent", 30),
    ("offered", 35),
    ("expired", 15),
    ("declined", 10),
    ("cancelled", 10),
]
WORKER_FIRST = ("Maria", "Joy", "Amina", "Fatuma", "Rina", "Siti", "Grace", "Nirmala", "Halima")
WORKER_FAMILY = ("Santos", "Reyes", "Wanjiru", "Nakato", "Tesfaye", "Perera", "Akter", "Dewi")
LANGUAGES = ("en", "ar", "fil", "sw", "am", "bn", "si", "id", "hi")


def fill_recruitment(conn, rng, step, count, now) -> None:
    """``count`` contracts with their requests, offices' answers, offers, signatures and
    ledger entries, plus open requests (a fifth more) waiting for or holding offers; a
    manager account per office that has requests. See the module docstring."""
    import hashlib
    import uuid

    from musaned.recruitment import postings

    today = now.date()
    terms = conn.execute(
        "SELECT id, delivery_days, extension_days, trial_days, release_on_arrival_percent,"
        " late_compensation_percent, respond_days, decision_days, version"
        " FROM recruitment_contractterms ORDER BY effective_from DESC LIMIT 1"
    ).fetchone()
    if terms is None:
        sys.exit("No contract terms: the recruitment seed migration did not run?")
    terms_id, delivery, extension, trial, release_pct, late_pct, respond, decision, version = terms
    document = json.dumps({"terms_version": version, "bench": True}, sort_keys=True)
    digest = hashlib.sha256(document.encode()).hexdigest()
    visas = conn.execute(
        "SELECT id, owner_id, occupation_id, nationality_id, worker_gender"
        " FROM visas_visaapplication WHERE state = 'issued' ORDER BY id"
    ).fetchall()
    rng.shuffle(visas)
    offices = conn.execute(
        "SELECT o.id, x.nationality_id FROM offices_office o"
        " JOIN offices_office_nationalities x ON x.office_id = o.id"
        " WHERE o.state = 'active' ORDER BY o.id, x.nationality_id"
    ).fetchall()
    active = sorted({o for o, _n in offices})
    if not active:
        sys.exit("--contracts needs --offices: no active office")
    # A few offices draw many requests (int(N × r²), like the complaints), each recruiting
    # the request's nationality when one does.
    rank = {office: k for k, office in enumerate(active)}
    by_nationality: dict[int, list[int]] = {}
    for office, nationality in offices:
        by_nationality.setdefault(nationality, []).append(office)
    arrivals = [r[0] for r in conn.execute("SELECT id FROM visas_arrivalpoint ORDER BY id")]

    def pick_offices(nationality: int, how_many: int) -> list[int]:
        pool = by_nationality.get(nationality) or active
        pool = sorted(pool, key=rank.__getitem__)
        chosen: list[int] = []
        while len(chosen) < min(how_many, len(pool)):
            office = pool[int(len(pool) * rng.random() ** 2)]
            if office not in chosen:
                chosen.append(office)
        return chosen

    # The offices' managers (users with a membership), one per active office.
    first_user = next_id(conn, "accounts_user")
    managers = {office: first_user + k for k, office in enumerate(active)}
    copy_rows(
        conn,
        "accounts_user",
        "id, password, is_superuser, username, first_name, last_name, email, is_staff,"
        " is_active, date_joined, mobile, id_type, privacy_notice_version, preferred_language",
        (
            (user, "!", False, f"bench-office-{office}", "Manager", str(office),
             f"manager{office}@office.bench.example", False, True, now,
             f"+9665{rng.randrange(10**8):08d}", "", "", "ar")
            for office, user in managers.items()
        ),
    )  # fmt: skip
    reset_sequence(conn, "accounts_user")
    copy_rows(
        conn,
        "offices_officemembership",
        "created_at, updated_at, uid, office_id, user_id, role",
        (
            (now, now, str(uuid.uuid4()), office, user, "manager")
            for office, user in managers.items()
        ),
    )

    opened = count // 5
    total_requests = count + opened
    references = random_references(rng, total_requests)
    contract_numbers = unique_numbers(rng, count, "7", width=10)
    passports = rng.sample(range(10**7, 10**8), 10 * total_requests)
    first_request = next_id(conn, "recruitment_recruitmentrequest")
    first_offer = next_id(conn, "recruitment_offer")
    first_contract = next_id(conn, "recruitment_contract")
    requests, recipients, offers, contracts, signatures, entries = [], [], [], [], [], []
    pick_young, pick_running = weighted(rng, CONTRACT_YOUNG), weighted(rng, CONTRACT_RUNNING)
    pick_late, pick_old = weighted(rng, CONTRACT_LATE), weighted(rng, CONTRACT_OLD)
    pick_open = weighted(rng, OPEN_REQUESTS)
    free_visas = [v for v in visas]  # each request holding a visa takes its own
    if len(free_visas) < count:
        sys.exit(f"{len(visas)} issued visas for {count} contracts: give more --visas")
    offer_id = first_offer

    def post(contract: int, lines, memo: str, at) -> None:
        assert postings.balanced(lines), lines
        posting = str(uuid.uuid4())
        for line in lines:
            entries.append((contract, posting, line.account, line.kind, line.amount, memo, at))

    for i in range(total_requests):
        pk = first_request + i
        with_contract = i < count
        state = "accepted" if with_contract else pick_open()
        holding = state in ("sent", "offered", "accepted")
        if holding or not free_visas:
            visa, owner, occupation, nationality, gender = free_visas.pop()
        else:
            visa, owner, occupation, nationality, gender = rng.choice(visas)
        if with_contract:
            age = rng.randrange(730)
        elif state in ("sent", "offered"):
            age = rng.randrange(3) if state == "sent" else rng.randrange(2, 9)
        else:
            age = rng.randrange(20, 730)
        created = now - dt.timedelta(days=age, seconds=rng.randrange(86400))
        sent_at = created + dt.timedelta(minutes=5)
        due = sent_at + dt.timedelta(days=2)
        decide_by = due + dt.timedelta(days=decision)
        went_to = pick_offices(nationality, rng.choices([1, 2, 3], [50, 30, 20])[0])
        answering = went_to if state != "sent" else []
        if state == "expired":
            answering = []
        made = []  # (offer id, office)
        for office in answering:
            for _n in range(rng.choices([1, 2, 3], [60, 30, 10])[0]):
                made.append((offer_id, office))
                offer_id += 1
        if state in ("offered", "accepted", "declined") and not made:
            made.append((offer_id, went_to[0]))
            offer_id += 1
            answering = [went_to[0]]
        accepted = made[0] if state == "accepted" else None
        closed = None if state in ("sent", "offered") else created + dt.timedelta(days=3)
        requests.append(
            (pk, created, closed or created, str(uuid.UUID(int=rng.getrandbits(128), version=4)),
             references[i], owner, occupation, nationality, gender,
             json.dumps(rng.sample(LANGUAGES[:3], rng.randrange(0, 3))), "", visa, False,
             terms_id, state, sent_at, due, decide_by, closed,
             "Bench: none suits." if state == "declined" else "", "[]")
        )  # fmt: skip
        for office in went_to:
            office_state = (
                "answered" if office in answering
                else "waiting" if state == "sent"
                else "late" if state == "expired"
                else "closed"
            )  # fmt: skip
            answered = sent_at + dt.timedelta(hours=rng.randrange(1, 40))
            recipients.append(
                (created, answered if office in answering else created,
                 str(uuid.UUID(int=rng.getrandbits(128), version=4)), pk, office, office_state,
                 due, answered if office in answering else None, "")
            )  # fmt: skip
        offer_state = {"offered": "sent", "declined": "declined", "cancelled": "withdrawn"}
        contract_row = None
        for oid, office in made:
            salary = Decimal(rng.randrange(1_000, 2_500, 50))
            price = Decimal(rng.randrange(9_000, 18_000, 100))
            answered = sent_at + dt.timedelta(hours=rng.randrange(1, 40))
            this = offer_state.get(state, "withdrawn")
            if accepted and oid == accepted[0]:
                this = "accepted"
            name = f"{rng.choice(WORKER_FIRST)} {rng.choice(WORKER_FAMILY)}"
            passport = f"P{passports.pop()}"
            born = today - dt.timedelta(days=rng.randrange(22 * 365, 45 * 365))
            offers.append(
                (oid, answered, answered, str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                 pk, office, owner, managers[office], name, passport, nationality, born,
                 rng.choice(["muslim", "christian", "hindu", "buddhist"]),
                 rng.choice(["single", "married", "divorced"]),
                 json.dumps(rng.sample(LANGUAGES, rng.randrange(1, 4))), rng.randrange(0, 15),
                 "Housework and childcare for a family of five.", "Cooking, cleaning, ironing",
                 "recruitment/photos/bench/worker.jpg", "image/jpeg", salary, price,
                 rng.randrange(30, 90), this, created + dt.timedelta(days=2) if this != "sent" else None)
            )  # fmt: skip
            if this == "accepted":
                contract_row = (oid, office, name, passport, salary, price)
        if contract_row is None:
            continue
        oid, office, name, passport, salary, price = contract_row
        cid = first_contract + len(contracts)
        pick = (
            pick_young
            if age < 3
            else pick_running
            if age < 90
            else pick_late
            if age < 210
            else pick_old
        )
        cstate = pick()
        start = created + dt.timedelta(days=3)  # accepted, contract made
        vat = (price * Decimal("0.15")).quantize(Decimal("0.01"))
        total = price + vat
        signed = paid = paid_on = due_on = ext_on = arrived = point = handed = trial_ends = None
        closed_at = rating = rated = None
        clock = "not_started"
        paid_state = cstate in PAID_STATES
        if cstate not in ("awaiting_signatures", "signed_by_office", "cancelled"):
            signatures.append(
                (cid, owner, "beneficiary", digest, "sms_code", start + dt.timedelta(hours=1))
            )
        if cstate not in ("awaiting_signatures", "signed_by_beneficiary", "cancelled"):
            signatures.append(
                (cid, managers[office], "office", digest, "sms_code", start + dt.timedelta(hours=2))
            )
        if cstate not in (
            "awaiting_signatures",
            "signed_by_beneficiary",
            "signed_by_office",
            "cancelled",
        ):
            signed = start + dt.timedelta(hours=2)
        if paid_state:
            paid = start + dt.timedelta(hours=5)
            paid_on = paid.date()
            due_on = paid_on + dt.timedelta(days=delivery)
            ext_on = due_on + dt.timedelta(days=extension)
            days = (today - paid_on).days
            clock = (
                "running"
                if days < delivery
                else "extension"
                if days < delivery + extension
                else "overdue"
            )
            post(cid, postings.payment(total=total), postings.PAYMENT, paid)
        if cstate in ARRIVED_STATES:
            clock = "stopped"
            arrived = min(today, paid_on + dt.timedelta(days=rng.randrange(35, 110)))
            point = rng.choice(arrivals)
            trial_ends = arrived + dt.timedelta(days=trial)
            if cstate == "completed":
                trial_ends = min(trial_ends, today - dt.timedelta(days=1))
                arrived = trial_ends - dt.timedelta(days=trial)
            handed = dt.datetime.combine(arrived, dt.time(12), tzinfo=dt.UTC) + dt.timedelta(days=1)
            release = postings.release_on_arrival(total=total, percent=release_pct)
            post(cid, release, postings.RELEASE_ON_ARRIVAL, handed)
            if cstate == "completed":
                held = total - sum(line.amount for line in release if line.amount > 0)
                closed_at = dt.datetime.combine(trial_ends, dt.time(23), tzinfo=dt.UTC)
                post(cid, postings.release_rest(held=held), postings.RELEASE_AFTER_TRIAL, closed_at)
                if rng.random() < 0.4:
                    rating, rated = rng.choices([1, 2, 3, 4, 5], [5, 5, 15, 35, 40])[0], closed_at
        if cstate == "cancelled_late":
            clock = "stopped"
            closed_at = paid + dt.timedelta(days=delivery + extension + rng.randrange(1, 20))
            lines = postings.late_cancellation(total=total, held=total, percent=late_pct).lines
            post(cid, lines, postings.LATE_CANCELLATION, closed_at)
        if cstate == "cancelled":
            closed_at = start + dt.timedelta(days=1)
        updated = closed_at or handed or paid or signed or start
        contracts.append(
            (cid, start, min(updated, now), str(uuid.UUID(int=rng.getrandbits(128), version=4)),
             contract_numbers[len(contracts)], pk, oid, owner, office, visa, terms_id, occupation,
             name, passport, nationality, salary, price, Decimal("0.15"), vat, total, document,
             digest, cstate, clock, start + dt.timedelta(days=respond), signed, paid, paid_on,
             due_on, ext_on, arrived, point, handed, trial_ends, closed_at, rating, rated)
        )  # fmt: skip
        if cstate == "cancelled":
            # Cancelled before payment: the request is cancelled, its visa free again.
            row = list(requests[-1])
            row[14] = "cancelled"
            requests[-1] = tuple(row)
            where = -len(made) + made.index((oid, office))
            offers[where] = (*offers[where][:23], "released", closed_at)
    step(f"drew {len(requests)} requests, {len(offers)} offers, {len(contracts)} contracts")
    copy_rows(
        conn,
        "recruitment_recruitmentrequest",
        "id, created_at, updated_at, uid, number, owner_id, occupation_id, nationality_id,"
        " worker_gender, languages, religion, visa_id, visa_is_new, terms_id, state, sent_at,"
        " offers_due_at, decide_by, closed_at, decline_reason, rejection_reasons",
        requests,
    )
    reset_sequence(conn, "recruitment_recruitmentrequest")
    copy_rows(
        conn,
        "recruitment_requestoffice",
        "created_at, updated_at, uid, request_id, office_id, state, due_at, answered_at,"
        " decline_reason",
        recipients,
    )
    copy_rows(
        conn,
        "recruitment_offer",
        "id, created_at, updated_at, uid, request_id, office_id, beneficiary_id, made_by_id,"
        " full_name, passport_number, nationality_id, date_of_birth, religion, marital_status,"
        " languages, experience_years, experience_kind, skills, photo, photo_type,"
        " monthly_salary, price, days_to_arrival, state, answered_at",
        offers,
    )
    reset_sequence(conn, "recruitment_offer")
    copy_rows(
        conn,
        "recruitment_contract",
        "id, created_at, updated_at, uid, number, request_id, offer_id, beneficiary_id,"
        " office_id, visa_id, terms_id, occupation_id, worker_name, passport_number,"
        " worker_nationality_id, monthly_salary, price, vat_rate, vat, total, document,"
        " document_hash, state, clock, respond_by, signed_at, paid_at, paid_on,"
        " delivery_due_on, extension_ends_on, arrived_on, arrival_point_id, handed_over_at,"
        " trial_ends_on, closed_at, rating, rated_at",
        contracts,
    )
    reset_sequence(conn, "recruitment_contract")
    copy_rows(
        conn,
        "recruitment_signature",
        "contract_id, signer_id, role, document_hash, method, signed_at",
        signatures,
    )
    # The ledger keeps its indexes: the deferred trigger checks each posting at commit.
    copy_rows(
        conn,
        "recruitment_ledgerentry",
        "contract_id, posting, account, kind, amount, memo, created_at",
        entries,
    )
    # Check every posting now (the trigger is deferred to the commit), so a later step may
    # alter the tables the pending checks would hold.
    conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
    states: dict[str, int] = {}
    for row in contracts:
        states[row[22]] = states.get(row[22], 0) + 1
    step(
        f"{len(requests)} requests ({count} with a contract), {len(recipients)} sent to offices, "
        f"{len(offers)} offers, {len(contracts)} contracts {dict(sorted(states.items()))}, "
        f"{len(signatures)} signatures, {len(entries)} ledger entries, {len(managers)} managers"
    )


def fill(
    conn,
    rng,
    step,
    make_password,
    *,
    visas,
    beneficiaries,
    complaints,
    unregistered,
    audit_rows,
    offices=0,
    office_share=30,
    contracts=0,
) -> None:
    from zoneinfo import ZoneInfo

    from musaned.core.clocks import add_working_days

    riyadh = ZoneInfo("Asia/Riyadh")
    now = dt.datetime.now(dt.UTC)
    today = now.date()
    occupations = [r[0] for r in conn.execute("SELECT id FROM visas_occupation")]
    nationalities = [r[0] for r in conn.execute("SELECT id FROM visas_nationality")]
    arrivals = [r[0] for r in conn.execute("SELECT id FROM visas_arrivalpoint")]
    rule_set = conn.execute(
        "SELECT id FROM visas_ruleset ORDER BY effective_from DESC LIMIT 1"
    ).fetchone()
    if not (occupations and nationalities and arrivals and rule_set):
        sys.exit("The catalogue is empty: the seed migrations did not run?")
    rule_set = rule_set[0]
    # An older service level, so complaints from before 2024 have the one then in effect.
    conn.execute(
        "INSERT INTO complaints_servicelevel (effective_from, first_answer_days,"
        " resolution_days, reopen_days, office_answer_days, created_at, updated_at)"
        " VALUES ('2022-01-01', 3, 15, 7, 5, now(), now()) ON CONFLICT (effective_from) DO NOTHING"
    )
    levels = conn.execute(
        "SELECT id, effective_from, first_answer_days, resolution_days, reopen_days,"
        " office_answer_days FROM complaints_servicelevel ORDER BY effective_from"
    ).fetchall()
    holidays = {r[0] for r in conn.execute("SELECT date FROM core_holiday")}

    # ---- people ------------------------------------------------------------------------
    bodies = rng.sample(range(10**8), beneficiaries + unregistered)
    people = []  # (national_id, id_type, first_en, family_en, birth, mobile)
    for i, body in enumerate(bodies):
        resident = rng.random() < 0.3
        nid = f"{2 if resident else 1}{body:08d}"
        nid += check_digit(nid)
        people.append(
            (
                nid,
                "resident" if resident else "citizen",
                f"Given{i % 997}",
                f"Family{i % 4999}",
                dt.date(1950 + rng.randrange(50), 1 + rng.randrange(12), 1 + rng.randrange(28)),
                f"+9665{rng.randrange(10**8):08d}",
            )
        )
    first_user = next_id(conn, "accounts_user")
    owners = list(range(first_user, first_user + beneficiaries))
    # The sign-in accounts: evenly spread over the ownership ranking (owners[int(n * r**1.5)]
    # below), so their share of the visas is the same at every size.
    sign_in = {
        owners[int(beneficiaries * (0.02 + 0.96 * k / SIGN_IN_ACCOUNTS))]
        for k in range(min(SIGN_IN_ACCOUNTS, beneficiaries))
    }
    password = make_password(BENCH_PASSWORD)  # production hasher and cost (Argon2)
    step(f"drew {len(people)} people; sign-in password hashed ({password.split('$')[0]})")

    def users():
        for i, (nid, kind, first, family, birth, mobile) in enumerate(people[:beneficiaries]):
            joined = now - dt.timedelta(seconds=rng.randrange(3 * 365 * 86400))
            yield (
                first_user + i,
                password if first_user + i in sign_in else "!",
                False,
                nid,
                first,
                family,
                f"b{first_user + i}@example.com",
                False,
                True,
                joined,
                nid,
                kind,
                birth,
                mobile,
                joined,
                "2026-11",
                joined,
                "ar" if rng.random() < 0.8 else "en",
            )
        for k in range(OFFICERS):
            yield (
                first_user + beneficiaries + k,
                "!",
                False,
                f"officer{k:02d}",
                "Officer",
                f"{k}",
                f"officer{k:02d}@musaned.local",
                True,
                True,
                now,
                None,
                "",
                None,
                f"+9665{rng.randrange(10**8):08d}",
                now,
                "",
                None,
                "ar",
            )

    officers = list(range(first_user + beneficiaries, first_user + beneficiaries + OFFICERS))
    with Unindexed(conn, "accounts_user"):
        n = copy_rows(
            conn,
            "accounts_user",
            "id, password, is_superuser, username, first_name, last_name, email, is_staff,"
            " is_active, date_joined, national_id, id_type, birth_date, mobile, activated_at,"
            " privacy_notice_version, privacy_consent_at, preferred_language",
            users(),
        )
    reset_sequence(conn, "accounts_user")
    step(
        f"{n} users ({beneficiaries} beneficiaries, {len(sign_in)} can sign in, {OFFICERS} officers)"
    )

    def registry():
        for i, (nid, kind, first, family, birth, mobile) in enumerate(people):
            yield (
                now,
                now,
                nid,
                kind,
                FIRST_AR[i % len(FIRST_AR)],
                FAMILY_AR[i % len(FAMILY_AR)],
                first,
                family,
                birth,
                "SAU" if kind == "citizen" else rng.choice(NATIONALITIES),
                "M" if rng.random() < 0.6 else "F",
                mobile,
                rng.random() < 0.02,
                rng.random() < 0.05,
            )

    with Unindexed(conn, "identity_registryperson"):
        n = copy_rows(
            conn,
            "identity_registryperson",
            "created_at, updated_at, national_id, id_type, first_name_ar, family_name_ar,"
            " first_name_en, family_name_en, birth_date, nationality, gender, mobile,"
            " disability_exemption, unpaid_traffic_violations",
            registry(),
        )
    step(f"{n} registry people ({unregistered} without an account)")

    # ---- visas -------------------------------------------------------------------------
    references = random_references(rng, visas)
    visa_numbers = unique_numbers(rng, visas, "9")
    issued_numbers = unique_numbers(rng, visas, "4")
    step("visa numbers drawn")
    pick_state = weighted(rng, [(state, share) for state, share, _numbered in STATES])
    numbered_states = {s for s, _share, numbered in STATES if numbered}
    first_visa = next_id(conn, "visas_visaapplication")
    visas_of: dict[int, list[int]] = {}

    def applications():
        for i in range(visas):
            state = pick_state()
            numbered = state in numbered_states
            # Skewed ownership: a few sponsors hold many visas, most hold a few.
            owner = owners[int(beneficiaries * rng.random() ** 1.5)]
            if state != "draft":
                visas_of.setdefault(owner, []).append(first_visa + i)
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
            yield (
                first_visa + i,
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
            if i and i % 250_000 == 0:
                step(f"  {i} visas")

    with Unindexed(conn, "visas_visaapplication"):
        n = copy_rows(
            conn,
            "visas_visaapplication",
            "id, owner_id, reference, state, occupation_id, nationality_id, worker_gender,"
            " arrival_point_id, proof_type, monthly_salary, bank_balance, proof_document,"
            " proof_document_type, occupation_document, occupation_document_type, declaration,"
            " rule_set_id, fee, verdicts, submitted_at, decided_at, fix_by, visa_number,"
            " issued_number, issued_on, expires_on, verification_token, created_at, updated_at",
            applications(),
        )
        step(f"{n} visas copied; rebuilding their indexes and constraints")
    reset_sequence(conn, "visas_visaapplication")
    step("visa indexes rebuilt")

    # ---- recruitment offices ------------------------------------------------------------
    office_ids = fill_offices(conn, rng, step, offices, officers, now) if offices else []
    if contracts:
        fill_recruitment(conn, rng, step, contracts, now)

    # ---- complaints ---------------------------------------------------------------------
    numbers = unique_numbers(rng, complaints, "7", width=10)
    categories = CATEGORIES
    if office_ids:
        others = [(c, w) for c, w in CATEGORIES if c != "office"]
        rest = sum(w for _c, w in others)
        categories = [("office", office_share)] + [
            (c, w * (100 - office_share) / rest) for c, w in others
        ]
    pick_category = weighted(rng, categories)
    pick_contact = weighted(rng, CONTACT)
    first_complaint = next_id(conn, "complaints_complaint")
    messages: list[tuple] = []

    def level_on(day: dt.date):
        found = levels[0]
        for level in levels:
            if level[1] <= day:
                found = level
        return found

    def complaint_rows():
        for i in range(complaints):
            pk = first_complaint + i
            owner = owners[int(beneficiaries * rng.random() ** 1.5)]
            category = pick_category()
            own = visas_of.get(owner)
            visa = rng.choice(own) if own and category in ("visa", "worker", "office") else None
            created = now - dt.timedelta(seconds=rng.randrange(3 * 365 * 86400))
            age = (now - created).days
            office = None
            if office_ids and category == "office":
                # Skewed: a few offices draw many complaints, most a few.
                office = office_ids[int(len(office_ids) * rng.random() ** 2)]
            if office is not None and age < 5:
                # The office's working days to answer: with it, answered, or moved on.
                state = rng.choices(
                    ["with_office", "office_answered", "submitted", "in_review"], [55, 25, 10, 10]
                )[0]
            elif office is not None and age < 20:
                state = rng.choices(
                    [
                        "office_answered",
                        "submitted",
                        "in_review",
                        "waiting",
                        "escalated",
                        "resolved",
                    ],
                    [5, 10, 25, 10, 10, 40],
                )[0]
            elif age < 3:
                state = rng.choices(["submitted", "in_review", "waiting"], [50, 40, 10])[0]
            elif age < 20:
                state = rng.choices(
                    ["in_review", "waiting", "escalated", "resolved"], [30, 15, 10, 45]
                )[0]
            else:
                state = rng.choices(["closed", "rejected", "resolved"], [88, 10, 2])[0]
            level_id, _from, first_days, resolution_days, reopen_days, office_days = level_on(
                created.date()
            )
            local = created.astimezone(riyadh)
            first_due = add_working_days(local, first_days, holidays)
            resolution_due = add_working_days(local, resolution_days, holidays)
            office_due = office_answered = None
            if office is not None:
                office_due = add_working_days(local, office_days, holidays)
                # The office answered: waiting for the beneficiary, or most of those that
                # the beneficiary accepted (resolved) or took to the ministry.
                if state == "office_answered" or (
                    state not in ("with_office", "submitted") and rng.random() < 0.6
                ):
                    office_answered = created + dt.timedelta(minutes=rng.randrange(60, 4 * 24 * 60))
            with_office = state in ("with_office", "office_answered")
            officer = None if state == "submitted" or with_office else rng.choice(officers)
            answered = (
                None
                if state == "submitted" or with_office
                else created + dt.timedelta(minutes=rng.randrange(60, 3 * 24 * 60))
            )
            if answered is not None and office_answered is not None:
                answered = max(answered, office_answered + dt.timedelta(hours=2))
            waiting = answered if state == "waiting" else None
            escalated = first_due if state == "escalated" else None
            resolved = closed = None
            if state in ("resolved", "closed"):
                resolved = answered + dt.timedelta(hours=rng.randrange(1, 9 * 24))
                closed = resolved + dt.timedelta(days=reopen_days) if state == "closed" else None
            if state == "rejected":
                closed = answered
            rating = rated = None
            if state == "closed" and rng.random() < 0.4:
                rating = rng.choices([1, 2, 3, 4, 5], [8, 7, 15, 30, 40])[0]
                rated = resolved + dt.timedelta(hours=rng.randrange(1, 48))
            updated = max(
                t for t in (created, office_answered, answered, resolved, closed, rated) if t
            )
            subject = SUBJECTS[category][rng.random() < 0.3]
            if office_answered is not None:
                messages.append(
                    (
                        pk,
                        None,
                        "office_answer",
                        "تواصلنا مع مكتب الإرسال. We called the sending agency; arrival next week.",
                        office_answered,
                    )
                )
            # The conversation: about two in three have one.
            if answered is not None and rng.random() < 0.9:
                kind = {"waiting": "info_request", "rejected": "rejection"}.get(state, "answer")
                messages.append(
                    (pk, officer, kind, "نعمل على طلبكم. We are working on it.", answered)
                )
                if state in ("resolved", "closed", "in_review", "escalated") and rng.random() < 0.3:
                    messages.append(
                        (
                            pk,
                            owner,
                            "reply",
                            "شكرا. Thank you, here are the details.",
                            answered + dt.timedelta(hours=5),
                        )
                    )
                if resolved is not None:
                    messages.append(
                        (pk, officer, "resolution", "تم الحل. Resolved with the office.", resolved)
                    )
                if rng.random() < 0.2:
                    messages.append(
                        (
                            pk,
                            officer,
                            "note",
                            "Called the office; waiting for papers.",
                            answered + dt.timedelta(minutes=30),
                        )
                    )
            yield (
                pk,
                created,
                updated,
                numbers[i],
                owner,
                category,
                visa,
                office,
                subject,
                DESCRIPTION,
                pick_contact(),
                state,
                officer,
                level_id,
                first_due,
                resolution_due,
                answered,
                office_due,
                office_answered,
                waiting,
                escalated,
                resolved,
                closed,
                rating,
                "",
                rated,
            )

    with Unindexed(conn, "complaints_complaint"):
        n = copy_rows(
            conn,
            "complaints_complaint",
            "id, created_at, updated_at, number, owner_id, category, visa_id, office_id, subject,"
            " description, contact_preference, state, assigned_to_id, service_level_id,"
            " first_answer_due, resolution_due, first_answered_at, office_answer_due,"
            " office_answered_at, waiting_since, escalated_at, resolved_at, closed_at, rating,"
            " rating_comment, rated_at",
            complaint_rows(),
        )
    reset_sequence(conn, "complaints_complaint")
    with Unindexed(conn, "complaints_complaintmessage"):
        m = copy_rows(
            conn,
            "complaints_complaintmessage",
            "complaint_id, author_id, kind, body, created_at, updated_at",
            ((c, a, k, b, t, t) for c, a, k, b, t in messages),
        )
    with_messages = len({row[0] for row in messages})
    step(f"{n} complaints, {with_messages} with a conversation ({m} messages)")

    # ---- audit history ------------------------------------------------------------------
    actions = [
        ("visa.inquiry", 40),
        ("code.sent", 20),
        ("login.succeeded", 20),
        ("login.failed", 5),
        ("complaint.submitted", 5),
        ("visa.submitted", 10),
    ]
    pick_action = weighted(rng, actions)

    def audit_history():
        for _i in range(audit_rows):
            action = pick_action()
            at = now - dt.timedelta(seconds=rng.randrange(3 * 365 * 86400))
            actor = None if action == "visa.inquiry" else owners[rng.randrange(beneficiaries)]
            data = (
                {"national_id": "1*******08", "found": rng.random() < 0.9}
                if action == "visa.inquiry"
                else {}
            )
            yield (
                at,
                actor,
                action,
                "",
                "",
                json.dumps(data),
                f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                "",
            )

    with Unindexed(conn, "core_auditevent"):
        n = copy_rows(
            conn,
            "core_auditevent",
            "created_at, actor_id, action, target_type, target_id, data, ip_address, request_id",
            audit_history(),
        )
    step(f"{n} audit rows")


if __name__ == "__main__":
    main()
