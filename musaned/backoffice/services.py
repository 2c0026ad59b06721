"""The back office's own writes: the audit trail of staff reading a beneficiary's records.

Staff opening a complaint, a file, an audit trail, a visa request or its document, a
recruitment contract or its stage evidence, a search and a statistics export each leave
an audit row (who, what, when, from where),
so a supervisor can see who read a record. These are the only writes a back-office GET
makes, and they are made here, in a transaction, never in a view. The actions on
complaints are the complaint workflow's (``musaned.core.workflow.transition``); the
quality-check decision is the visas' (``visa_application_review``).
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Model

from musaned.accounts.models import User
from musaned.complaints.models import Complaint, ComplaintAttachment
from musaned.core.audit import audit
from musaned.core.models import AuditEvent
from musaned.identity.saudi_id import mask_id
from musaned.recruitment.models import Contract, StageEvidence
from musaned.visas.models import VisaApplication


def _record(action: str, *, actor: User, target: Model | None = None, **data: Any) -> AuditEvent:
    with transaction.atomic():
        return audit(action, actor=actor, target=target, **data)


def complaint_open(*, actor: User, complaint: Complaint) -> AuditEvent:
    """Staff opened the complaint's page."""
    return _record("backoffice.complaint_viewed", actor=actor, target=complaint)


def complaint_attachment_download(
    *, actor: User, complaint: Complaint, attachment: ComplaintAttachment
) -> AuditEvent:
    """Staff downloaded a file of the complaint."""
    return _record(
        "backoffice.complaint_attachment_viewed",
        actor=actor,
        target=complaint,
        attachment=attachment.pk,
    )


def complaint_audit_read(*, actor: User, complaint: Complaint) -> AuditEvent:
    """A supervisor read the complaint's audit trail."""
    return _record("backoffice.complaint_audit_viewed", actor=actor, target=complaint)


def _masked(query: str) -> str:
    return mask_id(query) if len(query) == 10 else query


def complaints_search(*, actor: User, query: str) -> AuditEvent:
    """Staff searched the complaints for a number or an ID number (kept masked)."""
    return _record("backoffice.complaint_search", actor=actor, query=_masked(query))


def visa_open(*, actor: User, application: VisaApplication) -> AuditEvent:
    """A reviewer or supervisor opened the request's quality-check page."""
    return _record("backoffice.visa_viewed", actor=actor, target=application)


def visa_document_download(*, actor: User, application: VisaApplication, kind: str) -> AuditEvent:
    """Staff downloaded a document of the request (``kind``: proof, occupation)."""
    return _record("backoffice.visa_document_viewed", actor=actor, target=application, kind=kind)


def visa_audit_read(*, actor: User, application: VisaApplication) -> AuditEvent:
    """A supervisor read the request's audit trail."""
    return _record("backoffice.visa_audit_viewed", actor=actor, target=application)


def contract_open(*, actor: User, contract: Contract) -> AuditEvent:
    """Staff opened a recruitment contract's page (its parties, stages and ledger)."""
    return _record("backoffice.contract_viewed", actor=actor, target=contract)


def contract_evidence_download(
    *, actor: User, contract: Contract, evidence: StageEvidence
) -> AuditEvent:
    """Staff downloaded the document the office showed for a stage."""
    return _record(
        "backoffice.contract_evidence_viewed",
        actor=actor,
        target=contract,
        stage=evidence.stage,
        evidence=evidence.pk,
    )


def contract_audit_read(*, actor: User, contract: Contract) -> AuditEvent:
    """A supervisor read the contract's audit trail."""
    return _record("backoffice.contract_audit_viewed", actor=actor, target=contract)


def contracts_search(*, actor: User, query: str) -> AuditEvent:
    """Staff searched the contracts for a number or an ID number (kept masked)."""
    return _record("backoffice.contract_search", actor=actor, query=_masked(query))


def statistics_export(*, actor: User, start: dt.date, end: dt.date) -> AuditEvent:
    """A supervisor downloaded the statistics of a period as CSV."""
    return _record(
        "backoffice.statistics_exported",
        actor=actor,
        period_from=start.isoformat(),
        period_to=end.isoformat(),
    )
