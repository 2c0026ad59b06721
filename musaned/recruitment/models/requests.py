"""Recruitment requests, the offices each was sent to, and the offices' offers with the
workers' CVs (docs/recruitment.md). States change only through the rows of
``musaned/recruitment/workflow/``."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from musaned.core.models import BaseModel
from musaned.visas.models import WorkerGender

REQUEST_NUMBER_LENGTH = 10
MAX_OFFICES = 3


class Language(models.TextChoices):
    """The languages a worker may speak (ISO 639 codes): the main source languages."""

    ARABIC = "ar", _("Arabic")
    ENGLISH = "en", _("English")
    FILIPINO = "fil", _("Filipino")
    INDONESIAN = "id", _("Indonesian")
    BENGALI = "bn", _("Bengali")
    HINDI = "hi", _("Hindi")
    URDU = "ur", _("Urdu")
    NEPALI = "ne", _("Nepali")
    SINHALA = "si", _("Sinhala")
    AMHARIC = "am", _("Amharic")
    SWAHILI = "sw", _("Swahili")


class Religion(models.TextChoices):
    MUSLIM = "muslim", _("Muslim")
    CHRISTIAN = "christian", _("Christian")
    HINDU = "hindu", _("Hindu")
    BUDDHIST = "buddhist", _("Buddhist")
    OTHER = "other", _("Other")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("Single")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")


# Arabic names a woman's religion and marital status in the feminine (مسلمة، عزباء);
# English says the same for both. The choices' own labels are the masculine ones.
_OF_A_WOMAN = {
    Religion.MUSLIM: pgettext_lazy("of a woman", "Muslim"),
    Religion.CHRISTIAN: pgettext_lazy("of a woman", "Christian"),
    Religion.HINDU: pgettext_lazy("of a woman", "Hindu"),
    Religion.BUDDHIST: pgettext_lazy("of a woman", "Buddhist"),
    MaritalStatus.SINGLE: pgettext_lazy("of a woman", "Single"),
    MaritalStatus.MARRIED: pgettext_lazy("of a woman", "Married"),
    MaritalStatus.DIVORCED: pgettext_lazy("of a woman", "Divorced"),
    MaritalStatus.WIDOWED: pgettext_lazy("of a woman", "Widowed"),
}


def choice_label(choices: type[models.TextChoices], value: str, gender: str = "") -> str:
    """The label of ``value`` among ``choices`` (a worker's religion, marital status or
    language, a ledger account…), in the feminine for a woman where Arabic has one; the
    stored value itself if it is not one of ``choices`` (a document signed under older
    choices)."""
    try:
        choice = choices(value)
    except ValueError:
        return value
    if gender == WorkerGender.FEMALE and choice in _OF_A_WOMAN:
        return str(_OF_A_WOMAN[choice])
    return str(choice.label)


class RequestState(models.TextChoices):
    """awaiting_visa: the visa is made for this request (a visa application the
    beneficiary completes, pays and gets decided); the offices see nothing yet · sent: with
    up to three offices, each answering within its window (``offers_due_at``) · offered:
    at least one offer came; the beneficiary compares and chooses until ``decide_by`` ·
    accepted: one offer accepted; its contract carries on · declined: the beneficiary
    declined every offer (``decline_reason``) · expired: no offer within the window, or no
    choice by ``decide_by`` · rejected: the visa made for it was not approved
    (``rejection_reasons``) · cancelled: the beneficiary withdrew it, or its contract was
    cancelled before the worker arrived (the visa is free again)."""

    AWAITING_VISA = "awaiting_visa", _("Waiting for the visa")
    SENT = "sent", _("Sent to the offices")
    OFFERED = "offered", _("Offers received")
    ACCEPTED = "accepted", _("Offer accepted")
    DECLINED = "declined", _("All offers declined")
    EXPIRED = "expired", _("Expired")
    REJECTED = "rejected", _("Rejected: visa not approved")
    CANCELLED = "cancelled", _("Cancelled")


# The states in which a request holds its visa (no second request may use it).
VISA_HOLDING_STATES = ("awaiting_visa", "sent", "offered", "accepted")


class RecruitmentRequest(BaseModel):
    """A beneficiary's request to recruit a worker: what they want, the visa it uses (one
    they held, or one made for it: ``visa_is_new``), the offices it went to
    (``RequestOffice``) and their offers (``Offer``)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("request number"), max_length=REQUEST_NUMBER_LENGTH, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recruitment_requests"
    )
    occupation = models.ForeignKey(
        "visas.Occupation", verbose_name=_("occupation"), on_delete=models.PROTECT
    )
    nationality = models.ForeignKey(
        "visas.Nationality", verbose_name=_("worker's nationality"), on_delete=models.PROTECT
    )
    worker_gender = models.CharField(
        _("worker's gender"), max_length=1, choices=WorkerGender.choices
    )
    min_age = models.PositiveSmallIntegerField(
        _("youngest age wished"),
        null=True,
        blank=True,
        validators=[MinValueValidator(21), MaxValueValidator(60)],
    )
    max_age = models.PositiveSmallIntegerField(
        _("oldest age wished"),
        null=True,
        blank=True,
        validators=[MinValueValidator(21), MaxValueValidator(60)],
    )
    min_experience_years = models.PositiveSmallIntegerField(
        _("years of experience wished"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(40)],
    )
    languages = models.JSONField(_("languages wished"), default=list, blank=True)
    religion = models.CharField(
        _("religion wished"), max_length=12, choices=Religion.choices, blank=True
    )
    visa = models.ForeignKey(
        "visas.VisaApplication",
        verbose_name=_("visa"),
        on_delete=models.PROTECT,
        related_name="recruitment_requests",
    )
    visa_is_new = models.BooleanField(_("visa made for this request"), default=False)
    terms = models.ForeignKey(
        "recruitment.ContractTerms", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("status"), max_length=16, choices=RequestState.choices, default=RequestState.SENT
    )
    sent_at = models.DateTimeField(_("sent to the offices at"), null=True, blank=True)
    offers_due_at = models.DateTimeField(_("offices answer by"), null=True, blank=True)
    decide_by = models.DateTimeField(_("choose an offer by"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), max_length=1000, blank=True)
    rejection_reasons = models.JSONField(
        _("why the visa was not approved"), default=list, blank=True
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("recruitment request")
        verbose_name_plural = _("recruitment requests")
        indexes = [
            models.Index(fields=["owner", "state"]),
            models.Index(fields=["state", "offers_due_at"]),
            models.Index(fields=["state", "decide_by"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["visa"],
                condition=models.Q(state__in=VISA_HOLDING_STATES),
                name="request_one_per_visa",
            ),
            models.CheckConstraint(
                condition=models.Q(min_age__isnull=True)
                | models.Q(max_age__isnull=True)
                | models.Q(min_age__lte=models.F("max_age")),
                name="request_age_range_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=["sent", "offered"])
                | models.Q(sent_at__isnull=False, offers_due_at__isnull=False),
                name="request_sent_has_a_window",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class RequestOfficeState(models.TextChoices):
    """waiting: the office has the request and may answer until ``due_at`` · answered: it
    made at least one offer in time · declined: it said it cannot supply such a worker ·
    late: its window passed without an answer (counted against it) · closed: the request
    ended (accepted elsewhere, cancelled, expired) before it answered."""

    WAITING = "waiting", _("Waiting for the office")
    ANSWERED = "answered", _("Answered")
    DECLINED = "declined", _("Declined by the office")
    LATE = "late", _("No answer in time")
    CLOSED = "closed", _("Closed")


class RequestOffice(BaseModel):
    """One office a request was sent to, with its own window and state. ``due_at`` is set
    when the request is sent (a request waiting for its visa is not with the offices yet)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(
        RecruitmentRequest, on_delete=models.PROTECT, related_name="recipients"
    )
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="recruitment_requests"
    )
    state = models.CharField(
        _("status"),
        max_length=10,
        choices=RequestOfficeState.choices,
        default=RequestOfficeState.WAITING,
    )
    due_at = models.DateTimeField(_("answer by"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decline_reason = models.TextField(_("the office's reason"), max_length=1000, blank=True)

    class Meta:
        ordering = ["request", "created_at", "id"]
        verbose_name = _("request sent to an office")
        verbose_name_plural = _("requests sent to offices")
        indexes = [
            models.Index(fields=["office", "state", "due_at"]),
            # The office's queue, newest window first (selectors.incoming_for_office).
            models.Index(
                fields=["office", "-due_at", "-id"],
                condition=models.Q(due_at__isnull=False),
                name="requestoffice_queue",
            ),
            models.Index(fields=["state", "due_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["request", "office"], name="request_office_once"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} → {self.office_id}"


class OfferState(models.TextChoices):
    """sent: waiting for the beneficiary · accepted: chosen; the worker is reserved for this
    contract · declined: the beneficiary declined every offer · withdrawn: another offer
    was accepted, the request ended, or the office took it back · expired: the beneficiary
    did not choose in time · released: its contract was cancelled before the worker
    arrived, or the trial failed; the worker is free again."""

    SENT = "sent", _("Waiting for your answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")
    RELEASED = "released", _("Released: the contract ended early")


def photo_upload_to(instance, filename: str) -> str:
    # Server-made name: the office's file name is never used on disk.
    return f"recruitment/photos/{dt.date.today():%Y/%m}/{secrets.token_hex(16)}"


class Offer(BaseModel):
    """An office's answer to a request: one worker's CV, the monthly salary, the price
    before VAT (at most the office's listed price and the ceiling in force) and the days
    it expects to arrival. The same worker (passport number and nationality) is in at most
    one accepted offer at a time (a partial unique constraint)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(RecruitmentRequest, on_delete=models.PROTECT, related_name="offers")
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="recruitment_offers"
    )
    beneficiary = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recruitment_offers"
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    full_name = models.CharField(_("full name"), max_length=150)
    passport_number = models.CharField(_("passport number"), max_length=20)
    nationality = models.ForeignKey(
        "visas.Nationality", verbose_name=_("nationality"), on_delete=models.PROTECT
    )
    date_of_birth = models.DateField(_("date of birth"))
    religion = models.CharField(_("religion"), max_length=12, choices=Religion.choices)
    marital_status = models.CharField(
        _("marital status"), max_length=10, choices=MaritalStatus.choices
    )
    languages = models.JSONField(_("languages"), default=list)
    experience_years = models.PositiveSmallIntegerField(
        _("years of experience"), validators=[MaxValueValidator(40)]
    )
    experience_kind = models.CharField(_("experience"), max_length=300, blank=True)
    skills = models.CharField(_("skills"), max_length=500, blank=True)
    photo = models.FileField(_("photo"), upload_to=photo_upload_to, max_length=200)
    photo_type = models.CharField(max_length=40)
    monthly_salary = models.DecimalField(_("monthly salary (SAR)"), max_digits=8, decimal_places=2)
    price = models.DecimalField(_("price before VAT (SAR)"), max_digits=10, decimal_places=2)
    days_to_arrival = models.PositiveSmallIntegerField(
        _("expected days to arrival"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    state = models.CharField(
        _("status"), max_length=10, choices=OfferState.choices, default=OfferState.SENT
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["request", "created_at", "id"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        indexes = [
            models.Index(fields=["request", "state"]),
            models.Index(fields=["office", "state"]),
            models.Index(fields=["passport_number", "nationality"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["passport_number", "nationality"],
                condition=models.Q(state="accepted"),
                name="offer_worker_in_one_accepted_offer",
            ),
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(state="accepted"),
                name="offer_one_accepted_per_request",
            ),
            models.UniqueConstraint(
                fields=["request", "passport_number", "nationality"],
                name="offer_worker_once_per_request",
            ),
            models.CheckConstraint(
                condition=models.Q(price__gt=0, monthly_salary__gt=0), name="offer_amounts_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(days_to_arrival__gte=1, days_to_arrival__lte=365),
                name="offer_days_1_to_365",
            ),
        ]

    def __str__(self) -> str:
        return f"offer {self.pk} for {self.request_id}"

    def age_on(self, day: dt.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
