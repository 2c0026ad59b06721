"""What each movement of a contract's money posts to the ledger: lines that sum to zero,
computed here (no writes) and written by ``services/ledger.py``'s ``ledger_post``
(docs/recruitment.md, "The money").

Amounts are in SAR to the halala, rounded half up; a share is always computed on the
total paid (price with VAT), and the last line of a split takes what is left, so nothing
is lost to rounding. Signs: money into an account is positive, out of it negative.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from musaned.recruitment.models import Account, EntryKind

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


# What a posting was (``LedgerEntry.memo`` holds the key; a statement shows the label).
PAYMENT = "payment"
RELEASE_ON_ARRIVAL = "release_on_arrival"
RELEASE_AFTER_TRIAL = "release_after_trial"
OWN_CANCELLATION = "own_cancellation"
LATE_CANCELLATION = "late_cancellation"
TRIAL_FAILURE = "trial_failure"
LABELS = {
    PAYMENT: _("Paid by the beneficiary, held by the platform"),
    RELEASE_ON_ARRIVAL: _("The office's share released on arrival"),
    RELEASE_AFTER_TRIAL: _("The rest released to the office after the trial"),
    OWN_CANCELLATION: _(
        "Cancelled by the beneficiary: refund, and the office's share by the schedule"
    ),
    LATE_CANCELLATION: _("Cancelled because the office was late: refund and compensation"),
    TRIAL_FAILURE: _("Trial failed: refund for the days not served"),
}


@dataclass(frozen=True)
class Line:
    account: Account
    kind: EntryKind
    amount: Decimal


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    return (amount * percent / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


def _move(source: Account, target: Account, kind: EntryKind, amount: Decimal) -> list[Line]:
    if amount == 0:
        return []
    return [Line(source, kind, -amount), Line(target, kind, amount)]


def payment(*, total: Decimal) -> list[Line]:
    """The beneficiary pays ``total``: the platform holds it."""
    return [
        Line(Account.BENEFICIARY, EntryKind.PAID, -total),
        Line(Account.HELD, EntryKind.HELD, total),
    ]


def release_on_arrival(*, total: Decimal, percent: Decimal) -> list[Line]:
    """On arrival the office's first share (``percent`` of the total) leaves the held money."""
    return _move(Account.HELD, Account.OFFICE, EntryKind.RELEASED, percent_of(total, percent))


def release_rest(*, held: Decimal) -> list[Line]:
    """When the trial ends, what is still held goes to the office."""
    return _move(Account.HELD, Account.OFFICE, EntryKind.RELEASED, held)


@dataclass(frozen=True)
class Cancellation:
    lines: list[Line]
    refund: Decimal  # what goes back to the beneficiary (refund and compensation)
    kept_by_office: Decimal
    compensation: Decimal


def own_cancellation(*, total: Decimal, held: Decimal, percent: Decimal) -> Cancellation:
    """The beneficiary cancels before arrival while the office is on time: the office keeps
    ``percent`` of the total (the schedule's share for the day), the rest is refunded."""
    fee = min(percent_of(total, percent), held)
    refund = held - fee
    lines = _move(Account.HELD, Account.REFUND, EntryKind.REFUNDED, refund) + _move(
        Account.HELD, Account.OFFICE, EntryKind.RELEASED, fee
    )
    return Cancellation(lines=lines, refund=refund, kept_by_office=fee, compensation=ZERO)


def late_cancellation(*, total: Decimal, held: Decimal, percent: Decimal) -> Cancellation:
    """The office is late: everything held is refunded, and compensation of ``percent`` of
    the total is charged to the office's guarantee."""
    compensation = percent_of(total, percent)
    lines = _move(Account.HELD, Account.REFUND, EntryKind.REFUNDED, held) + _move(
        Account.OFFICE_GUARANTEE, Account.REFUND, EntryKind.COMPENSATION, compensation
    )
    return Cancellation(
        lines=lines, refund=held + compensation, kept_by_office=ZERO, compensation=compensation
    )


def trial_failure(
    *, total: Decimal, held: Decimal, trial_days: int, days_served: int
) -> Cancellation:
    """The trial failed on day ``days_served`` after arrival: the beneficiary gets back the
    share of the total for the days not served, taken first from what is still held and
    then charged to the office's guarantee (the office was paid its first share on
    arrival); what stays held beyond the refund is the office's."""
    days_left = max(trial_days - days_served, 0)
    refund = (total * Decimal(days_left) / Decimal(trial_days)).quantize(
        CENT, rounding=ROUND_HALF_UP
    )
    from_held = min(refund, held)
    from_guarantee = refund - from_held
    kept = held - from_held
    lines = (
        _move(Account.HELD, Account.REFUND, EntryKind.REFUNDED, from_held)
        + _move(Account.OFFICE_GUARANTEE, Account.REFUND, EntryKind.REFUNDED, from_guarantee)
        + _move(Account.HELD, Account.OFFICE, EntryKind.RELEASED, kept)
    )
    return Cancellation(lines=lines, refund=refund, kept_by_office=kept, compensation=ZERO)


def balanced(lines: list[Line]) -> bool:
    return sum((line.amount for line in lines), ZERO) == 0


def balance_of(balances: Mapping[str, Decimal], account: Account) -> Decimal:
    return Decimal(balances.get(account, ZERO)).quantize(CENT)
