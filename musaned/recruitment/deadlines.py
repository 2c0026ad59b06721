"""The journey's dates: the offices' window in working days, the beneficiary's time to
choose and to sign and pay, the delivery clock and the trial (docs/recruitment.md, "The
clocks"). Days are counted on Riyadh's calendar: *day n* is n days after the day the clock
starts (the day of payment, the day of arrival), which is day 0.

- The 90 days from payment are days 0–89: ``delivery_due_on`` is day 89, the last day on
  which an arrival is on time. On day 90 the 30-day extension starts by itself (days
  90–119, ``extension_ends_on`` is day 119); from day 120, 120 days after payment, the
  office is overdue and a cancellation carries the full compensation.
- The trial is days 0–89 after the arrival date (``trial_ends_on`` is day 89): a failure
  may be reported until then; on day 90 the trial has ended and the contract completes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from musaned.core.clocks import add_working_days, holidays_from
from musaned.recruitment.models import ContractTerms


def offices_answer_by(*, start: dt.datetime, terms: ContractTerms, new_visa: bool) -> dt.datetime:
    """The end of the offices' window: ``terms.window_days`` working days after ``start``
    (Sunday to Thursday, less the public holidays), at the same time of day."""
    local = timezone.localtime(start)
    return add_working_days(
        local, terms.window_days(new_visa=new_visa), holidays_from(local.date())
    )


def choose_by(*, offers_due_at: dt.datetime, terms: ContractTerms) -> dt.datetime:
    """The beneficiary chooses an offer until ``decision_days`` after the window."""
    return offers_due_at + dt.timedelta(days=terms.decision_days)


def respond_by(*, accepted_at: dt.datetime, terms: ContractTerms) -> dt.datetime:
    """Both sign and the beneficiary pays until ``respond_days`` after the acceptance."""
    return accepted_at + dt.timedelta(days=terms.respond_days)


@dataclass(frozen=True)
class DeliveryDates:
    paid_on: dt.date
    delivery_due_on: dt.date  # day 89: the last day an arrival is on time
    extension_ends_on: dt.date  # day 119: the last day of the extension


def delivery_dates(*, paid_on: dt.date, terms: ContractTerms) -> DeliveryDates:
    return DeliveryDates(
        paid_on=paid_on,
        delivery_due_on=paid_on + dt.timedelta(days=terms.delivery_days - 1),
        extension_ends_on=paid_on
        + dt.timedelta(days=terms.delivery_days + terms.extension_days - 1),
    )


def trial_ends_on(*, arrived_on: dt.date, terms: ContractTerms) -> dt.date:
    """Day 89 after the arrival: the last day of the trial."""
    return arrived_on + dt.timedelta(days=terms.trial_days - 1)


def today() -> dt.date:
    return timezone.localdate()
