"""The offices part of the REST API (docs/api.md, docs/offices.md).

- Public, no token: the directory (``GET /offices``, filtered and paged) and one office
  with its prices (with VAT) and its scorecard (``GET /offices/{office_id}``).
- With an office user's token: the caller's own office (``GET /office``), its prices
  (``GET /office/prices``) and their changes (``POST /office/prices``, ``PUT`` and
  ``DELETE /office/prices/{price_id}``), each write with its ``Idempotency-Key``. Anyone
  who works for no office gets 404 there; another office's price is the same 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from musaned.api.errors import error_body
from musaned.api.idempotency import IDEMPOTENCY_KEY, with_idempotency
from musaned.api.schemas import Error, OneLineText
from musaned.core.errors import NotFound
from musaned.offices import scorecard, selectors, services
from musaned.offices.ceilings import money, vat_rate_on, with_vat
from musaned.offices.models import City, Office, OfficeState
from musaned.offices.workflow import LISTED_STATES
from musaned.visas.models import Nationality, Occupation

router = Router(tags=["my office"])
PUBLIC = ["recruitment offices"]

MAX_LIMIT = 100


class Sort(StrEnum):
    NAME = selectors.SORT_NAME
    PRICE = selectors.SORT_PRICE
    RATING = selectors.SORT_RATING
    ON_TIME = selectors.SORT_ON_TIME


# ---------------------------------------------------------------------------- schemas


class NamedOut(Schema):
    code: str
    name: str


class FigureOut(Schema):
    key: str = Field(
        ..., description="The figure (the anchor of its paragraph on the method page)."
    )
    label: str
    value: float | None = Field(..., description="Null: there is none; `missing` says why.")
    shown: str = Field(..., description="The value as the website shows it.")
    count: int = Field(..., description="How many records it was computed from.")
    basis: str = Field(..., description="What it was computed from, in words.")
    missing: str
    period_start: dt.date
    period_end: dt.date
    method_url: str = Field(..., description="How it is computed (the website's page).")


class OfficeSummaryOut(Schema):
    id: str
    name: str
    name_ar: str
    name_en: str
    city: NamedOut
    state: str
    state_label: str
    lowest_price: Decimal | None = Field(
        ..., description="The lowest offered price for the filter, before VAT (SAR)."
    )
    lowest_price_with_vat: Decimal | None
    lowest_days_to_arrival: int | None
    figures: list[FigureOut] = Field(
        ..., description="Penalty points, rating and on-time arrivals of the last 12 months."
    )


class PriceOut(Schema):
    id: str
    nationality: NamedOut
    occupation: NamedOut
    amount: Decimal = Field(..., description="Before VAT (SAR).")
    amount_with_vat: Decimal
    days_to_arrival: int
    state: str = Field(..., description="`active` (offered) or `suspended` (above a new ceiling).")
    ceiling: Decimal | None = Field(
        ..., description="The ministry's ceiling in force, before VAT; null: none published."
    )
    ceiling_effective_from: dt.date | None


class OfficeOut(Schema):
    id: str
    name: str
    name_ar: str
    name_en: str
    licence_number: str
    licence_expires_on: dt.date
    state: str
    state_label: str
    suspended_until: dt.date | None
    city: NamedOut
    address: str
    phone: str
    email: str
    nationalities: list[NamedOut]
    occupations: list[NamedOut]
    vat_rate: Decimal = Field(..., description="The VAT rate in force (0.15 is 15 %).")
    prices: list[PriceOut] = Field(..., description="Offered prices (none while not active).")
    figures: list[FigureOut] = Field(..., description="The scorecard of the last 12 months.")


class OwnOfficeOut(OfficeOut):
    role: str = Field(..., description="The caller's role: `manager` or `employee`.")
    bank_guarantee: Decimal


class PriceIn(Schema):
    nationality: OneLineText = Field(..., max_length=3, description="Nationality code (PHL).")
    occupation: OneLineText = Field(..., max_length=40, description="Occupation code (housemaid).")
    amount: Decimal = Field(..., gt=0, max_digits=10, decimal_places=2, description="Before VAT.")
    days_to_arrival: int = Field(..., ge=1, le=365)


class PriceChangeIn(Schema):
    amount: Decimal = Field(..., gt=0, max_digits=10, decimal_places=2, description="Before VAT.")
    days_to_arrival: int = Field(..., ge=1, le=365)


# ---------------------------------------------------------------------------- answers


def _named(item: Any) -> dict:
    return {"code": item.code, "name": item.name}


def figure_out(figure: scorecard.Figure) -> dict:
    return {
        "key": figure.key,
        "label": figure.label,
        "value": float(figure.value) if figure.value is not None else None,
        "shown": figure.shown,
        "count": figure.count,
        "basis": figure.basis,
        "missing": figure.missing,
        "period_start": figure.period.start,
        "period_end": figure.period.end,
        "method_url": reverse("offices:method") + f"#{figure.key}",
    }


def price_out(line: selectors.PriceLine) -> dict:
    return {
        "id": str(line.uid),
        "nationality": _named(line.nationality),
        "occupation": _named(line.occupation),
        "amount": line.amount,
        "amount_with_vat": line.with_vat,
        "days_to_arrival": line.days_to_arrival,
        "state": line.state,
        "ceiling": line.ceiling.amount if line.ceiling else None,
        "ceiling_effective_from": line.ceiling.effective_from if line.ceiling else None,
    }


def office_out(office: Office, period: scorecard.Period, *, offered_only: bool = True) -> dict:
    vat = vat_rate_on()
    listed = office.state in LISTED_STATES
    lines = (
        selectors.price_lines(office=office, offered_only=offered_only, vat=vat)
        if listed or not offered_only
        else []
    )
    return {
        "id": str(office.uid),
        "name": office.name,
        "name_ar": office.name_ar,
        "name_en": office.name_en,
        "licence_number": office.licence_number,
        "licence_expires_on": office.licence_expires_on,
        "state": office.state,
        "state_label": str(OfficeState(office.state).label),
        "suspended_until": office.suspended_until,
        "city": _named(office.city),
        "address": office.address,
        "phone": office.phone,
        "email": office.email,
        "nationalities": [_named(n) for n in office.nationalities.all()],
        "occupations": [_named(o) for o in office.occupations.all()],
        "vat_rate": vat.rate if vat else Decimal("0"),
        "prices": [price_out(line) for line in lines],
        "figures": [figure_out(f) for f in scorecard.figures(office, period)],
    }


def invalid(fields: dict) -> Status:
    return Status(422, error_body("invalid", _("Some values are not valid."), fields))


def _choice(model: type[Any], code: str | None, name: str, fields: dict) -> Any:
    if not code:
        return None
    found = model.objects.filter(code=code).first() if code.isascii() else None
    if found is None:
        fields[name] = [
            _("Select a valid choice. That choice is not one of the available choices.")
        ]
    return found


# ---------------------------------------------------------------------------- public

SORT_QUERY = Query(Sort.NAME, description="name, price (lowest first), rating, on_time.")


@router.get(
    "/offices",
    auth=None,
    tags=PUBLIC,
    response={200: list[OfficeSummaryOut], 400: Error, 422: Error},
    summary="The directory of licensed recruitment offices",
)
def list_offices(
    request,
    city: str | None = Query(None, max_length=40, description="City code (riyadh)."),
    nationality: str | None = Query(None, max_length=3, description="Nationality code (PHL)."),
    occupation: str | None = Query(None, max_length=40, description="Occupation code."),
    sort: Sort = SORT_QUERY,
    limit: int = Query(20, ge=1, le=MAX_LIMIT, description="How many, at most 100."),
    offset: int = Query(0, ge=0, le=1_000_000, description="How many to skip."),
):
    """Public. Only active offices. Each has its lowest offered price for the filter
    (before VAT and with it) and, from the last 12 months, its penalty points and (once
    contracts exist) its rating and on-time share. Sorting by rating or on-time share
    falls back to the name while the platform has no contracts."""
    fields: dict = {}
    filters = {
        "city": _choice(City, city, "city", fields),
        "nationality": _choice(Nationality, nationality, "nationality", fields),
        "occupation": _choice(Occupation, occupation, "occupation", fields),
    }
    if fields:
        return invalid(fields)
    period = scorecard.last_twelve_months()
    offices = selectors.directory(period=period, sort=sort.value, **filters)
    vat = vat_rate_on()
    page = selectors.with_scorecards(offices[offset : offset + limit], period=period)
    return [_summary_out(office, period, vat) for office in page]


def _summary_out(office: Any, period: scorecard.Period, vat: Any) -> dict:
    """An office of the directory (annotated with its lowest price by the selector)."""
    wanted = {"penalty-points", "rating", "on-time"}
    return {
        "id": str(office.uid),
        "name": office.name,
        "name_ar": office.name_ar,
        "name_en": office.name_en,
        "city": _named(office.city),
        "state": office.state,
        "state_label": str(OfficeState(office.state).label),
        "lowest_price": money(office.lowest_price),
        "lowest_price_with_vat": with_vat(office.lowest_price, vat)
        if office.lowest_price is not None
        else None,
        "lowest_days_to_arrival": office.lowest_days,
        "figures": [
            figure_out(f)
            for f in scorecard.figures(office, period, with_median=False)
            if f.key in wanted
        ],
    }


@router.get(
    "/offices/{office_id}",
    auth=None,
    tags=PUBLIC,
    response={200: OfficeOut, 400: Error, 404: Error},
    summary="One recruitment office: its licence state, prices with VAT and scorecard",
)
def get_office(request, office_id: str):
    """Public. Any office of the register (a suspended or withdrawn one keeps its page,
    without prices). No personal data."""
    period = scorecard.last_twelve_months()
    office = selectors.public_office(uid=office_id, period=period)
    return Status(200, office_out(office, period))


# ---------------------------------------------------------------------------- the office's own


def _membership(request):
    membership = selectors.membership_for(actor=request.auth)
    if membership is None:
        raise NotFound("not_found", _("Not found."))
    return membership


def _own_out(membership) -> dict:
    period = scorecard.last_twelve_months()
    office = selectors.public_office(uid=membership.office.uid, period=period)
    return {
        **office_out(office, period, offered_only=False),
        "role": membership.role,
        "bank_guarantee": office.bank_guarantee,
    }


@router.get(
    "/office",
    response={200: OwnOfficeOut, 400: Error, 401: Error, 404: Error},
    summary="My office: its profile, all its prices (suspended ones too) and its scorecard",
)
def my_office(request):
    return Status(200, _own_out(_membership(request)))


@router.get(
    "/office/prices",
    response={200: list[PriceOut], 400: Error, 401: Error, 404: Error},
    summary="My office's prices, offered and suspended",
)
def my_prices(request):
    office = _membership(request).office
    return [price_out(line) for line in selectors.price_lines(office=office, offered_only=False)]


def _price_answer(office: Office, uid) -> dict:
    for line in selectors.price_lines(office=office, offered_only=False):
        if line.uid == uid:
            return price_out(line)
    raise NotFound("not_found", _("Not found."))


@router.post(
    "/office/prices",
    response={
        200: PriceOut,
        201: PriceOut,
        400: Error,
        401: Error,
        404: Error,
        409: Error,
        422: Error,
    },
    summary="Set a price for a nationality and occupation (201 new, 200 changed)",
)
def set_price(request, payload: PriceIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    """A price above the ministry's ceiling in force is refused (422
    ``price_above_ceiling``, naming ``amount``)."""

    def run():
        office = _membership(request).office
        fields: dict = {}
        nationality = _choice(Nationality, payload.nationality, "nationality", fields)
        occupation = _choice(Occupation, payload.occupation, "occupation", fields)
        if fields:
            return 422, error_body("invalid", _("Some values are not valid."), fields)
        price, created = services.office_price_set(
            actor=request.auth,
            office=office,
            nationality=nationality,
            occupation=occupation,
            amount=payload.amount,
            days_to_arrival=payload.days_to_arrival,
        )
        return (201 if created else 200), _price_answer(office, price.uid)

    return with_idempotency(request, idempotency_key, run)


@router.put(
    "/office/prices/{price_id}",
    response={200: PriceOut, 400: Error, 401: Error, 404: Error, 409: Error, 422: Error},
    summary="Change one of my office's prices",
)
def change_price(
    request, price_id: str, payload: PriceChangeIn, idempotency_key: str | None = IDEMPOTENCY_KEY
):
    def run():
        office = _membership(request).office
        price = selectors.price_of_office(office=office, uid=price_id)
        services.office_price_set(
            actor=request.auth,
            office=office,
            nationality=price.nationality,
            occupation=price.occupation,
            amount=payload.amount,
            days_to_arrival=payload.days_to_arrival,
        )
        return 200, _price_answer(office, price.uid)

    return with_idempotency(request, idempotency_key, run)


@router.delete(
    "/office/prices/{price_id}",
    response={200: PriceOut, 400: Error, 401: Error, 404: Error, 409: Error, 422: Error},
    summary="Stop offering one of my office's prices (answers the price as it was)",
)
def remove_price(request, price_id: str, idempotency_key: str | None = IDEMPOTENCY_KEY):
    def run():
        office = _membership(request).office
        price = selectors.price_of_office(office=office, uid=price_id)
        removed = _price_answer(office, price.uid)
        services.office_price_remove(actor=request.auth, price=price)
        return 200, removed

    return with_idempotency(request, idempotency_key, run)
