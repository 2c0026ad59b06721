"""Reads of visas, always scoped to the person asking."""

import datetime as dt

from django.db.models import Q, QuerySet

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
