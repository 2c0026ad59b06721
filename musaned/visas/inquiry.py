"""Visa inquiry: by issued number and the sponsor's ID for anyone, by request or ID
number inside the account. Both answer with the one visa card (presenters.py)."""

import re

from django.db import transaction
from django.http import HttpRequest

from musaned.core.audit import audit
from musaned.identity.saudi_id import mask_id, normalize_digits
from musaned.visas.models import VisaApplication
from musaned.visas.presenters import VisaCard, visa_card
from musaned.visas.selectors import applications_for

_DIGITS = re.compile(r"[0-9]{1,20}")
# Only what the card shows (docs/performance.md: the full rows cost a third of the time).
CARD_FIELDS = (
    "reference",
    "state",
    "visa_number",
    "issued_number",
    "worker_gender",
    "issued_on",
    "expires_on",
    "owner__first_name",
    "owner__last_name",
    "occupation__name_ar",
    "occupation__name_en",
    "nationality__name_ar",
    "nationality__name_en",
    "arrival_point__name_ar",
    "arrival_point__name_en",
)


def public_inquiry(
    *, issued_number: str, national_id: str, request: HttpRequest | None = None
) -> VisaCard | None:
    """The visa with this issued number *and* this sponsor ID, or None.

    "No such visa" and "the numbers do not match" give the same None, so the
    answer never tells whether an issued number exists. Every inquiry is
    audited with the ID masked.
    """
    issued_number, national_id = normalize_digits(issued_number), normalize_digits(national_id)
    application = None
    if _DIGITS.fullmatch(issued_number) and _DIGITS.fullmatch(national_id):
        application = (
            VisaApplication.objects.filter(
                issued_number=issued_number, owner__national_id=national_id
            )
            .select_related("owner", "occupation", "nationality", "arrival_point")
            .only(*CARD_FIELDS)
            .first()
        )
    with transaction.atomic():
        audit(
            "visa.inquiry",
            target=application,
            request=request,
            national_id=mask_id(national_id),
            found=application is not None,
        )
    return visa_card(application) if application is not None else None


def account_inquiry(*, actor, query: str) -> list[VisaApplication]:
    """By request number (one of the actor's own) or by the actor's own ID number (all of them)."""
    query = normalize_digits(query.strip())
    if not _DIGITS.fullmatch(query):
        return []
    own = applications_for(actor=actor)
    if query == actor.national_id:
        return list(own)
    return list(own.filter(reference=query))
