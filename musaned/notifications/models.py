"""The notification outbox: one row per message, written in the transaction that caused it."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from musaned.core.models import BaseModel


def new_key() -> str:
    return uuid.uuid4().hex


class NotificationState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(BaseModel):
    """One message to one person, by SMS and by email, and how far its delivery got.

    ``notify()`` writes the row inside the caller's transaction (a rollback
    leaves no row and sends nothing); the ``send_notification`` task sends each
    channel at most once: ``sms_sent_at`` / ``email_sent_at`` are set in the
    transaction that holds the row's lock while that channel is sent, and a
    channel already marked is never sent again. pending: not every channel has
    gone yet (a retry may be scheduled) · sent: every channel went · failed:
    gave up after ``attempts`` tries, ``last_error`` says why.
    """

    key = models.CharField(_("idempotency key"), max_length=64, unique=True, default=new_key)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"))
    state = models.CharField(
        _("status"),
        max_length=10,
        choices=NotificationState.choices,
        default=NotificationState.PENDING,
    )
    sms_sent_at = models.DateTimeField(_("SMS sent at"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("email sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.mobile or self.email}"

    @property
    def sms_due(self) -> bool:
        return bool(self.mobile) and self.sms_sent_at is None

    @property
    def email_due(self) -> bool:
        return bool(self.email) and self.email_sent_at is None
