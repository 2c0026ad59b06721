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
