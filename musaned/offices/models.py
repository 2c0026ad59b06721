"""Recruitment offices: the register, the people who work for each office, their price
lists, and the ministry's dated price ceilings and VAT rate (docs/offices.md)."""

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from musaned.core.digits import mask_id
from musaned.core.models import BaseModel
from musaned.visas.models import BilingualName

CR_NUMBER = RegexValidator(
    r"^[0-9]{10}\Z", _("A commercial registration number is 10 digits."), code="invalid"
)


class City(BilingualName, BaseModel):
    """A city an office may be in (the directory filters by it)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")


class OfficeState(models.TextChoices):
    """active: licensed, listed in the directory, takes requests · suspended: out of the
    directory and takes no new requests until ``suspended_until`` has passed (then it is
    active again by itself) or an officer reinstates it · withdrawn: the licence was
    withdrawn, for good · expired: the licence's date passed; renewing it makes the office
    active again. Every state keeps the office's history and its page."""

    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Licence withdrawn")
    EXPIRED = "expired", _("Licence expired")


class Office(BaseModel):
    """A licensed recruitment office (مكتب استقدام). Its state changes only through the
    workflow (``musaned/offices/workflow.py``); the register is kept by licensing officers."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name_ar = models.CharField(_("name (Arabic)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    licence_number = models.CharField(_("licence number"), max_length=30, unique=True)
    licence_expires_on = models.DateField(_("licence valid until"))
    cr_number = models.CharField(
        _("commercial registration number"), max_length=10, unique=True, validators=[CR_NUMBER]
    )
    city = models.ForeignKey(City, verbose_name=_("city"), on_delete=models.PROTECT)
    address = models.CharField(_("address"), max_length=300)
    phone = models.CharField(_("phone"), max_length=16)
    email = models.EmailField(_("email"))
    nationalities = models.ManyToManyField(
        "visas.Nationality", verbose_name=_("nationalities it recruits"), related_name="+"
    )
    occupations = models.ManyToManyField(
        "visas.Occupation", verbose_name=_("occupations it recruits"), related_name="+"
    )
    bank_guarantee = models.DecimalField(
        _("bank guarantee (SAR)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    state = models.CharField(
        _("status"), max_length=20, choices=OfficeState.choices, default=OfficeState.ACTIVE
    )
    suspended_until = models.DateField(_("suspended until"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("recruitment office")
        verbose_name_plural = _("recruitment offices")
        indexes = [
            models.Index(fields=["state", "city"]),
            models.Index(fields=["state", "licence_expires_on"]),
        ]
        permissions = [
            ("register_office", _("Can add offices, renew licences and name managers")),
            (
                "sanction_office",
                _("Can warn, give penalty points, suspend, reinstate and withdraw licences"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="suspended", suspended_until__isnull=False)
                | (~models.Q(state="suspended") & models.Q(suspended_until__isnull=True)),
                name="office_suspended_has_an_end_date",
            ),
            models.CheckConstraint(
                condition=models.Q(bank_guarantee__gte=0), name="office_guarantee_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        return self.name_ar if (get_language() or "ar").startswith("ar") else self.name_en

    @property
    def accepts_requests(self) -> bool:
        """Whether the office may receive new recruitment requests (and is listed)."""
        return self.state == OfficeState.ACTIVE

    def licence_valid_on(self, day: dt.date) -> bool:
        return day <= self.licence_expires_on


class SanctionKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    PENALTY = "penalty", _("Penalty points")
    SUSPENSION = "suspension", _("Suspension")
    WITHDRAWAL = "withdrawal", _("Licence withdrawn")


class SanctionGround(models.TextChoices):
    """What the office did, in words the public may read (the officer's own account,
    ``OfficeSanction.reason``, is for staff and the office only)."""

    DELAY = "delay", _("Workers delivered late or not at all")
    MONEY_OUTSIDE = "money_outside", _("Money taken outside the platform")
    REFUND_UNPAID = "refund_unpaid", _("A refund or compensation not paid")
    ABOVE_CEILING = "above_ceiling", _("Charged above the price ceiling")
    COMPLAINTS = "complaints", _("Complaints left unanswered")
    DOCUMENTS = "documents", _("False or missing documents")
    OTHER = "other", _("Another breach of the regulations")


class OfficeSanction(BaseModel):
    """One enforcement decision about an office: a warning, penalty points, a suspension
    or the licence's withdrawal. Written by the office workflow's rows (with their audit
    row), never changed afterwards; the scorecard counts them."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="sanctions")
    kind = models.CharField(_("decision"), max_length=20, choices=SanctionKind.choices)
    points = models.PositiveSmallIntegerField(_("penalty points"), default=0)
    ground = models.CharField(_("ground"), max_length=20, choices=SanctionGround.choices)
    reason = models.TextField(_("reason"), max_length=2000)
    until = models.DateField(_("suspended until"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("enforcement decision")
        verbose_name_plural = _("enforcement decisions")
        indexes = [models.Index(fields=["office", "kind", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="penalty", points__gte=1)
                | (~models.Q(kind="penalty") & models.Q(points=0)),
                name="sanction_points_only_for_penalties",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="suspension", until__isnull=False)
                | (~models.Q(kind="suspension") & models.Q(until__isnull=True)),
                name="sanction_suspension_has_an_end_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.kind} {self.created_at:%Y-%m-%d}"


class OfficeRole(models.TextChoices):
    MANAGER = "manager", _("Manager")
    EMPLOYEE = "employee", _("Employee")


class OfficeMembership(BaseModel):
    """A person who works for an office, with their role. A person works for one office
    at a time and an office has one manager at a time; a membership that ended keeps its
    row (``ended_at``) so the history says who acted for the office when."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="office_memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=OfficeRole.choices)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["role", "created_at"]
        verbose_name = _("office member")
        verbose_name_plural = _("office members")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(ended_at__isnull=True),
                name="membership_one_office_at_a_time",
            ),
            models.UniqueConstraint(
                fields=["office"],
                condition=models.Q(ended_at__isnull=True, role="manager"),
                name="membership_one_manager_per_office",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} of {self.office_id}"

    @property
    def is_manager(self) -> bool:
        return self.role == OfficeRole.MANAGER


class InvitationState(models.TextChoices):
    """pending: waiting for the invitee (until ``expires_at``: after it, expired without
    any job) · accepted · declined · revoked: taken back, or replaced by a newer one."""

    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Taken back")


class OfficeInvitation(BaseModel):
    """An invitation to work for an office, addressed to an ID number (and, for an
    employee, the mobile registered to it). Only the signed-in account with that ID
    number (and mobile) may accept it."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="invitations")
    role = models.CharField(_("role"), max_length=10, choices=OfficeRole.choices)
    national_id = models.CharField(_("ID number"), max_length=10)
    mobile = models.CharField(_("mobile"), max_length=16, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"))
    state = models.CharField(
        _("status"),
        max_length=10,
        choices=InvitationState.choices,
        default=InvitationState.PENDING,
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("office invitation")
        verbose_name_plural = _("office invitations")
        indexes = [models.Index(fields=["national_id", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "national_id"],
                condition=models.Q(state="pending"),
                name="invitation_one_pending_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.role} invitation to {self.office_id}"

    @property
    def masked_id(self) -> str:
        return mask_id(self.national_id)

    def is_open(self, now: dt.datetime | None = None) -> bool:
        return self.state == InvitationState.PENDING and (now or timezone.now()) < self.expires_at


class DatedFigure(BaseModel):
    """A figure the ministry publishes, in force from ``effective_from`` until a later one
    starts; where it came from is part of the data (``source``, ``source_url``)."""

    effective_from = models.DateField(_("takes effect on"))
    source = models.CharField(_("source"), max_length=300)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True


class PriceCeiling(DatedFigure):
    """The most an office may charge for recruiting a worker of ``nationality`` (and
    ``occupation``: empty means every occupation without a ceiling of its own), before
    VAT. A ceiling is never edited: a new one is added with the date it takes effect.
    ``applied_at``: when the prices above it were suspended (at once, or by
    ``manage.py apply_price_ceilings`` on the day it takes effect)."""

    nationality = models.ForeignKey(
        "visas.Nationality", verbose_name=_("nationality"), on_delete=models.PROTECT
    )
    occupation = models.ForeignKey(
        "visas.Occupation",
        verbose_name=_("occupation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    amount = models.DecimalField(
        _("ceiling before VAT (SAR)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("1"))],
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        ordering = ["-effective_from", "nationality_id"]
        verbose_name = _("price ceiling")
        verbose_name_plural = _("price ceilings")
        permissions = [("set_price_ceiling", _("Can add price ceilings and VAT rates"))]
        constraints = [
            models.UniqueConstraint(
                fields=["nationality", "effective_from"],
                condition=models.Q(occupation__isnull=True),
                name="ceiling_one_per_nationality_and_date",
            ),
            models.UniqueConstraint(
                fields=["nationality", "occupation", "effective_from"],
                condition=models.Q(occupation__isnull=False),
                name="ceiling_one_per_occupation_and_date",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="ceiling_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.nationality_id}/{self.occupation_id or '*'} {self.amount} from {self.effective_from}"


class VatRate(DatedFigure):
    """The VAT rate on recruitment prices (0.15 is 15 %), from ``effective_from`` on."""

    rate = models.DecimalField(
        _("rate"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("VAT rate")
        verbose_name_plural = _("VAT rates")
        constraints = [
            models.UniqueConstraint(fields=["effective_from"], name="vat_one_rate_per_date"),
            models.CheckConstraint(
                condition=models.Q(rate__gte=0, rate__lte=1), name="vat_rate_0_to_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rate} from {self.effective_from}"

    @property
    def percent(self) -> Decimal:
        """``0.1500`` → ``15``; ``0.0750`` → ``7.5``."""
        value = self.rate * 100
        if value == value.to_integral_value():
            return value.quantize(Decimal("1"))
        return value.normalize()


class PriceState(models.TextChoices):
    """active: offered, shown in the directory · suspended: above a ceiling that came into
    force after it was set; hidden until the office changes it (never changed for it)."""

    ACTIVE = "active", _("Offered")
    SUSPENDED = "suspended", _("Suspended: above the ceiling")


class OfficePrice(BaseModel):
    """What an office charges to recruit one worker of a nationality and occupation,
    before VAT, and how many days it expects the worker to take to arrive."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="prices")
    nationality = models.ForeignKey(
        "visas.Nationality", verbose_name=_("nationality"), on_delete=models.PROTECT
    )
    occupation = models.ForeignKey(
        "visas.Occupation", verbose_name=_("occupation"), on_delete=models.PROTECT
    )
    amount = models.DecimalField(_("price before VAT (SAR)"), max_digits=10, decimal_places=2)
    days_to_arrival = models.PositiveSmallIntegerField(
        _("expected days to arrival"),
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    state = models.CharField(
        _("status"), max_length=10, choices=PriceState.choices, default=PriceState.ACTIVE
    )
    suspended_by = models.ForeignKey(
        PriceCeiling, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["nationality__name_en", "occupation__sort_order"]
        verbose_name = _("office price")
        verbose_name_plural = _("office prices")
        indexes = [models.Index(fields=["nationality", "occupation", "state", "amount"])]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "nationality", "occupation"], name="price_one_per_combination"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="price_positive"),
            models.CheckConstraint(
                condition=models.Q(days_to_arrival__gte=1, days_to_arrival__lte=365),
                name="price_days_1_to_365",
            ),
            models.CheckConstraint(
                condition=models.Q(state="suspended", suspended_by__isnull=False)
                | models.Q(state="active", suspended_by__isnull=True),
                name="price_suspended_names_its_ceiling",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.nationality_id}/{self.occupation_id} {self.amount}"
