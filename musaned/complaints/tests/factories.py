"""Complaints for tests, filed through the real service (the service level must be
loaded: the ``service_level`` fixture); and what a beneficiary sends to file one, on the
web form and through the API."""

from musaned.complaints import services
from musaned.complaints.models import Complaint

# The filing form (POST /complaints/new/), as a beneficiary types it in Arabic.
FORM = {
    "category": "worker",
    "visa": "",
    "subject": "مكتب الاستقدام لا يرد",
    "description": "منذ أسبوعين ولا أحد يرد على الهاتف.",
    "contact_preference": "sms",
}
# A complaint's body for POST /api/v1/complaints.
COMPLAINT = {
    "category": "worker",
    "subject": "The office does not answer",
    "description": "Since two weeks nobody picks up the phone.",
    "contact_preference": "sms",
}


def file_complaint(owner, **overrides) -> Complaint:
    """A complaint ``owner`` files (about a worker unless told otherwise; a complaint about an office must name it)."""
    fields = {
        "owner": owner,
        "category": "worker",
        "subject": "The office does not answer",
        "description": "Since two weeks.",
        "contact_preference": "sms",
    }
    return services.complaint_submit(**(fields | overrides))
