"""A lockout and a paused spraying client hold across a restart of Redis run as
docs/operations.md says (append-only persistence): docs/decisions/0005.

The test starts a ``redis-server`` of its own (CI's Redis keeps nothing on disk), with
the documented ``appendonly yes`` / ``appendfsync everysec``, points the cache at it,
restarts it, and signs in again. Without ``redis-server`` the test fails with a message
saying so (it is installed wherever ``tests/faults`` runs).
"""

import contextlib
import shutil
import socket
import subprocess
import time

import pytest
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.core.cache import caches
from django.test import Client, override_settings

from musaned.accounts.tests.factories import CAPTCHA, PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Above the lockout's 5, so the lockout is what stops the first attacker.
SPRAY_LIMIT = 8


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PersistentRedis:
    """``redis-server`` with the persistence docs/operations.md asks for, in a folder."""

    def __init__(self, folder):
        self.binary = shutil.which("redis-server")
        if not self.binary:
            pytest.fail(
                "This test needs the redis-server program (Debian: apt-get install "
                "redis-server), as tests/faults does.",
                pytrace=False,
            )
        self.folder = folder
        self.port = _free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (the OS's redis-server, our arguments)
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                "--appendonly",
                "yes",
                "--appendfsync",
                "everysec",
                "--save",
                "",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.RedisError):
                if redis.Redis(port=self.port, socket_connect_timeout=1).ping():
                    return
            time.sleep(0.1)
        raise AssertionError("redis-server did not answer PING in time")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # a clean shutdown writes the append-only file out
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture
def persistent_redis(tmp_path):
    server = PersistentRedis(tmp_path)
    server.start()
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
