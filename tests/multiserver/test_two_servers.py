"""Two gunicorn servers, one PostgreSQL database and one Redis: what a person does on one
server holds on the other (docs/ARCHITECTURE.md, "Scale-out path"; issue 6 part 3).

Runs when DATABASE_URL is PostgreSQL and REDIS_URL is set (CI's second pass); skipped,
with the reason, on the embedded default. Once it runs it fails, never skips, if a server
does not start. Real HTTP on loopback ports, a database of its own
(``musaned_multiserver_<pid>``, dropped at the end), a Redis database number of its own
(``MULTISERVER_REDIS_DB``, default 9: the suite's fixtures flush the suite's own number),
and one media folder shared by both servers (what S3-compatible storage is in production).
"""

import os
import re
import secrets

import pytest
import requests

from musaned.core.tests.documents import minimal_pdf
from tests.multiserver import cluster

DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = pytest.mark.skipif(
    not (cluster.is_postgres(DATABASE_URL) and REDIS_URL),
    reason="the several-servers test needs DATABASE_URL=postgres://… and REDIS_URL "
    "(CI's PostgreSQL + Redis pass runs it)",
)

FAILURE_LIMIT = 5
INQUIRY_LIMIT = 5
# Per day: a window boundary cannot fall in the middle of the test's few seconds.
INQUIRY_RATE = f"{INQUIRY_LIMIT}/d"


@pytest.fixture(scope="module")
def servers():
    """Servers A and B (two workers each) on one fresh database, migrated and seeded."""
    name = f"musaned_multiserver_{os.getpid()}"
    workdir = cluster.new_workdir("musaned-multiserver-")
    started: list[cluster.Gunicorn] = []
    redis_url = cluster.with_redis_db(REDIS_URL, int(os.environ.get("MULTISERVER_REDIS_DB", "9")))
    prefix = f"musaned-multiserver-{os.getpid()}-{secrets.token_hex(4)}"
    database_url = cluster.create_database(DATABASE_URL, name)
    try:
        env = cluster.migrate_and_seed(
            cluster.server_env(
                database_url=database_url,
                redis_url=redis_url,
                workdir=workdir,
                prefix=prefix,
                MUSANED_LOGIN_FAILURE_LIMIT=str(FAILURE_LIMIT),
                MUSANED_RATE_INQUIRY=INQUIRY_RATE,
            )
        )
        for label in ("a", "b"):
            server = cluster.Gunicorn(label, env, workdir)
            started.append(server)
            server.start(timeout=60)
        yield started[0], started[1], workdir
    finally:
        for server in started:
            server.stop()
        cluster.drop_database(DATABASE_URL, name)
        cluster.forget_redis_keys(redis_url, prefix)
        cluster.remove_workdir(workdir)


def test_a_session_made_on_one_server_is_valid_on_the_other(servers):
    a, b, workdir = servers
    person = cluster.Browser(workdir / "sms")
    person.login(a.url)

    hub_on_b = person.get(b.url + "/services/")
    assert cluster.signed_in(hub_on_b), (hub_on_b.status_code, hub_on_b.headers)
    # The session is served from the shared Redis (cached_db), not only from PostgreSQL.
    session_key = person.session.cookies["sessionid"]
    assert cluster.redis_keys(a.env["REDIS_URL"], a.env["MUSANED_CACHE_PREFIX"], session_key)
    assert "no-store" in hub_on_b.headers["Cache-Control"]
    # Both workers of each server see it (several requests land on both).
    for server in (a, b, a, b):
        assert cluster.signed_in(person.get(server.url + "/complaints/"))

    # Logging out on B ends the session on A too (deleted from the database and the cache).
    page = person.get(b.url + "/services/")
    out = person.session.post(
        b.url + "/logout/",
        data={"csrfmiddlewaretoken": cluster.csrf_token(page.text)},
        allow_redirects=False,
        timeout=20,
    )
    assert out.status_code == 302
    after = person.get(a.url + "/services/")
    assert after.status_code == 302 and "/login/" in after.headers["Location"]


