"""A lockout and a paused spraying client hold across a restart of Redis run as
docs/operations.md says (append-only persistence): docs/decisions/0005.

The test starts a ``redis-server`` of its own (CI's Redis keeps nothing on disk), with
the documented ``appendonly yes`` / ``appendfsync everysec``, points the cache at it,
restarts it, and signs in again. Without ``redis-server`` the test fails with a message
saying so (it is installed wherever ``tests/faults`` runs).
"""

import shutil

import pytest
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.core.cache import caches
from django.test import Client, override_settings

from musaned.accounts.tests.factories import CAPTCHA, PASSWORD, UserFactory
from musaned.core.tests.processes import RedisServer

pytestmark = pytest.mark.django_db(transaction=True)

# Above the lockout's 5, so the lockout is what stops the first attacker.
SPRAY_LIMIT = 8


@pytest.fixture
def persistent_redis(tmp_path):
    """``redis-server`` with the persistence docs/operations.md asks for, in a folder."""
    if not shutil.which("redis-server"):
        pytest.fail(
            "This test needs the redis-server program (Debian: apt-get install "
            "redis-server), as tests/faults does.",
            pytrace=False,
        )
    server = RedisServer(tmp_path, persistent=True).start()
    cache = {
        "BACKEND": "musaned.core.cache.RedisCache",
        "LOCATION": server.url,
        "KEY_PREFIX": "durability",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    try:
        with override_settings(
            CACHES={"default": cache}, MUSANED_LOGIN_FAILURES_PER_CLIENT=f"{SPRAY_LIMIT}/d"
        ):
            AxesProxyHandler.get_implementation(force=True)  # axes keeps its cache object
            yield server
    finally:
        AxesProxyHandler.get_implementation(force=True)
        server.stop()


def _sign_in(client, username, password):
    return client.post("/login/", {"username": username, "password": password, **CAPTCHA})


def test_a_lockout_and_a_paused_client_survive_a_redis_restart(persistent_redis, abdullah):
    for n in range(SPRAY_LIMIT):
        UserFactory(username=f"person{n}")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(attacker, "abdullah", "Not-the-password-1")
    assert _sign_in(attacker, "abdullah", PASSWORD).status_code == 403
    sprayer = Client(REMOTE_ADDR="203.0.113.10")
    for n in range(SPRAY_LIMIT):
        assert _sign_in(sprayer, f"person{n}", "Not-the-password-1").status_code == 200
    assert _sign_in(sprayer, "person0", PASSWORD).status_code == 429

    persistent_redis.restart()
    caches["default"].get("warm-up")  # the first call after the restart reconnects

    assert _sign_in(attacker, "abdullah", PASSWORD).status_code == 403
    assert _sign_in(sprayer, "person1", PASSWORD).status_code == 429
    # The owner, from another address, is not affected.
    owner = _sign_in(Client(REMOTE_ADDR="198.51.100.7"), "abdullah", PASSWORD)
    assert owner["Location"] == "/login/code/"
