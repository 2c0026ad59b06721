"""Price lists, under the ministry's dated ceilings, and the dated VAT rate.

An office's price is refused above the ceiling in force (``ceilings.ceiling_for``). A new
ceiling does not change any price: the prices above it are *suspended* (hidden from the
directory, flagged in the portal) and the office is told, on the day the ceiling takes
effect — at once when it is added for today, otherwise by ``manage.py
apply_price_ceilings``. The office's next change of a suspended price offers it again.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from musaned.accounts.models import User
from musaned.core import locks
from musaned.core.audit import audit
from musaned.core.workflow import Formatted
from musaned.notifications.services import notify
from musaned.offices import permissions
from musaned.offices.ceilings import amount_text, ceiling_for, ceilings_on
from musaned.offices.errors import OfficeErrorCode as Code
from musaned.offices.errors import office_error
from musaned.offices.models import (
    Office,
    OfficePrice,
    OfficeState,
    PriceCeiling,
    PriceState,
    VatRate,
)
from musaned.offices.workflow import Bilingual, Dual, is_member, members_of
from musaned.visas.models import Nationality, Occupation

MAX_DAYS = 365


class _NationalityName:
    """A nationality's name in the reader's language."""

    def __init__(self, nationality: Nationality):
        self.nationality = nationality

    def __str__(self) -> str:
        return self.nationality.name


def office_price_set(
    *,
    actor: User,
    office: Office,
    nationality: Nationality,
    occupation: Occupation,
    amount: Decimal,
    days_to_arrival: int,
) -> tuple[OfficePrice, bool]:
    """Set what ``office`` charges for a worker of ``nationality`` and ``occupation``
    (before VAT) and the days it expects to arrival; a suspended price is offered again.
    Returns the price and whether it is new. Any member of the office may set prices.
    Raises ``OfficeError``: not a member of the office (404), ``office_closed`` (409),
    ``not_recruited``, ``price_not_positive``, ``days_range``, ``price_above_ceiling``
    (each names its field). Side effect: ``office.price_set``."""
    with transaction.atomic():
        office = locks.lock(office)
        if not is_member(office, actor):
            raise office_error(Code.NOT_FOUND)
        if office.state == OfficeState.WITHDRAWN:
            raise office_error(Code.OFFICE_CLOSED)
        if not office.nationalities.filter(pk=nationality.pk).exists():
            raise office_error(Code.NOT_RECRUITED, field="nationality")
        if not office.occupations.filter(pk=occupation.pk).exists():
            raise office_error(Code.NOT_RECRUITED, field="occupation")
        if amount is None or amount <= 0:
            raise office_error(Code.PRICE_NOT_POSITIVE, field="amount")
        if not isinstance(days_to_arrival, int) or not 1 <= days_to_arrival <= MAX_DAYS:
            raise office_error(Code.DAYS_RANGE, field="days_to_arrival")
        ceiling = ceiling_for(nationality_id=nationality.pk, occupation_id=occupation.pk)
        if ceiling is not None and amount > ceiling.amount:
            raise office_error(
                Code.PRICE_ABOVE_CEILING,
                field="amount",
                nationality=_NationalityName(nationality),
                ceiling=amount_text(ceiling.amount),
                date=Dual(ceiling.effective_from),
            )
        price = OfficePrice.objects.filter(
            office=office, nationality=nationality, occupation=occupation
        ).first()
        created = price is None
        previous = None if price is None else str(price.amount)
        if price is None:
            price = OfficePrice(office=office, nationality=nationality, occupation=occupation)
        price.amount = amount
        price.days_to_arrival = days_to_arrival
        price.state, price.suspended_by = PriceState.ACTIVE, None
        price.updated_by = actor
        price.save()
        audit(
            "office.price_set",
            actor=actor,
            target=office,
            price=str(price.uid),
            nationality=nationality.code,
            occupation=occupation.code,
            amount=str(amount),
            days_to_arrival=days_to_arrival,
            previous=previous,
        )
    return price, created


def office_price_remove(*, actor: User, price: OfficePrice) -> None:
    """The office stops offering this combination. Raises ``OfficeError``: 404 (not the
    actor's office), ``office_closed``. Side effect: ``office.price_removed``."""
    with transaction.atomic():
        office = locks.lock(price.office)
        if not is_member(office, actor):
            raise office_error(Code.NOT_FOUND)
        if office.state == OfficeState.WITHDRAWN:
            raise office_error(Code.OFFICE_CLOSED)
        stored = OfficePrice.objects.filter(pk=price.pk, office=office).first()
        if stored is None:
            raise office_error(Code.NOT_FOUND)
        audit(
            "office.price_removed",
            actor=actor,
            target=office,
            price=str(stored.uid),
            nationality=stored.nationality.code,
            occupation=stored.occupation.code,
            amount=str(stored.amount),
        )
        stored.delete()


# --- Ceilings and VAT ----------------------------------------------------------------------


def _suspended_message(count: int, values: dict[str, Any]) -> str:
    return ngettext(
        "%(count)s of your prices is above the ministry's new ceiling for workers from "
        "%(nationality)s (%(ceiling)s SAR before VAT, from %(date)s). It is suspended and "
        "out of the directory until you change it in the office portal.",
        "%(count)s of your prices are above the ministry's new ceiling for workers from "
        "%(nationality)s (%(ceiling)s SAR before VAT, from %(date)s). They are suspended and "
        "out of the directory until you change them in the office portal.",
        count,
    ) % {"count": count, **{k: str(v) for k, v in values.items()}}


suspended_message = lazy(_suspended_message, str)


def price_ceiling_apply(*, ceiling: PriceCeiling) -> int:
    """Suspend the active prices bound by ``ceiling`` (it is the most specific ceiling in
    force for them) that are above it, office by office (each locked), tell each office,
    and stamp the ceiling applied. Nothing before its date; safe to run again (a
    suspended price is not suspended twice, an office is told once). Returns how many
    prices were suspended."""
    today = timezone.localdate()
    if ceiling.effective_from > today:
        return 0
    in_force = ceilings_on(today)
    above = OfficePrice.objects.filter(
        state=PriceState.ACTIVE, nationality_id=ceiling.nationality_id, amount__gt=ceiling.amount
    )
    if ceiling.occupation_id is not None:
        above = above.filter(occupation_id=ceiling.occupation_id)
    total = 0
    for office_id in sorted(set(above.values_list("office_id", flat=True))):
        with transaction.atomic():
            office = locks.lock_pk(Office, office_id)
            bound = [
                price
                for price in above.filter(office_id=office_id)
                if (found := in_force.for_(price.nationality_id, price.occupation_id)) is not None
                and found.pk == ceiling.pk
            ]
            if not bound:
                continue
            now = timezone.now()
            OfficePrice.objects.filter(pk__in=[p.pk for p in bound]).update(
                state=PriceState.SUSPENDED, suspended_by=ceiling, updated_at=now
            )
            audit(
                "office.prices_suspended",
                target=office,
                ceiling=ceiling.pk,
                nationality=ceiling.nationality.code,
                amount=str(ceiling.amount),
                prices=[str(p.uid) for p in bound],
            )
            values = {
                "office": Bilingual(office),
                "nationality": _NationalityName(ceiling.nationality),
                "ceiling": amount_text(ceiling.amount),
                "date": Dual(ceiling.effective_from),
            }
            for member in members_of(office):
                notify(
                    user=member,
                    subject=Formatted(_("Musaned: recruitment office %(office)s"), values),
                    body=suspended_message(len(bound), values),
                    key=f"ceiling-{ceiling.pk}-office-{office.pk}-{member.pk}",
                )
            total += len(bound)
    PriceCeiling.objects.filter(pk=ceiling.pk, applied_at__isnull=True).update(
        applied_at=timezone.now()
    )
    return total


def price_ceilings_apply() -> int:
    """The daily job (``manage.py apply_price_ceilings``): every ceiling whose date has
    come and that was not applied yet. Returns how many prices were suspended."""
    due = PriceCeiling.objects.filter(
        effective_from__lte=timezone.localdate(), applied_at__isnull=True
    ).select_related("nationality")
    return sum(price_ceiling_apply(ceiling=ceiling) for ceiling in due.order_by("effective_from"))


def price_ceiling_add(
    *,
    actor: User,
    nationality: Nationality,
    occupation: Occupation | None,
    amount: Decimal,
    effective_from: dt.date,
    source: str,
    source_url: str = "",
) -> PriceCeiling:
    """A licensing officer adds a ceiling (before VAT), in force from ``effective_from``
    (today or later: the prices of the past keep the ceiling they were set under). When
    it takes effect today, the prices above it are suspended at once. Raises
    ``OfficeError``: ``not_allowed`` (403), ``ceiling_date_past``, ``ceiling_exists``,
    ``price_not_positive``. Side effects: ``offices.ceiling_added``; those of
    ``price_ceiling_apply``."""
    if not permissions.holds(actor, permissions.CEILINGS):
        raise office_error(Code.NOT_ALLOWED)
    if effective_from < timezone.localdate():
        raise office_error(Code.CEILING_DATE_PAST, field="effective_from")
    if amount is None or amount <= 0:
        raise office_error(Code.PRICE_NOT_POSITIVE, field="amount")
    with transaction.atomic():
        try:
            with transaction.atomic():
                ceiling = PriceCeiling.objects.create(
                    nationality=nationality,
                    occupation=occupation,
                    amount=amount,
                    effective_from=effective_from,
                    source=source,
                    source_url=source_url,
                    added_by=actor,
                )
        except IntegrityError:
            raise office_error(Code.CEILING_EXISTS, field="effective_from") from None
        audit(
            "offices.ceiling_added",
            actor=actor,
            target=ceiling,
            nationality=nationality.code,
            occupation=occupation.code if occupation else None,
            amount=str(amount),
            effective_from=effective_from.isoformat(),
        )
        price_ceiling_apply(ceiling=ceiling)
    ceiling.refresh_from_db()
    return ceiling


def vat_rate_add(
    *,
    actor: User,
    rate: Decimal,
    effective_from: dt.date,
    source: str,
    source_url: str = "",
) -> VatRate:
    """A licensing officer adds the VAT rate (``0.15`` for 15 %) from a date, today or
    later. Raises ``OfficeError``: ``not_allowed`` (403), ``vat_date_past``,
    ``vat_exists``, ``vat_range``. Side effect: ``offices.vat_rate_added``."""
    if not permissions.holds(actor, permissions.CEILINGS):
        raise office_error(Code.NOT_ALLOWED)
    if effective_from < timezone.localdate():
        raise office_error(Code.VAT_DATE_PAST, field="effective_from")
    if rate is None or not Decimal("0") <= rate <= Decimal("1"):
        raise office_error(Code.VAT_RANGE, field="rate")
    with transaction.atomic():
        try:
            with transaction.atomic():
                vat = VatRate.objects.create(
                    rate=rate,
                    effective_from=effective_from,
                    source=source,
                    source_url=source_url,
                    added_by=actor,
                )
        except IntegrityError:
            raise office_error(Code.VAT_EXISTS, field="effective_from") from None
        audit(
            "offices.vat_rate_added",
            actor=actor,
            target=vat,
            rate=str(rate),
            effective_from=effective_from.isoformat(),
        )
    return vat
