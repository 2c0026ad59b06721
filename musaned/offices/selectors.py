"""Every read of the offices app, scoped to who reads it.

- The public directory reads only listed (active) offices; an office's own page reads any
  office by its opaque id (its state is part of what the public may know) but never a
  person's data.
- An office user reads only their own office: everything of the portal goes through
  ``membership_for`` / ``office_for_member`` and the ``…_of_office`` readers, which filter
  by that office in the query ("not yours" and "not there" are one 404).
- Licensing officers read the whole register (``offices_for_officer``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from musaned.accounts import personal_data
from musaned.accounts.models import User
from musaned.core import timeline
from musaned.offices import permissions, scorecard, sources
from musaned.offices.ceilings import Ceilings, ceilings_on, vat_rate_on, with_vat
from musaned.offices.errors import OfficeErrorCode as Code
from musaned.offices.errors import office_error
from musaned.offices.models import (
    City,
    InvitationState,
    Office,
    OfficeInvitation,
    OfficeMembership,
    OfficePrice,
    OfficeSanction,
    OfficeState,
    PriceCeiling,
    PriceState,
    VatRate,
)
from musaned.offices.workflow import MACHINE
from musaned.visas.models import Nationality, Occupation

SORT_NAME, SORT_PRICE, SORT_RATING, SORT_ON_TIME = "name", "price", "rating", "on_time"
SORTS = (SORT_NAME, SORT_PRICE, SORT_RATING, SORT_ON_TIME)


def _uid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        return None


def name_field() -> str:
    return "name_ar" if (get_language() or "ar").startswith("ar") else "name_en"


# --- The public directory -----------------------------------------------------------------


def directory(
    *,
    city: City | None = None,
    nationality: Nationality | None = None,
    occupation: Occupation | None = None,
    sort: str = SORT_NAME,
    period: scorecard.Period,
) -> QuerySet[Office]:
    """Listed offices, filtered, each with its lowest offered price for the filter (before
    VAT, ``lowest_price``, and its ``lowest_days``) and its scorecard counts, sorted: by
    name, price (lowest first), rating or on-time share (highest first; offices without
    the figure last, then by name). One query, however many offices; the scorecard
    counts are only in it when the sort needs them: a page of it gets them from
    ``with_scorecards``."""
    offices = Office.objects.filter(state=OfficeState.ACTIVE).select_related("city")
    prices = OfficePrice.objects.filter(office=OuterRef("pk"), state=PriceState.ACTIVE)
    if city is not None:
        offices = offices.filter(city=city)
    if nationality is not None:
        offices = offices.filter(nationalities=nationality)
        prices = prices.filter(nationality=nationality)
    if occupation is not None:
        offices = offices.filter(occupations=occupation)
        prices = prices.filter(occupation=occupation)
    lowest = prices.order_by("amount", "days_to_arrival", "pk")
    offices = offices.annotate(
        lowest_price=Subquery(lowest.values("amount")[:1]),
        lowest_days=Subquery(lowest.values("days_to_arrival")[:1]),
    )
    name = name_field()
    if sort in (SORT_RATING, SORT_ON_TIME) and sources.contracts() is not None:
        figure = "rating_average" if sort == SORT_RATING else "on_time_share"
        return scorecard.annotate(offices, period).order_by(
            F(figure).desc(nulls_last=True), name, "pk"
        )
    if sort == SORT_PRICE:
        return offices.order_by(F("lowest_price").asc(nulls_last=True), name, "pk")
    return offices.order_by(name, "pk")


def with_scorecards(offices: Iterable[Any], *, period: scorecard.Period) -> list[Any]:
    """``offices`` (a page of the directory) with their scorecard counts, in one query for
    the page: the directory sorts and pages without them (by name or price), so the
    database counts the figures of the page's offices only, not of every office before
    it (docs/performance.md). Offices already annotated (sorted by a figure) are kept."""
    page = list(offices)
    if not page or hasattr(page[0], "penalty_points"):
        return page
    counted = scorecard.annotate(Office.objects.filter(pk__in=[o.pk for o in page]), period)
    names = [n for n in counted.query.annotations]
    values = {row["pk"]: row for row in counted.order_by().values("pk", *names)}
    for office in page:
        for name in names:
            setattr(office, name, values[office.pk][name])
    return page


def sort_works(sort: str) -> bool:
    """Whether the platform has the records ``sort`` needs (ratings and arrivals come
    with contracts): otherwise the directory says so and sorts by name."""
    return sort in (SORT_NAME, SORT_PRICE) or sources.contracts() is not None


def public_office(*, uid: Any, period: scorecard.Period) -> Office:
    """Any office of the register by its opaque id, with its scorecard counts (its state
    is shown: a suspended or withdrawn office keeps its page and history). Raises
    ``OfficeNotFound``."""
    key = _uid(uid)
    office = (
        scorecard.annotate(Office.objects.select_related("city"), period).filter(uid=key).first()
        if key is not None
        else None
    )
    if office is None:
        raise office_error(Code.NOT_FOUND)
    return office


def register_choices() -> list[tuple[str, str]]:
    """Every office of the register, whatever its state (a complaint may be about a
    suspended office, or one that lost its licence), as ``(opaque id, "name — city")``
    by name in the reader's language: the list a complaint chooses from."""
    name = name_field()
    rows = Office.objects.order_by(name, "pk").values_list("uid", name, f"city__{name}")
    return [(str(uid), f"{office} — {city}") for uid, office, city in rows]


