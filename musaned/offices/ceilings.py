"""Which price ceiling and which VAT rate are in force on a day, and a price with VAT.

A price is bound by the most specific ceiling in force: the latest one for its nationality
and occupation, or, when that occupation has none, the latest one for the nationality as a
whole (docs/decisions/0016-price-ceilings-dated-and-most-specific.md). No ceiling means the
ministry has published none for that nationality: any price is allowed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from musaned.offices.models import PriceCeiling, VatRate

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Ceilings:
    """Every ceiling in force on ``day``, read in one query."""

    day: dt.date
    specific: dict[tuple[int, int], PriceCeiling]
    general: dict[int, PriceCeiling]

    def for_(self, nationality_id: int, occupation_id: int) -> PriceCeiling | None:
        return self.specific.get((nationality_id, occupation_id)) or self.general.get(
            nationality_id
        )


def ceilings_on(day: dt.date | None = None) -> Ceilings:
    day = day or timezone.localdate()
    specific: dict[tuple[int, int], PriceCeiling] = {}
    general: dict[int, PriceCeiling] = {}
    rows = (
        PriceCeiling.objects.filter(effective_from__lte=day)
        .select_related("nationality", "occupation")
        .order_by("effective_from", "pk")
    )
    for ceiling in rows:  # later ones replace earlier ones
        if ceiling.occupation_id is None:
            general[ceiling.nationality_id] = ceiling
        else:
            specific[(ceiling.nationality_id, ceiling.occupation_id)] = ceiling
    return Ceilings(day=day, specific=specific, general=general)


def ceiling_for(
    *, nationality_id: int, occupation_id: int, day: dt.date | None = None
) -> PriceCeiling | None:
    """The ceiling a price for this nationality and occupation must keep to on ``day``."""
    day = day or timezone.localdate()
    in_force = PriceCeiling.objects.filter(
        nationality_id=nationality_id, effective_from__lte=day
    ).select_related("nationality")
    specific = in_force.filter(occupation_id=occupation_id).order_by("-effective_from").first()
    if specific is not None:
        return specific
    return in_force.filter(occupation__isnull=True).order_by("-effective_from").first()


def vat_rate_on(day: dt.date | None = None) -> VatRate | None:
    day = day or timezone.localdate()
    return VatRate.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


def amount_text(amount: Decimal | float | int) -> str:
    """``9085`` → ``9,085``; ``10752.5`` → ``10,752.50``."""
    return f"{amount:,.2f}".removesuffix(".00")


def money(amount: Decimal | None) -> Decimal | None:
    """An amount to the halala (a subquery's amount comes back unscaled on SQLite)."""
    return None if amount is None else Decimal(amount).quantize(CENT)


def with_vat(amount: Decimal, rate: VatRate | Decimal | None) -> Decimal:
    """``amount`` plus VAT at ``rate``, to the halala (half up)."""
    value = rate.rate if isinstance(rate, VatRate) else (rate or Decimal("0"))
    return (amount * (1 + value)).quantize(CENT, rounding=ROUND_HALF_UP)


def percent(rate: VatRate | None) -> Decimal:
    """The rate in per cent (``15``), 0 without one."""
    return rate.percent if rate is not None else Decimal("0")
