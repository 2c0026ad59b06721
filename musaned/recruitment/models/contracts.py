"""Contracts made from accepted offers, their signatures and the evidence of each stage
(docs/recruitment.md). States change only through the rows of
``musaned/recruitment/workflow/contract.py``."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from musaned.core.models import AppendOnlyError, BaseModel

CONTRACT_NUMBER_LENGTH = 12


class ContractState(models.TextChoices):
    """awaiting_signatures: made from the accepted offer; neither party signed ·
    signed_by_beneficiary / signed_by_office: one of the two signed · signed: both signed;
    the bill is issued · paid: the platform holds the money; the delivery clock runs ·
    visa_linked, travel_documents_ready, medical_passed, ticket_booked: the office's
    stages, each with its evidence · arrived: the worker landed (date, arrival point); the
    office's first share is released and the trial counts from the arrival date ·
    in_trial: the worker is with the beneficiary · completed: the trial ended; the rest is
    released · cancelled: cancelled before payment, or by the beneficiary before arrival
    by the schedule · cancelled_late: cancelled because the office was late; refunded with
    compensation · trial_failed: the trial failed; the office takes the worker back and the
    refund is pro rata."""

    AWAITING_SIGNATURES = "awaiting_signatures", _("Waiting for signatures")
    SIGNED_BY_BENEFICIARY = "signed_by_beneficiary", _("Signed by you; waiting for the office")
    SIGNED_BY_OFFICE = "signed_by_office", _("Signed by the office; waiting for you")
    SIGNED = "signed", _("Signed; waiting for payment")
    PAID = "paid", _("Paid; held by the platform")
    VISA_LINKED = "visa_linked", _("Visa linked")
    TRAVEL_DOCUMENTS_READY = "travel_documents_ready", _("Visa stamped, travel documents ready")
    MEDICAL_PASSED = "medical_passed", _("Medical check passed")
    TICKET_BOOKED = "ticket_booked", _("Ticket booked")
    ARRIVED = "arrived", _("Worker arrived")
    IN_TRIAL = "in_trial", _("Trial period")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    CANCELLED_LATE = "cancelled_late", _("Cancelled: office late, compensated")
    TRIAL_FAILED = "trial_failed", _("Trial failed: refunded")


class DeliveryClock(models.TextChoices):
    """The delivery clock, beside the stage: not_started (not paid yet) · running (within
    the 90 days) · extension (the 30-day extension) · overdue (past the extension: the
    beneficiary may cancel with the full compensation) · stopped (arrived or cancelled)."""

    NOT_STARTED = "not_started", _("Not started")
    RUNNING = "running", _("Running")
    EXTENSION = "extension", _("In the extension")
    OVERDUE = "overdue", _("Overdue")
    STOPPED = "stopped", _("Stopped")


class Contract(BaseModel):
    """The standard contract between a beneficiary and an office for one worker, made from
    the accepted offer with the terms in force. What was agreed is kept on the row (the
    worker, salary, price, VAT, the terms' version); ``document_hash`` is the SHA-256 of
    the contract's document (``musaned/recruitment/documents.py``), which both signatures
    hold; ``document`` is that document, as it was made (what the pages and the PDF show).
    The money is in the ledger (``LedgerEntry``), never on the row."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("contract number"), max_length=CONTRACT_NUMBER_LENGTH, unique=True)
    request = models.OneToOneField(
        "recruitment.RecruitmentRequest", on_delete=models.PROTECT, related_name="contract"
    )
    offer = models.OneToOneField(
        "recruitment.Offer", on_delete=models.PROTECT, related_name="contract"
    )
    beneficiary = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recruitment_contracts"
    )
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="recruitment_contracts"
    )
    visa = models.ForeignKey(
        "visas.VisaApplication", on_delete=models.PROTECT, related_name="recruitment_contracts"
    )
    terms = models.ForeignKey(
        "recruitment.ContractTerms", on_delete=models.PROTECT, related_name="contracts"
    )
    occupation = models.ForeignKey(
        "visas.Occupation", verbose_name=_("occupation"), on_delete=models.PROTECT
    )
    worker_name = models.CharField(_("worker's name"), max_length=150)
    passport_number = models.CharField(_("passport number"), max_length=20)
    worker_nationality = models.ForeignKey(
        "visas.Nationality",
        verbose_name=_("worker's nationality"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    monthly_salary = models.DecimalField(_("monthly salary (SAR)"), max_digits=8, decimal_places=2)
    price = models.DecimalField(_("price before VAT (SAR)"), max_digits=10, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=4)
    vat = models.DecimalField(_("VAT (SAR)"), max_digits=10, decimal_places=2)
    total = models.DecimalField(_("total with VAT (SAR)"), max_digits=12, decimal_places=2)
    document = models.JSONField(_("the contract's document"), default=dict)
    document_hash = models.CharField(_("document SHA-256"), max_length=64)
    state = models.CharField(
        _("status"),
        max_length=24,
        choices=ContractState.choices,
        default=ContractState.AWAITING_SIGNATURES,
    )
    clock = models.CharField(
        _("delivery clock"),
        max_length=12,
        choices=DeliveryClock.choices,
        default=DeliveryClock.NOT_STARTED,
    )
    respond_by = models.DateTimeField(_("sign and pay by"))
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_on = models.DateField(_("day of payment"), null=True, blank=True)
    delivery_due_on = models.DateField(_("worker due by"), null=True, blank=True)
    extension_ends_on = models.DateField(_("extension ends on"), null=True, blank=True)
    arrived_on = models.DateField(_("arrival date"), null=True, blank=True)
    arrival_point = models.ForeignKey(
        "visas.ArrivalPoint",
        verbose_name=_("arrival point"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    handed_over_at = models.DateTimeField(
        _("worker with the beneficiary since"), null=True, blank=True
    )
    trial_ends_on = models.DateField(_("last day of the trial"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating of the office"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("recruitment contract")
        verbose_name_plural = _("recruitment contracts")
        permissions = [
            ("view_all_contracts", _("Can see every recruitment contract, its stages and ledger"))
        ]
        indexes = [
            models.Index(fields=["beneficiary", "state"]),
            models.Index(fields=["office", "state"]),
            models.Index(fields=["office", "signed_at"]),
            models.Index(fields=["state", "clock"]),
            models.Index(fields=["state", "trial_ends_on"]),
            models.Index(fields=["state", "respond_by"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total=models.F("price") + models.F("vat")),
                name="contract_total_is_price_and_vat",
            ),
            models.CheckConstraint(
                condition=models.Q(price__gt=0, vat__gte=0, monthly_salary__gt=0),
                name="contract_amounts_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(clock="not_started")
                | models.Q(
                    paid_at__isnull=False,
                    paid_on__isnull=False,
                    delivery_due_on__isnull=False,
                    extension_ends_on__isnull=False,
                ),
                name="contract_clock_starts_at_payment",
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=["arrived", "in_trial", "completed", "trial_failed"])
                | models.Q(arrived_on__isnull=False, trial_ends_on__isnull=False),
                name="contract_arrival_has_its_dates",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="contract_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def day_of_clock(self, today: dt.date) -> int | None:
        """Days since the day of payment (the day of payment is day 0)."""
        return None if self.paid_on is None else (today - self.paid_on).days

    def day_of_trial(self, today: dt.date) -> int | None:
        """Days since the arrival date (the arrival date is day 0)."""
        return None if self.arrived_on is None else (today - self.arrived_on).days


class SignerRole(models.TextChoices):
    BENEFICIARY = "beneficiary", _("Beneficiary")
    OFFICE = "office", _("Recruitment office")


class Signature(models.Model):
    """One party's e-signature of a contract: who, as which party, when, how they proved it
    was them (``method``: the SMS code for the beneficiary, the office manager's signed-in
    session with its sign-in code), and the SHA-256 of the document they signed. Written
    once, by the signing rows; never changed or deleted."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("signed as"), max_length=12, choices=SignerRole.choices)
    document_hash = models.CharField(_("document SHA-256"), max_length=64)
    method = models.CharField(_("how the signer was checked"), max_length=20)
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        ordering = ["signed_at", "id"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(fields=["contract", "role"], name="signature_once_per_party"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} signed by {self.role}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Signatures cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Signatures cannot be deleted.")


def evidence_upload_to(instance, filename: str) -> str:
    # Server-made name: the office's file name is never used on disk.
    return f"recruitment/evidence/{dt.date.today():%Y/%m}/{secrets.token_hex(16)}"


class StageEvidence(BaseModel):
    """What the office showed to move a contract to a stage: a document (a file, checked
    like every upload) or its number; the flight and its date for the ticket; the arrival
    date and point for the arrival. One per stage of a contract."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="evidence")
    stage = models.CharField(_("stage"), max_length=24, choices=ContractState.choices)
    document = models.FileField(
        _("document"), upload_to=evidence_upload_to, max_length=200, blank=True
    )
    document_type = models.CharField(max_length=40, blank=True)
    number = models.CharField(_("document number"), max_length=40, blank=True)
    flight_number = models.CharField(_("flight"), max_length=10, blank=True)
    flight_date = models.DateField(_("flight date"), null=True, blank=True)
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    arrival_point = models.ForeignKey(
        "visas.ArrivalPoint",
        verbose_name=_("arrival point"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["contract", "created_at", "id"]
        verbose_name = _("stage evidence")
        verbose_name_plural = _("stage evidence")
        constraints = [
            models.UniqueConstraint(fields=["contract", "stage"], name="evidence_once_per_stage"),
            models.CheckConstraint(
                condition=~models.Q(document="", number="", flight_number="", arrival_date=None),
                name="evidence_shows_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.stage}"
