"""Programs a test starts for itself on loopback (redis-server here; gunicorn and nginx in
tests/multiserver/cluster.py and tests/proxy/): a free port, a start that logs to a file,
a bounded wait until the program answers, and a stop by the program's own PID.

Nothing here needs Django: tests/faults/run_faults.py uses it before any settings exist.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path


class ProcessError(AssertionError):
    """A program a test started did not start, or did not answer in time."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def spawn(
    command: Sequence[str],
    *,
    log_path: Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.Popen:
    """``command`` in a session of its own, its output appended to ``log_path``."""
    with log_path.open("ab") as log:
        return subprocess.Popen(  # noqa: S603 (programs of the OS or the venv, our arguments)
            list(command),
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_until(
    ready: Callable[[], bool],
    *,
    process: subprocess.Popen,
    what: str,
    timeout: float,
    details: Callable[[], str] = lambda: "",
    interval: float = 0.2,
) -> None:
    """Call ``ready`` until it says yes; ``ProcessError`` (with ``details()``, e.g. the
    log's tail) when ``process`` exits first or ``timeout`` seconds pass. ``ready`` may
    return a string instead of False, to say what it saw last."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ProcessError(f"{what} exited with {process.returncode}:\n{details()}")
        answer = ready()
        if answer is True:
            return
        if answer:
            last = answer
        time.sleep(interval)
    raise ProcessError(f"{what} not ready after {timeout:.0f} s ({last}):\n{details()}")


def stop(
    process: subprocess.Popen | None,
    *,
    sig: int = signal.SIGTERM,
    timeout: float = 10,
    and_then_kill: Iterable[int] = (),
) -> None:
    """Send ``sig`` and wait; past ``timeout``, SIGKILL it (and the PIDs ``and_then_kill``)."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(sig)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        for pid in [process.pid, *and_then_kill]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait(5)


class RedisServer:
    """A ``redis-server`` of the test's own in ``folder``, on a free loopback port: no
    persistence (a restart starts empty), or ``persistent`` with the append-only file
    docs/operations.md asks for (``appendonly yes``, ``appendfsync everysec``)."""

    def __init__(self, folder: Path, *, persistent: bool = False):
        binary = shutil.which("redis-server")
        if not binary:
            raise ProcessError(
                "redis-server is not installed (Debian: apt-get install redis-server)"
            )
        self.binary = binary
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.persistent = persistent
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 20) -> RedisServer:
        options = {
            "--port": str(self.port),
            "--bind": "127.0.0.1",
            "--dir": str(self.folder),
            "--save": "",  # no snapshots
            "--appendonly": "yes" if self.persistent else "no",
            "--daemonize": "no",
            "--loglevel": "warning",
        }
        if self.persistent:
            options["--appendfsync"] = "everysec"
        command = [self.binary, *(part for pair in options.items() for part in pair)]
        self.process = spawn(command, log_path=self.folder / "redis.log")
        wait_until(self._answers, process=self.process, what="redis-server", timeout=timeout)
        return self

    def _answers(self) -> bool:
        import redis

        with contextlib.suppress(redis.RedisError):
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=1).ping())
        return False

    def stop(self) -> None:
        """A clean shutdown (SIGTERM), which writes the append-only file out."""
        stop(self.process, timeout=15)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()
