"""Bills (SADAD-style) and the payment provider's events applied to them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from musaned.core.models import BaseModel

BILL_NUMBER_LENGTH = 12


class BillState(models.TextChoices):
    UNPAID = "unpaid", _("Unpaid")
    PAID = "paid", _("Paid")
    EXPIRED = "expired", _("Expired")
    REFUNDED = "refunded", _("Refunded")


class PaymentMethod(models.TextChoices):
    """How the payer paid: at a bank with the SADAD bill number, or with a card on the
    provider's hosted page (mada, Visa, Mastercard). Same bill, same callback."""

    SADAD = "sadad", _("SADAD")
    CARD = "card", _("Card")


class Bill(BaseModel):
    """Money a beneficiary owes for one subject (e.g. a visa application).

    States (the table is in ``workflow.py``; only ``services.py`` moves a bill):

    - ``unpaid``: registered with the payment provider, payable until ``due_at``.
    - ``paid``: the provider's signed callback confirmed the full amount
      (``paid_at`` is the provider's time of payment). The subject's ``on_paid``
      handler ran in the same transaction.
    - ``expired``: ``due_at`` passed unpaid; it can no longer be paid. Terminal.
    - ``refunded``: the money went back through the provider. Terminal.

    A subject has at most one open (unpaid or paid) bill at a time, so a double
    submit cannot charge twice. The 12-digit ``number`` is what the payer types
    into their bank; it is random with a Luhn check digit, never sequential.
    """

    number = models.CharField(_("bill number"), max_length=BILL_NUMBER_LENGTH, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="bills",
    )
    subject_type = models.CharField(_("subject type"), max_length=64)
    subject_id = models.CharField(_("subject id"), max_length=64)
    description = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(_("amount (SAR)"), max_digits=10, decimal_places=2)
    state = models.CharField(
        _("state"), max_length=16, choices=BillState.choices, default=BillState.UNPAID
    )
    due_at = models.DateTimeField(_("due at"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    # How it was paid, from the provider's callback (blank while unpaid).
    paid_with = models.CharField(
        _("paid with"), max_length=8, choices=PaymentMethod.choices, blank=True
    )
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        permissions = [("refund_bill", _("Can refund paid bills"))]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "created_at"]),
            models.Index(fields=["state", "due_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="bill_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(state__in=BillState.values), name="bill_state_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=[BillState.PAID, BillState.REFUNDED])
                | models.Q(paid_at__isnull=False),
                name="bill_paid_has_paid_at",
            ),
            models.CheckConstraint(
                condition=models.Q(paid_with__in=["", *PaymentMethod.values]),
                name="bill_paid_with_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=BillState.REFUNDED) | models.Q(refunded_at__isnull=False),
                name="bill_refunded_has_refunded_at",
            ),
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"],
                condition=models.Q(state__in=[BillState.UNPAID, BillState.PAID]),
                name="bill_one_open_per_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_payable(self) -> bool:
        return self.state == BillState.UNPAID


class PaymentEventKind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")


class PaymentEvent(BaseModel):
    """One event from the payment provider, applied once.

    ``provider_event_id`` is unique, so a replayed or concurrent duplicate of a
    callback cannot be applied twice. ``payload`` is the provider's message as
    received (it never holds the signature or the shared secret).
    """

    provider_event_id = models.CharField(_("provider event id"), max_length=100, unique=True)
    bill = models.ForeignKey(
        Bill, verbose_name=_("bill"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=PaymentEventKind.choices)
    amount = models.DecimalField(_("amount (SAR)"), max_digits=10, decimal_places=2)
    payload = models.JSONField(_("payload"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")

    def __str__(self) -> str:
        return f"{self.kind} {self.provider_event_id}"
