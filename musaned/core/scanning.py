"""The upload-scanner port: every accepted document is offered to a virus scanner first.

Chosen in settings by dotted path, like ``SMS_BACKEND``: ``UPLOAD_SCANNER_BACKEND``
(docs/configuration.md, decision 0008). Two implementations ship:

- ``NoScanner`` ("none"): scanning is off. The default, unless a clamd socket is
  configured; the other upload checks (type by content, PDF structure, image
  re-encoding) still run.
- ``ClamdScanner`` ("clamd"): ClamAV's daemon, spoken to over its Unix or TCP
  socket with the ``INSTREAM`` command (``CLAMD_SOCKET``, or ``CLAMD_HOST`` and
  ``CLAMD_PORT``). The protocol is small and stable, so it is written here rather
  than taken from an unmaintained client library.

A scanner that is configured but cannot answer raises ``ScannerUnavailable``; the
upload is then refused ("try again later"), never accepted unscanned.
"""

import socket
import struct
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""  # what the scanner found, for the log (never shown as is)


class ScannerUnavailable(Exception):
    """The scanner is configured but did not answer (down, timed out, or an error)."""


class NoScanner:
    """Scanning is off: every file passes this step."""

    enabled = False

    def scan(self, data: bytes) -> ScanResult:
        return ScanResult(clean=True)


class ClamdScanner:
    """ClamAV's clamd over ``INSTREAM``: ``zINSTREAM\\0``, then chunks each prefixed with
    its length as a 4-byte big-endian number, then a zero length; clamd answers
    ``stream: OK``, ``stream: <signature> FOUND`` or ``<reason> ERROR``."""

    enabled = True
    chunk_size = 64 * 1024

    def __init__(
        self,
        *,
        socket_path: str | None = None,
        host: str | None = None,
        port: int | None = None,
        timeout: float | None = None,
    ):
        self.socket_path = socket_path if socket_path is not None else settings.CLAMD_SOCKET
        self.host = host if host is not None else settings.CLAMD_HOST
        self.port = port if port is not None else settings.CLAMD_PORT
        self.timeout = timeout if timeout is not None else settings.CLAMD_TIMEOUT

    def _connect(self) -> socket.socket:
        if self.socket_path:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            try:
                sock.connect(self.socket_path)
            except BaseException:
                sock.close()
                raise
            return sock
        if not self.host:
            raise ScannerUnavailable("no CLAMD_SOCKET or CLAMD_HOST is configured")
        return socket.create_connection((self.host, self.port), timeout=self.timeout)

    def scan(self, data: bytes) -> ScanResult:
        try:
            with self._connect() as sock:
                sock.sendall(b"zINSTREAM\0")
                view = memoryview(data)
                try:
                    for start in range(0, len(view), self.chunk_size):
                        chunk = view[start : start + self.chunk_size]
                        sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                    sock.sendall(struct.pack("!L", 0))
                except (BrokenPipeError, ConnectionResetError):
                    # clamd stops reading when the stream passes its limit: it has
                    # written why before closing, so read that (no reply: no verdict).
                    pass
                reply = _read_reply(sock)
        except ScannerUnavailable:
            raise
        except OSError as exc:  # refused, reset, timed out, no such socket
            raise ScannerUnavailable(f"clamd did not answer: {exc}") from exc
        return parse_reply(reply)


def _read_reply(sock: socket.socket, limit: int = 4096) -> bytes:
    reply = b""
    while not reply.endswith(b"\0") and len(reply) < limit:
        part = sock.recv(limit)
        if not part:
            break
        reply += part
    return reply.rstrip(b"\0")


def parse_reply(reply: bytes) -> ScanResult:
    """clamd's one-line answer: ``stream: OK`` or ``stream: <name> FOUND``; anything else
    (``INSTREAM size limit exceeded. ERROR``, an empty or cut reply) is no verdict."""
    text = reply.decode("utf-8", "replace").strip()
    if text.endswith(" FOUND"):
        name = text.removesuffix(" FOUND")
        return ScanResult(clean=False, signature=name.partition(": ")[2] or name)
    if text.endswith(": OK"):
        return ScanResult(clean=True)
    raise ScannerUnavailable(f"clamd gave no verdict: {text[:200]!r}")


@lru_cache(maxsize=4)
def _scanner_for(path: str):
    return import_string(path)()


def get_scanner():
    """The scanner ``UPLOAD_SCANNER_BACKEND`` names (one instance per setting value)."""
    return _scanner_for(settings.UPLOAD_SCANNER_BACKEND)