def test_login_failures_spread_over_both_servers_trigger_the_lockout(servers):
    a, b, workdir = servers
    attacker = cluster.Browser(workdir / "sms")
    both = [a, b]
    for attempt in range(FAILURE_LIMIT - 1):
        answer = attacker.password_step(
            both[attempt % 2].url, cluster.STAFF_USERNAME, f"wrong-{attempt}-Pass!", lang="/en"
        )
        assert answer.status_code == 200, answer.status_code
        assert "is not right" in answer.text
        assert "Sign-in is paused" not in answer.text

    # The limit-th failure, on whichever server is next, locks: neither server alone has
    # seen more than half of them (nor has any one of the four workers).
    last = attacker.password_step(
        both[(FAILURE_LIMIT - 1) % 2].url, cluster.STAFF_USERNAME, "wrong-last-Pass!", lang="/en"
    )
    assert last.status_code == 403
    assert "Sign-in is paused" in last.text

    for server in both:
        right = attacker.password_step(
            server.url, cluster.STAFF_USERNAME, cluster.STAFF_PASSWORD, lang="/en"
        )
        assert right.status_code == 403, (server.name, right.status_code)
        assert "Sign-in is paused" in right.text
        assert "/login/code/" not in right.headers.get("Location", "")

    # The lock is for that account from that address: another account still signs in.
    other = cluster.Browser(workdir / "sms")
    other.login(b.url)
    assert cluster.signed_in(other.get(a.url + "/services/"))


def test_a_rate_limit_counts_across_both_servers(servers):
    a, b, workdir = servers
    both = [a, b]
    body = {"issued_number": "1234567890", "national_id": "1000000008"}

    api = [
        requests.post(
            both[n % 2].url + "/api/v1/visa-inquiry",
            json=body,
            headers={"Accept-Language": "en"},
            timeout=20,
        )
        for n in range(INQUIRY_LIMIT + 2)
    ]
    assert [r.status_code for r in api] == [404] * INQUIRY_LIMIT + [429, 429]
    assert api[-1].json()["code"] == "rate_limited"
    assert int(api[-1].headers["Retry-After"]) > 0

    # The page has its own counter, shared the same way; its 429 is the translated page.
    visitor = cluster.Browser(workdir / "sms")
    pages = [
        visitor.post_form(both[n % 2].url + "/inquiry/", {**body, **cluster.CAPTCHA})
        for n in range(INQUIRY_LIMIT)
    ]
    assert [r.status_code for r in pages] == [200] * INQUIRY_LIMIT
    page = visitor.get(a.url + "/inquiry/")
    limited = visitor.session.post(
        b.url + "/inquiry/",
        data={"csrfmiddlewaretoken": cluster.csrf_token(page.text), **body},
        timeout=20,
    )
    assert limited.status_code == 429
    assert 'lang="ar"' in limited.text and "تجاوزت عدد الطلبات" in limited.text
    assert not cluster.has_traceback(limited.text)


def test_an_upload_through_one_server_downloads_through_the_other(servers):
    a, b, workdir = servers
    person = cluster.Browser(workdir / "sms")
    person.login(b.url)
    pdf = minimal_pdf(f"multiserver {secrets.token_hex(64)}")  # uploads are parsed

    filed = person.post_form(
        a.url + "/complaints/new/",
        {
            "category": "payment",
            "visa": "",
            "subject": "Uploaded on server A",
            "description": "The receipt is attached; download it from server B.",
            "contact_preference": "sms",
        },
        files={"attachments": ("receipt.pdf", pdf, "application/pdf")},
    )
    assert filed.status_code == 302, filed.text[:1000]
    number = re.fullmatch(r"/complaints/([0-9]{12})/", filed.headers["Location"]).group(1)

    detail = person.get(f"{b.url}/complaints/{number}/")
    assert detail.status_code == 200
    link = re.search(rf'href="(/complaints/{number}/attachments/[0-9]+/)"', detail.text).group(1)

    for server in (b, a):
        download = person.get(server.url + link)
        assert download.status_code == 200, (server.name, download.status_code)
        assert download.content == pdf
        assert download.headers["Content-Disposition"].startswith("attachment;")
        assert download.headers["X-Content-Type-Options"] == "nosniff"

    # Someone else (not signed in) gets nothing from either server.
    stranger = requests.get(b.url + link, allow_redirects=False, timeout=20)
    assert stranger.status_code == 302 and "/login/" in stranger.headers["Location"]
