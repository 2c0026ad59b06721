"""The SMS-gateway contract (``contract.py``), run against the console, file and
in-memory backends, or against the adapter named by ``MUSANED_TEST_SMS_BACKEND``
(docs/sms.md), which sends real messages to ``MUSANED_TEST_SMS_TO``:

    MUSANED_TEST_SMS_BACKEND=sms_adapter.backend.GatewaySmsBackend \\
    MUSANED_TEST_SMS_TO=+9665XXXXXXXX \\
      .venv/bin/python -m pytest musaned/notifications/tests/test_sms_contract.py -v

``MUSANED_TEST_SMS_FAILING`` (optional) names an adapter class, or a function returning
an adapter, that points at a gateway that refuses or does not answer.
"""

import io
import os
import re

import pytest
from django.utils.module_loading import import_string

from musaned.notifications import sms
from musaned.notifications.sms.backends.console import SmsBackend as ConsoleBackend
from musaned.notifications.sms.backends.filebased import SmsBackend as FileBackend
from musaned.notifications.sms.backends.locmem import SmsBackend as LocmemBackend
from musaned.notifications.tests.contract import SmsBackendContract

ADAPTER = os.environ.get("MUSANED_TEST_SMS_BACKEND", "").strip()
FAILING = os.environ.get("MUSANED_TEST_SMS_FAILING", "").strip()


if ADAPTER:

    class TestNamedSmsBackend(SmsBackendContract):
        """The adapter the operator named, sending to the operator's own phone."""

        @pytest.fixture
        def backend(self):
            return import_string(ADAPTER)()

        @pytest.fixture
        def recipient(self):
            to = os.environ.get("MUSANED_TEST_SMS_TO", "").strip()
            if not re.fullmatch(r"\+9665[0-9]{8}", to):
                pytest.fail("set MUSANED_TEST_SMS_TO to your own mobile, as +9665XXXXXXXX")
            return to

        @pytest.fixture
        def failing_backend(self):
            return import_string(FAILING)() if FAILING else None

else:

    class TestConsoleBackend(SmsBackendContract):
        """``SMS_BACKEND=console``: each message printed on standard output."""

        @pytest.fixture
        def stdout(self):
            return io.StringIO()  # stands for sys.stdout, the stream it writes by default

        @pytest.fixture
        def backend(self, stdout):
            return ConsoleBackend(stream=stdout)

        @pytest.fixture
        def delivered(self, stdout):
            pattern = re.compile(r"SMS to (\S+)\n(.*?)\n-{40}\n", re.DOTALL)
            return lambda: pattern.findall(stdout.getvalue())

        @pytest.fixture
        def failing_backend(self):
            stream = io.StringIO()
            stream.close()  # standard output gone (a closed pipe)
            return ConsoleBackend(stream=stream)

    class TestFileBackend(SmsBackendContract):
        """``SMS_BACKEND=file``: one UTF-8 file per message in ``SMS_FILE_PATH``."""

        @pytest.fixture
        def backend(self, settings, tmp_path):
            settings.SMS_FILE_PATH = tmp_path / "sms"
            return FileBackend()

        @pytest.fixture
        def delivered(self, tmp_path):
            def read():
                found = []
                for path in sorted((tmp_path / "sms").glob("*.txt")):
                    head, body = path.read_text(encoding="utf-8").split("\n\n", 1)
                    found.append((head.splitlines()[0].removeprefix("To: "), body[:-1]))
                return found

            return read

        @pytest.fixture
        def failing_backend(self, tmp_path):
            in_the_way = tmp_path / "not-a-folder"
            in_the_way.write_text("a file where the folder should be")
            return FileBackend(file_path=in_the_way)

    class TestLocmemBackend(SmsBackendContract):
        """``SMS_BACKEND=locmem``: messages kept in ``sms.outbox`` (the tests' backend)."""

        @pytest.fixture
        def backend(self):
            return LocmemBackend()

        @pytest.fixture
        def delivered(self):
            return lambda: [(message.to, message.body) for message in sms.outbox]
