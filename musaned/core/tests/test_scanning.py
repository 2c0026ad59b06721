"""The clamd adapter, against a small clamd speaking the INSTREAM protocol in a thread
(and against a real clamd when CLAMD_SOCKET or CLAMD_HOST is set in the environment)."""

import os
import socket
import socketserver
import struct
import tempfile
import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from musaned.core import scanning
from musaned.core.tests import documents
from musaned.core.uploads import UploadErrorCode, UploadRefused, check_upload


class FakeClamd(socketserver.BaseRequestHandler):
    """clamd's INSTREAM, as its manual describes it: ``zINSTREAM\\0``, chunks of
    <4-byte big-endian length><data>, a zero length; the answer ends with NUL."""

    def handle(self):
        server = self.server
        server.commands.append(self._read_command())
        if server.behaviour == "silent":
            server.release.wait(10)  # never answers (until the test ends)
            return
        received = b""
        while True:
            size = struct.unpack("!L", self._exactly(4))[0]
            if size == 0:
                break
            if size > server.stream_max:
                self.request.sendall(b"INSTREAM size limit exceeded. ERROR\0")
                return
            received += self._exactly(size)
        server.received.append(received)
        if documents.EICAR in received:
            self.request.sendall(b"stream: Win.Test.EICAR_HDB-1 FOUND\0")
        else:
            self.request.sendall(b"stream: OK\0")

    def _read_command(self) -> bytes:
        command = b""
        while not command.endswith(b"\0"):
            command += self.request.recv(1)
        return command

    def _exactly(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            part = self.request.recv(size - len(data))
            if not part:
                raise ConnectionError("client went away")
            data += part
        return data


def _serve(server):
    server.commands, server.received = [], []
    server.behaviour, server.stream_max = "normal", 25 * 2**20
    server.release = threading.Event()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    return server


@pytest.fixture
def clamd_tcp():
    server = _serve(socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeClamd))
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def clamd_unix():
    folder = tempfile.mkdtemp(prefix="clamd-")
    path = os.path.join(folder, "clamd.ctl")
    server = _serve(socketserver.ThreadingUnixStreamServer(path, FakeClamd))
    server.path = path
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()
    os.unlink(path)
    os.rmdir(folder)


def tcp_scanner(server, **kwargs) -> scanning.ClamdScanner:
    return scanning.ClamdScanner(
        socket_path="", host="127.0.0.1", port=server.server_address[1], **kwargs
    )


def test_a_clean_file_passes_and_the_protocol_is_instream(clamd_tcp):
    data = documents.minimal_pdf()  # one chunk
    big = os.urandom(200 * 1024)  # four chunks
    scanner = tcp_scanner(clamd_tcp)
    assert scanner.scan(data) == scanning.ScanResult(clean=True)
    assert scanner.scan(big).clean
    assert clamd_tcp.commands == [b"zINSTREAM\0", b"zINSTREAM\0"]
    assert clamd_tcp.received == [data, big]


def test_eicar_is_found_over_a_unix_socket(clamd_unix):
    scanner = scanning.ClamdScanner(socket_path=clamd_unix.path)
    result = scanner.scan(documents.pdf_with_eicar())
    assert result == scanning.ScanResult(clean=False, signature="Win.Test.EICAR_HDB-1")


def test_an_upload_with_eicar_is_refused_through_the_clamd_adapter(clamd_unix, settings):
    settings.UPLOAD_SCANNER_BACKEND = "musaned.core.scanning.ClamdScanner"
    settings.CLAMD_SOCKET = clamd_unix.path
    scanning._scanner_for.cache_clear()
    try:
        with pytest.raises(UploadRefused) as refused:
            check_upload(SimpleUploadedFile("statement.pdf", documents.pdf_with_eicar()))
        assert refused.value.code == UploadErrorCode.INFECTED
        clean = documents.minimal_pdf()
        assert check_upload(SimpleUploadedFile("statement.pdf", clean)).read() == clean
    finally:
        scanning._scanner_for.cache_clear()


def test_no_clamd_listening_is_unavailable_not_clean():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    scanner = scanning.ClamdScanner(socket_path="", host="127.0.0.1", port=port, timeout=1)
    with pytest.raises(scanning.ScannerUnavailable):
        scanner.scan(b"anything")
    with pytest.raises(scanning.ScannerUnavailable):
        scanning.ClamdScanner(socket_path="/nonexistent/clamd.ctl").scan(b"anything")
    with pytest.raises(scanning.ScannerUnavailable):
        scanning.ClamdScanner(socket_path="", host="").scan(b"anything")


def test_a_clamd_that_hangs_is_unavailable_after_the_timeout(clamd_tcp):
    clamd_tcp.behaviour = "silent"
    started = time.monotonic()
    with pytest.raises(scanning.ScannerUnavailable):
        tcp_scanner(clamd_tcp, timeout=0.5).scan(b"x" * 1000)
    assert time.monotonic() - started < 3


def test_a_clamd_error_is_no_verdict(clamd_tcp):
    clamd_tcp.stream_max = 1000  # clamd's StreamMaxLength
    with pytest.raises(scanning.ScannerUnavailable, match="size limit"):
        tcp_scanner(clamd_tcp).scan(b"x" * 5000)


@pytest.mark.parametrize(
    ("reply", "result"),
    [
        (b"stream: OK", scanning.ScanResult(clean=True)),
        (b"stream: Eicar-Signature FOUND", scanning.ScanResult(False, "Eicar-Signature")),
    ],
)
def test_replies_are_read_as_clamd_writes_them(reply, result):
    assert scanning.parse_reply(reply) == result


@pytest.mark.parametrize("reply", [b"", b"stream: ", b"UNKNOWN COMMAND", b"stream: x ERROR"])
def test_anything_else_is_no_verdict(reply):
    with pytest.raises(scanning.ScannerUnavailable):
        scanning.parse_reply(reply)


@pytest.mark.skipif(
    not (os.environ.get("CLAMD_SOCKET") or os.environ.get("CLAMD_HOST")),
    reason="no clamd configured (CLAMD_SOCKET or CLAMD_HOST)",
)
def test_a_real_clamd_finds_eicar_in_a_pdf():
    scanner = scanning.ClamdScanner(
        socket_path=os.environ.get("CLAMD_SOCKET", ""),
        host=os.environ.get("CLAMD_HOST", ""),
        port=int(os.environ.get("CLAMD_PORT", 3310)),
    )
    assert scanner.scan(documents.minimal_pdf()).clean
    assert not scanner.scan(documents.EICAR).clean
    assert not scanner.scan(documents.pdf_with_eicar()).clean
