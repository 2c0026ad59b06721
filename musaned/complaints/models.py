"""Complaints and their service-level settings (the public holidays the working-day clocks
skip are in ``musaned/core/models.py``, ``Holiday``)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from musaned.core.models import BaseModel
from musaned.core.uploads import SIGNATURES


class ServiceLevel(BaseModel):
    """How fast complaints must be answered, from ``effective_from`` on (working days)."""

    effective_from = models.DateField(_("takes effect on"), unique=True)
    first_answer_days = models.PositiveSmallIntegerField(_("first answer within (working days)"))
    resolution_days = models.PositiveSmallIntegerField(_("resolution within (working days)"))
    reopen_days = models.PositiveSmallIntegerField(_("may be reopened within (days)"), default=7)
    office_answer_days = models.PositiveSmallIntegerField(
        _("a recruitment office answers within (working days)"),
        default=5,
        help_text=_(
            "A complaint about an office goes to the office first; when this many working"
            " days pass without its answer, the complaint moves to the ministry."
        ),
    )

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")

    def __str__(self) -> str:
        return f"{self.effective_from:%Y-%m-%d}"


class Category(models.TextChoices):
    OFFICE = "office", _("A recruitment office")
    VISA = "visa", _("A visa")
    WORKER = "worker", _("A worker")
    PAYMENT = "payment", _("A payment")
    TECHNICAL = "technical", _("A technical problem")
    OTHER = "other", _("Something else")


class ContactPreference(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("A phone call")


class ComplaintState(models.TextChoices):
    """with_office: about a recruitment office, waiting for the office's answer (the
    amicable phase) · office_answered: the office answered; the beneficiary accepts it or
    asks the ministry · submitted: waiting to be taken · in_review: an officer works on it ·
    waiting: the officer asked the beneficiary for information · escalated: late,
    or sent up, for a supervisor · resolved: answered; may be reopened for a while
    · closed: final · rejected: out of scope, with the reason."""

    WITH_OFFICE = "with_office", _("With the office")
    OFFICE_ANSWERED = "office_answered", _("The office answered")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    WAITING = "waiting", _("Waiting for you")
    ESCALATED = "escalated", _("Escalated")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected as out of scope")


class Complaint(BaseModel):
    """A beneficiary's complaint, with the clocks that say when it must be answered."""

    number = models.CharField(_("complaint number"), max_length=12, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaints"
    )
    category = models.CharField(_("about"), max_length=20, choices=Category.choices)
    visa = models.ForeignKey(
        "visas.VisaApplication",
        verbose_name=_("related visa"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    office = models.ForeignKey(
        "offices.Office",
        verbose_name=_("recruitment office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    subject = models.CharField(_("subject"), max_length=150)
    description = models.TextField(_("description"), max_length=5000)
    contact_preference = models.CharField(
        _("contact me by"), max_length=10, choices=ContactPreference.choices
    )
    state = models.CharField(
        _("status"), max_length=20, choices=ComplaintState.choices, default=ComplaintState.SUBMITTED
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_complaints",
    )
    service_level = models.ForeignKey(ServiceLevel, on_delete=models.PROTECT)
    first_answer_due = models.DateTimeField(_("first answer due"))
    resolution_due = models.DateTimeField(_("resolution due"))
    first_answered_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    office_answer_due = models.DateTimeField(_("the office's answer due"), null=True, blank=True)
    office_answered_at = models.DateTimeField(_("the office answered at"), null=True, blank=True)
    waiting_since = models.DateTimeField(
        _("waiting for the beneficiary since"), null=True, blank=True
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_comment = models.CharField(_("rating comment"), max_length=1000, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["state", "first_answer_due"]),
            models.Index(fields=["state", "resolution_due"]),
            models.Index(fields=["owner", "created_at"]),
            models.Index(fields=["office", "created_at"]),
            models.Index(fields=["state", "office_answer_due"]),
        ]
        permissions = [
            ("handle_complaint", _("Can take, answer and resolve complaints")),
            ("supervise_complaint", _("Can take escalated complaints and read audit trails")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="complaint_rating_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return self.number


class MessageKind(models.TextChoices):
    """Who wrote it and who may read it. Only ``note`` is internal: the beneficiary's
    pages and the API never select it."""

    REPLY = "reply", _("Reply from the beneficiary")
    ANSWER = "answer", _("Answer")
    OFFICE_ANSWER = "office_answer", _("The office's answer")
    INFO_REQUEST = "info_request", _("Request for information")
    RESOLUTION = "resolution", _("Resolution")
    REJECTION = "rejection", _("Reason for rejection")
    NOTE = "note", _("Internal note")


class ComplaintMessage(BaseModel):
    """One message in a complaint's conversation, or a staff member's internal note."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    body = models.TextField(_("message"), max_length=5000)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("complaint message")
        verbose_name_plural = _("complaint messages")
        indexes = [models.Index(fields=["complaint", "created_at"])]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"

    @property
    def internal(self) -> bool:
        return self.kind == MessageKind.NOTE

    @property
    def from_staff(self) -> bool:
        """Written by the ministry's staff (not the beneficiary, not the office)."""
        return self.kind not in (MessageKind.REPLY, MessageKind.OFFICE_ANSWER)

    @property
    def from_office(self) -> bool:
        return self.kind == MessageKind.OFFICE_ANSWER


def attachment_upload_to(instance, filename: str) -> str:
    # Server-made name: the user's file name is never used on disk.
    import datetime as dt
    import secrets

    return f"complaints/{dt.date.today():%Y/%m}/{secrets.token_hex(16)}"


class ComplaintAttachment(BaseModel):
    """A file the beneficiary sent (PDF, JPG or PNG, recognised by content), served only
    through the authorising views."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        ComplaintMessage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    display_name = models.CharField(_("file name"), max_length=120)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.display_name

    @property
    def extension(self) -> str:
        """The extension of its download name, from the type found in its content."""
        return next((ext for _magic, ct, ext in SIGNATURES if ct == self.content_type), "bin")
