"""The platform's standard recruitment contract, versioned and dated: its clauses in Arabic
and English and every figure the journey counts with (docs/recruitment.md, "The terms")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from musaned.core.models import BaseModel

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class ContractTerms(BaseModel):
    """One version of the standard contract, in force from ``effective_from`` until a later
    version starts. A version in force is never edited: a new one is added with a later
    date, and every contract keeps the version it was made under (``Contract.terms``).

    - ``clauses_ar`` / ``clauses_en``: the clauses, in order, the same number in each
      language (a list of strings each);
    - ``cancellation_schedule``: the beneficiary's own cancellation before arrival, while
      the office is within its 90 days: ``[{"from_day": 0, "to_day": 5, "percent": "0"}, …]``
      (days since the day of payment; the share of the amount paid that the office keeps);
    - the delivery clock (``delivery_days`` from payment, then ``extension_days``), the
      compensation charged to the office's guarantee when it is late
      (``extension_compensation_percent`` when the beneficiary cancels during the
      extension, ``late_compensation_percent`` after it), the trial (``trial_days`` after
      arrival, refunded pro rata when it fails), and how the money held is released
      (``release_on_arrival_percent`` on arrival, the rest when the trial ends);
    - the offices' windows to answer a request (working days: ``offer_window_existing_visa``
      when the beneficiary already holds the visa, ``offer_window_new_visa`` when it is
      made for the request), the beneficiary's ``decision_days`` to choose an offer after
      the window, ``respond_days`` to sign and pay once an offer is accepted, and
      ``handover_days`` after arrival before the trial starts without a confirmation.
    """

    version = models.CharField(_("version"), max_length=20, unique=True)
    effective_from = models.DateField(_("takes effect on"), unique=True)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    clauses_ar = models.JSONField(_("clauses (Arabic)"), default=list)
    clauses_en = models.JSONField(_("clauses (English)"), default=list)
    cancellation_schedule = models.JSONField(_("cancellation schedule"), default=list)
    delivery_days = models.PositiveSmallIntegerField(_("days to deliver the worker"), default=90)
    extension_days = models.PositiveSmallIntegerField(_("days of the extension"), default=30)
    trial_days = models.PositiveSmallIntegerField(_("days of the trial period"), default=90)
    extension_compensation_percent = models.DecimalField(
        _("compensation when cancelled during the extension (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("15"),
        validators=PERCENT,
    )
    late_compensation_percent = models.DecimalField(
        _("compensation when cancelled after the extension (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=PERCENT,
    )
    release_on_arrival_percent = models.DecimalField(
        _("share released to the office on arrival (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("70"),
        validators=PERCENT,
    )
    offer_window_existing_visa = models.PositiveSmallIntegerField(
        _("offices answer within (working days, visa held)"), default=2
    )
    offer_window_new_visa = models.PositiveSmallIntegerField(
        _("offices answer within (working days, new visa)"), default=7
    )
    decision_days = models.PositiveSmallIntegerField(
        _("days to choose an offer after the window"), default=7
    )
    respond_days = models.PositiveSmallIntegerField(
        _("days to sign and pay after accepting"), default=3
    )
    handover_days = models.PositiveSmallIntegerField(
        _("days after arrival before the trial starts by itself"), default=3
    )
    source = models.CharField(_("source"), max_length=500)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("contract terms")
        verbose_name_plural = _("contract terms")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(delivery_days__gte=1, trial_days__gte=1),
                name="terms_clocks_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    extension_compensation_percent__gte=0,
                    extension_compensation_percent__lte=100,
                    late_compensation_percent__gte=0,
                    late_compensation_percent__lte=100,
                    release_on_arrival_percent__gte=0,
                    release_on_arrival_percent__lte=100,
                ),
                name="terms_percents_0_to_100",
            ),
            models.CheckConstraint(
                condition=models.Q(offer_window_existing_visa__gte=1, offer_window_new_visa__gte=1),
                name="terms_offer_windows_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} ({self.effective_from:%Y-%m-%d})"

    @property
    def title(self) -> str:
        return self.title_ar if (get_language() or "ar").startswith("ar") else self.title_en

    @property
    def clauses(self) -> list[str]:
        return list(
            self.clauses_ar if (get_language() or "ar").startswith("ar") else self.clauses_en
        )

    def cancellation_percent(self, day: int) -> Decimal | None:
        """The share the office keeps when the beneficiary cancels ``day`` days after the
        day of payment (``None``: the schedule says nothing for that day)."""
        for bracket in self.cancellation_schedule:
            if int(bracket["from_day"]) <= day <= int(bracket["to_day"]):
                return Decimal(str(bracket["percent"]))
        return None

    def window_days(self, *, new_visa: bool) -> int:
        return self.offer_window_new_visa if new_visa else self.offer_window_existing_visa

    def as_document(self) -> dict[str, Any]:
        """What of the terms a contract's document (and its hash) holds."""
        return {
            "version": self.version,
            "effective_from": self.effective_from.isoformat(),
            "title": {"ar": self.title_ar, "en": self.title_en},
            "clauses": {"ar": list(self.clauses_ar), "en": list(self.clauses_en)},
            "cancellation_schedule": list(self.cancellation_schedule),
            "delivery_days": self.delivery_days,
            "extension_days": self.extension_days,
            "trial_days": self.trial_days,
            "extension_compensation_percent": str(self.extension_compensation_percent),
            "late_compensation_percent": str(self.late_compensation_percent),
            "release_on_arrival_percent": str(self.release_on_arrival_percent),
        }