def office_in_register(*, uid: Any) -> Office | None:
    """The office of the register with this opaque id, or ``None``."""
    key = _uid(uid)
    return Office.objects.filter(uid=key).first() if key is not None else None


def public_offices(*, uids: Iterable[Any], period: scorecard.Period) -> list[Office]:
    """Up to three listed offices for the comparison, in the order asked."""
    keys = [key for key in (_uid(u) for u in uids) if key is not None][:3]
    found = {
        office.uid: office
        for office in scorecard.annotate(
            Office.objects.select_related("city").filter(uid__in=keys), period
        )
    }
    return [found[key] for key in dict.fromkeys(keys) if key in found]


@dataclass(frozen=True)
class PriceLine:
    uid: uuid.UUID
    nationality: Nationality
    occupation: Occupation
    amount: Decimal
    with_vat: Decimal
    days_to_arrival: int
    state: str
    ceiling: PriceCeiling | None
    ceiling_with_vat: Decimal | None
    suspended_by: PriceCeiling | None


def _lines(
    prices: Iterable[OfficePrice], vat: VatRate | None, ceilings: Ceilings
) -> list[PriceLine]:
    lines = []
    for price in prices:
        ceiling = ceilings.for_(price.nationality_id, price.occupation_id)
        lines.append(
            PriceLine(
                uid=price.uid,
                nationality=price.nationality,
                occupation=price.occupation,
                amount=price.amount,
                with_vat=with_vat(price.amount, vat),
                days_to_arrival=price.days_to_arrival,
                state=price.state,
                ceiling=ceiling,
                ceiling_with_vat=with_vat(ceiling.amount, vat) if ceiling else None,
                suspended_by=price.suspended_by,
            )
        )
    return lines


def price_lines(
    *, office: Office, offered_only: bool, vat: VatRate | None = None
) -> list[PriceLine]:
    """The office's prices with VAT and the ceiling that binds each (the public sees only
    offered ones; the office sees its suspended ones too)."""
    prices = office.prices.select_related("nationality", "occupation", "suspended_by")
    if offered_only:
        prices = prices.filter(state=PriceState.ACTIVE)
    return _lines(
        prices.order_by("nationality__name_en", "occupation__sort_order", "pk"),
        vat if vat is not None else vat_rate_on(),
        ceilings_on(),
    )


def public_decisions(*, office: Office, period: scorecard.Period) -> QuerySet[OfficeSanction]:
    """The enforcement decisions of the period, for the public: the kind, the date, the
    points and the ground (never the officer's own words or name)."""
    return office.sanctions.filter(created_at__gte=period.since).only(
        "kind", "points", "ground", "until", "created_at", "office_id"
    )


def filter_choices() -> dict[str, QuerySet[Any]]:
    """What the directory's filters offer: cities with listed offices, and the catalogue."""
    listed = Office.objects.filter(state=OfficeState.ACTIVE)
    return {
        "cities": City.objects.filter(pk__in=listed.values("city")).order_by(name_field()),
        "nationalities": Nationality.objects.filter(is_active=True).order_by(name_field()),
        "occupations": Occupation.objects.filter(is_active=True, special_needs=False),
    }


# --- The office portal: the member's own office only ---------------------------------------


