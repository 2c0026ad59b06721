import pytest

from musaned.core.audit import audit
from musaned.core.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


def test_audit_event_cannot_be_changed():
    event = audit("test.happened", detail="x")
    event.action = "test.rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert AuditEvent.objects.get().action == "test.happened"


def test_audit_event_cannot_be_deleted():
    event = audit("test.happened")
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.count() == 1


def test_audit_event_records_the_time_in_utc_and_the_data():
    event = audit("test.happened", national_id="1*******08")
    event.refresh_from_db()
    assert event.created_at.utcoffset().total_seconds() == 0
    assert event.data == {"national_id": "1*******08"}
    assert event.actor is None


def test_a_request_gives_its_audit_rows_the_client_address_and_request_id(client, registry):
    # No service takes the request: the row reads both from the request being answered.
    response = client.post("/login/", {"username": "nobody", "password": "Wrong-password-1"})
    row = AuditEvent.objects.get(action="login.failed")
    assert row.ip_address == "127.0.0.1"
    assert row.request_id and response["X-Request-ID"] == row.request_id


def test_a_job_writes_its_audit_rows_with_no_client_address():
    event = audit("test.job_ran")
    assert (event.ip_address, event.request_id) == (None, "")
