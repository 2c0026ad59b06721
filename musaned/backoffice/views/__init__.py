"""The staff back office's pages: the complaint queues and actions (``complaints``), the
visa quality check (``visas``), the recruitment contracts, read-only (``contracts``);
the statistics are in ``musaned.backoffice.stats_views``.

Every page is staff-only through ``access.permission_required`` (404 for anyone else,
403 for staff without the permission). The permission check wraps the method check,
so a citizen gets the same 404 for every method. Each view parses the request, reads
through a selector that takes the staff member, calls one service, and renders; every
staff view of a beneficiary's record (page, file or audit trail) is recorded by a
``backoffice.services`` call (a ``backoffice.*_viewed`` audit row).
"""

from musaned.backoffice.views.complaints import (
    complaint_act,
    complaint_attachment,
    complaint_audit,
    complaint_detail,
    complaint_note,
    queue,
)
from musaned.backoffice.views.contracts import (
    contract_audit,
    contract_detail,
    contract_evidence,
    contract_list,
)
from musaned.backoffice.views.home import home
from musaned.backoffice.views.visas import quality_detail, quality_queue, visa_audit, visa_document

__all__ = [
    "complaint_act",
    "complaint_attachment",
    "complaint_audit",
    "complaint_detail",
    "complaint_note",
    "contract_audit",
    "contract_detail",
    "contract_evidence",
    "contract_list",
    "home",
    "quality_detail",
    "quality_queue",
    "queue",
    "visa_audit",
    "visa_document",
]
