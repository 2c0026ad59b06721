"""The money the platform holds for recruitment contracts, as an append-only double-entry
ledger (docs/recruitment.md, "The ledger"; ARCHITECTURE.md, "Money is a ledger").

Every movement is one *posting*: entries sharing a ``posting`` id whose signed amounts sum
to zero. Entries are only ever added, by ``musaned/recruitment/ledger.py``'s ``post``:
saving an entry again, deleting one, or updating or deleting entries through a queryset
raises ``AppendOnlyError``; on PostgreSQL triggers refuse the same at the database and
check at commit that every posting balances (migration ``0002_ledger_triggers``)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from musaned.core.models import AppendOnlyError


class Account(models.TextChoices):
    """Where money is, for one contract: paid in by the beneficiary (``beneficiary``,
    negative: what they paid), held by the platform (``held``), released to the office
    (``office``), charged to the office's bank guarantee (``office_guarantee``, negative),
    owed back to the beneficiary (``refund``: refunds and compensation)."""

    BENEFICIARY = "beneficiary", _("Paid by the beneficiary")
    HELD = "held", _("Held by the platform")
    OFFICE = "office", _("Released to the office")
    OFFICE_GUARANTEE = "office_guarantee", _("Charged to the office's guarantee")
    REFUND = "refund", _("Owed back to the beneficiary")


class EntryKind(models.TextChoices):
    PAID = "paid", _("Paid")
    HELD = "held", _("Held")
    RELEASED = "released", _("Released")
    REFUNDED = "refunded", _("Refunded")
    COMPENSATION = "compensation", _("Compensation")


class LedgerQuerySet(models.QuerySet["LedgerEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Ledger entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Ledger entries cannot be deleted.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError("Ledger entries cannot be changed.")

    def update_or_create(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Ledger entries cannot be changed.")


class LedgerEntry(models.Model):
    """One line of a posting: ``amount`` (SAR, signed, never zero) into ``account`` of
    ``contract``, of ``kind``; ``memo`` says what the posting was in words people read."""

    contract = models.ForeignKey(
        "recruitment.Contract", on_delete=models.PROTECT, related_name="ledger_entries"
    )
    posting = models.UUIDField(_("posting"), db_index=True)
    account = models.CharField(_("account"), max_length=20, choices=Account.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount (SAR)"), max_digits=12, decimal_places=2)
    memo = models.CharField(_("what it was"), max_length=200)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [models.Index(fields=["contract", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_amount_not_zero"),
            models.CheckConstraint(
                condition=models.Q(account__in=Account.values), name="ledger_account_known"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=EntryKind.values), name="ledger_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.account} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Ledger entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Ledger entries cannot be deleted.")
