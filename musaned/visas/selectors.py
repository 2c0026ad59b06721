"""Reads of visas, always scoped to the person asking."""

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from musaned.accounts import personal_data
from musaned.accounts.models import User
from musaned.core.errors import CoreErrorCode, core_error
from musaned.visas.models import RuleSet, VisaApplication, VisaState


class RuleSetMissing(Exception):
    pass


def rule_set_in_effect(on: dt.date) -> RuleSet:
    """The newest rule set whose date has come; a set dated in the future waits."""
    rule_set = (
        RuleSet.objects.filter(effective_from__lte=on)
        .prefetch_related("tiers")
        .order_by("-effective_from")
        .first()
    )
    if rule_set is None:
        raise RuleSetMissing(f"no rule set in effect on {on}")
    return rule_set


def active_visa_count(*, owner: User, excluding: VisaApplication | None = None) -> int:
    """Visas and open applications that count against the number allowed."""
    from musaned.visas.workflow import ACTIVE_STATES

    rows = VisaApplication.objects.filter(owner=owner, state__in=ACTIVE_STATES)
    if excluding is not None and excluding.pk:
        rows = rows.exclude(pk=excluding.pk)
    return rows.count()


def applications_for(*, actor: User) -> QuerySet[VisaApplication]:
    """The actor's own applications and visas, with what the list shows, in one query."""
    return (
        VisaApplication.objects.filter(owner=actor)
        .exclude(state=VisaState.WITHDRAWN)
        .select_related("occupation", "nationality", "arrival_point")
        .order_by("-created_at")
    )


def applications_numbered_for(*, actor: User, number: str) -> QuerySet[VisaApplication]:
    """The actor's own applications whose request, visa or issued number (رقم الصادر) is
    ``number``; the owner is in the query, so another person's numbers find nothing."""
    return applications_for(actor=actor).filter(
        Q(reference=number) | Q(visa_number=number) | Q(issued_number=number)
    )


def application_get_for(*, actor: User, reference: str) -> VisaApplication:
    """One of the actor's applications by its request number; anyone else's is NotFound
    (``not_found``, "Not found.": the page's 404, the API's answer)."""
    application = applications_for(actor=actor).filter(reference=reference).first()
    if application is None:
        raise core_error(CoreErrorCode.NOT_FOUND)
    return application


def visa_by_token(token: str) -> VisaApplication | None:
    """The public verification page's lookup (by the unguessable token on the QR code)."""
    if not token:
        return None
    return (
        VisaApplication.objects.filter(verification_token=token)
        .select_related("owner", "occupation", "nationality", "arrival_point")
        .first()
    )


def applications_in_personal_data(user: User) -> list[dict[str, Any]]:
    """Every visa application of ``user``, for their data download (PDPL): the discarded
    drafts too, which ``applications_for`` leaves out of the list but the platform keeps.
    One query."""
    rows = (
        VisaApplication.objects.filter(owner=user)
        .select_related("occupation", "nationality", "arrival_point")
        .order_by("created_at", "id")
    )
    return [
        {
            "reference": a.reference,
            "state": a.state,
            "occupation": a.occupation.name if a.occupation else None,
            "worker_nationality": a.nationality.name if a.nationality else None,
            "worker_gender": a.worker_gender,
            "arrival_point": a.arrival_point.name if a.arrival_point else None,
            "financial_proof": a.proof_type,
            "monthly_salary": personal_data.amount(a.monthly_salary),
            "bank_balance": personal_data.amount(a.bank_balance),
            "financial_proof_document_sent": bool(a.proof_document),
            "occupation_document_sent": bool(a.occupation_document),
            "declaration_accepted": a.declaration,
            "fee": personal_data.amount(a.fee),
            "rule_verdicts": a.verdicts,
            "created_at": personal_data.iso(a.created_at),
            "submitted_at": personal_data.iso(a.submitted_at),
            "decided_at": personal_data.iso(a.decided_at),
            "fix_by": personal_data.iso(a.fix_by),
            "visa_number": a.visa_number,
            "issued_number": a.issued_number,
            "issued_on": personal_data.iso(a.issued_on),
            "expires_on": personal_data.iso(a.expires_on),
        }
        for a in rows
    ]
