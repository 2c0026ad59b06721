"""Catalogues, dated rules and visa applications."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from musaned.core.models import BaseModel
from musaned.identity.saudi_id import IdType


class BilingualName(models.Model):
    name_ar = models.CharField(_("name (Arabic)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ar if (get_language() or "ar").startswith("ar") else self.name_en


class WorkerGender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Occupation(BilingualName, BaseModel):
    """A domestic occupation a visa can be issued for."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    allows_male = models.BooleanField(_("male workers"), default=True)
    allows_female = models.BooleanField(_("female workers"), default=True)
    document_name_ar = models.CharField(_("required document (Arabic)"), max_length=100, blank=True)
    document_name_en = models.CharField(
        _("required document (English)"),
        max_length=100,
        blank=True,
        help_text=_("Leave empty when no document is needed, e.g. “medical report”."),
    )
    special_needs = models.BooleanField(_("for people with special needs"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(allows_male=True) | models.Q(allows_female=True),
                name="occupation_allows_a_gender",
            )
        ]

    @property
    def needs_document(self) -> bool:
        return bool(self.document_name_en)

    @property
    def document_name(self) -> str:
        return (
            self.document_name_ar
            if (get_language() or "ar").startswith("ar")
            else self.document_name_en
        )

    @property
    def genders(self) -> list[str]:
        return [g for g, ok in (("M", self.allows_male), ("F", self.allows_female)) if ok]