def membership_for(*, actor: User | None) -> OfficeMembership | None:
    """``actor``'s present membership (one office at a time), with its office."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return None
    return (
        OfficeMembership.objects.filter(user_id=actor.pk, ended_at__isnull=True)
        .select_related("office", "office__city")
        .first()
    )


def memberships_in_personal_data(user: User) -> list[dict[str, Any]]:
    """Every office ``user`` works or worked for, with their role, from when and until when
    (the present one has no end), for their data download (PDPL). One query."""
    rows = (
        OfficeMembership.objects.filter(user=user)
        .select_related("office")
        .order_by("created_at", "id")
    )
    return [
        {
            "office": m.office.name,
            "office_licence_number": m.office.licence_number,
            "role": m.role,
            "since": personal_data.iso(m.created_at),
            "until": personal_data.iso(m.ended_at),
        }
        for m in rows
    ]


def office_for_member(*, actor: User | None) -> Office:
    membership = membership_for(actor=actor)
    if membership is None:
        raise office_error(Code.NOT_FOUND)
    return membership.office


def price_of_office(*, office: Office, uid: Any) -> OfficePrice:
    key = _uid(uid)
    price = (
        OfficePrice.objects.filter(office=office, uid=key)
        .select_related("nationality", "occupation", "suspended_by")
        .first()
        if key
        else None
    )
    if price is None:
        raise office_error(Code.NOT_FOUND)
    return price


def members_of_office(*, office: Office) -> QuerySet[OfficeMembership]:
    return office.memberships.filter(ended_at__isnull=True).select_related("user")


def membership_of_office(*, office: Office, uid: Any) -> OfficeMembership:
    key = _uid(uid)
    membership = (
        office.memberships.filter(uid=key, ended_at__isnull=True).select_related("user").first()
        if key
        else None
    )
    if membership is None:
        raise office_error(Code.NOT_FOUND)
    return membership


def invitations_of_office(*, office: Office) -> QuerySet[OfficeInvitation]:
    """Pending invitations, the expired ones too (the page says which)."""
    return office.invitations.filter(state=InvitationState.PENDING).order_by("-created_at")


def invitation_of_office(*, office: Office, uid: Any) -> OfficeInvitation:
    key = _uid(uid)
    invitation = office.invitations.filter(uid=key).first() if key else None
    if invitation is None:
        raise office_error(Code.NOT_FOUND)
    return invitation


def sanctions_for_office(*, office: Office) -> QuerySet[OfficeSanction]:
    """Every decision about the office, with the officer's reason (the office reads it)."""
    return office.sanctions.all()


# --- The invitee's own invitations ----------------------------------------------------------


def invitations_for(*, actor: User) -> QuerySet[OfficeInvitation]:
    """Pending, unexpired invitations addressed to ``actor``'s ID number."""
    if not actor.national_id:
        return OfficeInvitation.objects.none()
    return (
        OfficeInvitation.objects.filter(
            national_id=actor.national_id,
            state=InvitationState.PENDING,
            expires_at__gt=timezone.now(),
        )
        .select_related("office", "office__city")
        .order_by("-created_at")
    )


def invitation_for(*, actor: User, uid: Any) -> OfficeInvitation:
    """One pending invitation addressed to ``actor`` (expired ones too: accepting says
    so); anything else is the same 404."""
    key = _uid(uid)
    invitation = (
        OfficeInvitation.objects.filter(
            uid=key, national_id=actor.national_id, state=InvitationState.PENDING
        )
        .select_related("office")
        .first()
        if key and actor.national_id
        else None
    )
    if invitation is None:
        raise office_error(Code.NOT_FOUND)
    return invitation


# --- Licensing officers ---------------------------------------------------------------------


def offices_for_officer(*, actor: User, state: str = "", search: str = "") -> QuerySet[Office]:
    if not permissions.is_licensing_officer(actor):
        raise office_error(Code.NOT_ALLOWED)
    offices = Office.objects.select_related("city")
    if state in OfficeState.values:
        offices = offices.filter(state=state)
    search = search.strip()
    if search:
        offices = offices.filter(
            Q(name_ar__icontains=search)
            | Q(name_en__icontains=search)
            | Q(licence_number=search)
            | Q(cr_number=search)
        )
    return offices.order_by(name_field(), "pk")


def office_for_officer(*, actor: User, uid: Any) -> Office:
    offices = offices_for_officer(actor=actor)
    key = _uid(uid)
    office = offices.filter(uid=key).first() if key else None
    if office is None:
        raise office_error(Code.NOT_FOUND)
    return office


def ceilings_for_officer(*, actor: User) -> QuerySet[PriceCeiling]:
    if not permissions.is_licensing_officer(actor):
        raise office_error(Code.NOT_ALLOWED)
    return PriceCeiling.objects.select_related("nationality", "occupation").order_by(
        "-effective_from", "nationality__name_en", "pk"
    )


def vat_rates() -> QuerySet[VatRate]:
    return VatRate.objects.order_by("-effective_from")


# --- History --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryLine:
    at: dt.datetime
    label: str
    by: str
    reason: str


def history(*, office: Office, for_staff: bool) -> list[HistoryLine]:
    """What happened to the office, oldest first (``core/timeline``): staff read who did
    it by name; the office reads its own people by name and "Ministry staff" for staff."""
    events = list(timeline.events_of(office).order_by("created_at", "id"))
    lines = timeline.entries(events, owner_id=None, viewer=timeline.STAFF, labels=MACHINE.labels)
    members = set(office.memberships.values_list("user_id", flat=True))
    out = []
    for event, entry in zip(events, lines, strict=True):
        by = entry.by
        if not for_staff and event.actor_id is not None and event.actor_id not in members:
            by = str(_("Ministry staff"))
        out.append(HistoryLine(at=entry.at, label=entry.label, by=by, reason=entry.detail))
    return out
