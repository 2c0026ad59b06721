import io

from django.test import override_settings

from musaned.notifications import sms
from musaned.notifications.sms.backends.console import SmsBackend as ConsoleBackend
from musaned.notifications.sms.backends.filebased import SmsBackend as FileBackend


def test_sms_in_tests_collect_in_the_outbox():
    sms.send_sms("+966500000001", "رمز التحقق 123456")
    assert [(m.to, m.body) for m in sms.outbox] == [("+966500000001", "رمز التحقق 123456")]


def test_file_backend_writes_one_utf8_file_per_message(tmp_path):
    with override_settings(SMS_BACKEND="musaned.notifications.sms.backends.filebased.SmsBackend"):
        sent = FileBackend(file_path=tmp_path).send_messages(
            [sms.SmsMessage(to="+966500000001", body="رمز 123456")]
        )
    files = list(tmp_path.iterdir())
    assert sent == 1 and len(files) == 1
    assert "966500000001" in files[0].name
    assert "رمز 123456" in files[0].read_text(encoding="utf-8")


def test_console_backend_prints_the_message():
    stream = io.StringIO()
    ConsoleBackend(stream=stream).send_messages([sms.SmsMessage(to="+966500000001", body="hi")])
    assert "SMS to +966500000001" in stream.getvalue()