class Nationality(BilingualName, BaseModel):
    """A country workers may be recruited from (ISO 3166 alpha-3 code)."""

    code = models.CharField(_("code"), max_length=3, unique=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("worker nationality")
        verbose_name_plural = _("worker nationalities")


class ArrivalPoint(BilingualName, BaseModel):
    """An airport a worker can land at (IATA code)."""

    code = models.CharField(_("code"), max_length=3, unique=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("arrival point")
        verbose_name_plural = _("arrival points")


class RuleSet(BaseModel):
    """The numbers the rules use, from ``effective_from`` on, until a later set starts.

    Staff add a new set (with a future date) rather than editing one in force,
    so every decision can say which numbers it used.
    """

    effective_from = models.DateField(_("takes effect on"), unique=True)
    fee = models.DecimalField(_("visa fee (SAR)"), max_digits=10, decimal_places=2)
    min_age = models.PositiveSmallIntegerField(_("minimum applicant age"))
    validity_months = models.PositiveSmallIntegerField(_("visa validity (months)"))
    fix_window_days = models.PositiveSmallIntegerField(_("days to fix a rejection"))
    payment_days = models.PositiveSmallIntegerField(_("days to pay a bill"), default=3)
    note = models.CharField(_("source or note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")

    def __str__(self) -> str:
        return f"{self.effective_from:%Y-%m-%d}"


class CapacityTier(models.Model):
    """What financial capacity the N-th active visa needs, for citizens or residents.

    With ``needs_both`` the salary *and* the balance are required; otherwise
    either is enough. A missing tier means no further visa is allowed.
    """

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="tiers")
    category = models.CharField(_("applicant category"), max_length=10, choices=IdType.choices)
    visa_number = models.PositiveSmallIntegerField(_("for the visa number"))
    min_salary = models.DecimalField(
        _("minimum monthly salary (SAR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    min_balance = models.DecimalField(
        _("minimum bank balance (SAR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    needs_both = models.BooleanField(_("salary and balance both needed"), default=False)

    class Meta:
        ordering = ["rule_set", "category", "visa_number"]
        verbose_name = _("financial-capacity tier")
        verbose_name_plural = _("financial-capacity tiers")
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "category", "visa_number"], name="one_tier_per_visa_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} #{self.visa_number}"

    def met_by(self, *, salary: Decimal | None, balance: Decimal | None) -> bool:
        salary_ok = salary is not None and salary >= (self.min_salary or Decimal("0.01"))
        balance_ok = (
            balance is not None and self.min_balance is not None and balance >= self.min_balance
        )
        if self.needs_both:
            return salary_ok and balance_ok
        return salary_ok or balance_ok


class ProofType(models.TextChoices):
    SALARY = "salary", _("Salary certificate")
    BANK = "bank", _("Bank statement")


class VisaState(models.TextChoices):
    """The states of a visa application (the table is in ``workflow.py``).

    draft: being written, editable · awaiting_payment: submitted, the bill is
    open · paid: paid, being decided (a moment, inside one transaction) ·
    in_review: a person must read a document · issued: the visa exists ·
    rejected: a rule failed; fixable and re-checkable until ``fix_by`` ·
    cancelled: cancelled by the applicant, fee refunded · expired: validity
    ended unused · withdrawn: a draft the applicant discarded.
    """

    DRAFT = "draft", _("Draft")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    PAID = "paid", _("Paid, being decided")
    IN_REVIEW = "in_review", _("In quality check")
    ISSUED = "issued", _("Issued")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def proof_upload_to(instance, filename: str) -> str:
    # Server-made name: the user's file name is never used on disk.
    import secrets

    return f"visas/proof/{dt.date.today():%Y/%m}/{secrets.token_hex(16)}"


class VisaApplication(BaseModel):
    """An application for a domestic-worker visa, and the visa once issued."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visa_applications"
    )
    reference = models.CharField(_("request number"), max_length=12, unique=True)
    state = models.CharField(
        _("status"), max_length=20, choices=VisaState.choices, default=VisaState.DRAFT
    )
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("occupation"), on_delete=models.PROTECT, null=True, blank=True
    )
    nationality = models.ForeignKey(
        Nationality,
        verbose_name=_("worker's nationality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    worker_gender = models.CharField(
        _("worker's gender"), max_length=1, choices=WorkerGender.choices, blank=True
    )
    arrival_point = models.ForeignKey(
        ArrivalPoint,
        verbose_name=_("arrival point"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    proof_type = models.CharField(
        _("financial proof"), max_length=10, choices=ProofType.choices, blank=True
    )
    monthly_salary = models.DecimalField(
        _("monthly salary (SAR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    bank_balance = models.DecimalField(
        _("bank balance (SAR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    proof_document = models.FileField(
        _("financial proof document"), upload_to=proof_upload_to, blank=True
    )
    proof_document_type = models.CharField(max_length=40, blank=True)
    occupation_document = models.FileField(
        _("occupation document"), upload_to=proof_upload_to, blank=True
    )
    occupation_document_type = models.CharField(max_length=40, blank=True)
    declaration = models.BooleanField(_("declaration accepted"), default=False)
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, null=True, blank=True)
    fee = models.DecimalField(_("fee (SAR)"), max_digits=10, decimal_places=2, null=True)
    verdicts = models.JSONField(_("rule verdicts at the decision"), default=list, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    fix_by = models.DateField(_("fix by"), null=True, blank=True)
    visa_number = models.CharField(
        _("visa number"), max_length=12, unique=True, null=True, blank=True
    )
    issued_number = models.CharField(
        _("issued number"), max_length=12, unique=True, null=True, blank=True
    )
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)
    verification_token = models.CharField(max_length=43, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("visa application")
        verbose_name_plural = _("visa applications")
        permissions = [("decide_visaapplication", _("Can decide visa applications in review"))]
        indexes = [models.Index(fields=["owner", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="issued")
                | models.Q(visa_number__isnull=False, issued_number__isnull=False),
                name="issued_visa_has_numbers",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


def evisa_upload_to(instance, filename: str) -> str:
    # Server-made, unguessable name; the file is only ever served by the owner's download view.
    import secrets

    return f"visas/evisa/{dt.date.today():%Y/%m}/{secrets.token_hex(16)}.pdf"


class EvisaDocument(BaseModel):
    """The e-visa PDF of an application, drawn once by the ``render_evisa`` task (issue 6).

    ``state`` is the application's state the page was drawn for (the PDF prints
    it: issued, cancelled, expired); the download view serves the file only while
    the application is still in that state, and otherwise draws a new one.
    """

    application = models.OneToOneField(
        VisaApplication, on_delete=models.CASCADE, related_name="evisa_document"
    )
    state = models.CharField(_("drawn for status"), max_length=20, choices=VisaState.choices)
    file = models.FileField(_("PDF"), upload_to=evisa_upload_to)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("e-visa document")
        verbose_name_plural = _("e-visa documents")

    def __str__(self) -> str:
        return f"{self.application} ({self.state})"
