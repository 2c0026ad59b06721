"""The recruitment app's error codes and their messages, in the shape every app follows:
one code enum, one translated message per code, one factory. Codes never change (the API
and its clients read them); a message is a lazy string filled in the reader's language."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from musaned.core.errors import (
    ApplicationError,
    InvalidTransition,
    Messages,
    NotFound,
    coded_error,
)


class RecruitmentErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    NO_TERMS = "no_terms"
    DISABILITY_PATH = "disability_path"
    NOT_ELIGIBLE = "not_eligible"
    GENDER_NOT_OPEN = "gender_not_open"
    AGE_RANGE = "age_range"
    CHOICE_UNKNOWN = "choice_unknown"
    OFFICE_COUNT = "office_count"
    OFFICE_NOT_AVAILABLE = "office_not_available"
    REQUEST_CLOSED = "request_closed"
    WINDOW_CLOSED = "window_closed"
    OFFER_INCOMPLETE = "offer_incomplete"
    PASSPORT_INVALID = "passport_invalid"
    WORKER_NATIONALITY = "worker_nationality"
    WORKER_AGE = "worker_age"
    PRICE_NOT_POSITIVE = "price_not_positive"
    PRICE_ABOVE_LIST = "price_above_list"
    PRICE_ABOVE_CEILING = "price_above_ceiling"
    SALARY_NOT_POSITIVE = "salary_not_positive"
    DAYS_RANGE = "days_range"
    WORKER_ALREADY_OFFERED = "worker_already_offered"
    WORKER_TAKEN = "worker_taken"
    REASON_REQUIRED = "reason_required"
    MANAGERS_ONLY = "managers_only"
    EVIDENCE_REQUIRED = "evidence_required"
    VISA_NUMBER_MISMATCH = "visa_number_mismatch"
    FLIGHT_REQUIRED = "flight_required"
    FLIGHT_DATE_PAST = "flight_date_past"
    ARRIVAL_REQUIRED = "arrival_required"
    ARRIVAL_DATE_INVALID = "arrival_date_invalid"
    NOT_YET = "not_yet"
    TIME_PASSED = "time_passed"
    CHOICE_TIME_PASSED = "choice_time_passed"
    TRIAL_OVER = "trial_over"
    NO_SCHEDULE = "no_schedule"
    NOT_PAYABLE = "not_payable"
    RATING_RANGE = "rating_range"
    NOT_RATEABLE = "not_rateable"
    UNBALANCED = "unbalanced"


class RecruitmentError(ApplicationError):
    """Any refusal of the recruitment app (400; the API answers 422)."""


class RecruitmentNotFound(RecruitmentError, NotFound):
    """Not there, or not the caller's: one answer (404)."""

    status = 404


class RecruitmentForbidden(RecruitmentError):
    """An office employee where the manager must act (403)."""

    status = 403


class RecruitmentConflict(RecruitmentError, InvalidTransition):
    """Not possible in the present state of things (409)."""

    status = 409


C = RecruitmentErrorCode

_CLASSES: dict[RecruitmentErrorCode, type[RecruitmentError]] = {
    C.NOT_FOUND: RecruitmentNotFound,
    C.MANAGERS_ONLY: RecruitmentForbidden,
    C.REQUEST_CLOSED: RecruitmentConflict,
    C.WINDOW_CLOSED: RecruitmentConflict,
    C.WORKER_TAKEN: RecruitmentConflict,
    C.WORKER_ALREADY_OFFERED: RecruitmentConflict,
    C.NOT_YET: RecruitmentConflict,
    C.TIME_PASSED: RecruitmentConflict,
    C.CHOICE_TIME_PASSED: RecruitmentConflict,
    C.TRIAL_OVER: RecruitmentConflict,
    C.NOT_PAYABLE: RecruitmentConflict,
    C.NOT_RATEABLE: RecruitmentConflict,
}

MESSAGES: Messages[RecruitmentErrorCode] = {
    C.NOT_FOUND: _("Not found."),
    C.NO_TERMS: _("No standard contract is in force today. Call the unified number 920002866."),
    C.DISABILITY_PATH: _(
        "You have a registered disability exemption: you recruit through your own visa "
        "path (the visa without a fee), not through the unified recruitment journey. Issue "
        "the visa in E-services, then choose an office yourself."
    ),
    C.NOT_ELIGIBLE: _("You cannot recruit a worker now: %(reasons)s"),
    C.GENDER_NOT_OPEN: _("This occupation is not open to the chosen gender."),
    C.AGE_RANGE: _("The ages wished are from 21 to 60, the youngest first."),
    C.CHOICE_UNKNOWN: _("Choose from the list."),
    C.OFFICE_COUNT: _("Choose from one to %(max)s offices."),
    C.OFFICE_NOT_AVAILABLE: _(
        "%(office)s does not take requests for this nationality and occupation now. "
        "Choose another office."
    ),
    C.REQUEST_CLOSED: _("This request no longer takes offers."),
    C.WINDOW_CLOSED: _("The time to answer this request has passed."),
    C.OFFER_INCOMPLETE: _("Fill in this part of the worker's CV."),
    C.PASSPORT_INVALID: _("A passport number is 5 to 20 letters and digits."),
    C.WORKER_NATIONALITY: _("The request is for a worker from %(nationality)s."),
    C.WORKER_AGE: _("A worker is from 21 to 60 years old on the day of the offer."),
    C.PRICE_NOT_POSITIVE: _("Enter a price above zero, before VAT."),
    C.PRICE_ABOVE_LIST: _(
        "Your listed price for this nationality and occupation is %(price)s SAR before "
        "VAT: offer that or less."
    ),
    C.PRICE_ABOVE_CEILING: _(
        "The ministry's ceiling is %(ceiling)s SAR before VAT, in force since %(date)s. "
        "Offer %(ceiling)s or less."
    ),
    C.SALARY_NOT_POSITIVE: _("Enter the worker's monthly salary, above zero."),
    C.DAYS_RANGE: _("Enter the expected days to arrival: a whole number from 1 to 365."),
    C.WORKER_ALREADY_OFFERED: _("This worker is already offered on this request."),
    C.WORKER_TAKEN: _(
        "This worker has just been reserved in another accepted offer. Choose another offer."
    ),
    C.REASON_REQUIRED: _("Write the reason."),
    C.MANAGERS_ONLY: _("Only the office's manager can sign a contract."),
    C.EVIDENCE_REQUIRED: _("Attach the document, or enter its number."),
    C.VISA_NUMBER_MISMATCH: _("The visa number is not the one of this contract's visa."),
    C.FLIGHT_REQUIRED: _("Enter the flight number and its date."),
    C.FLIGHT_DATE_PAST: _("The flight's date is today or later."),
    C.ARRIVAL_REQUIRED: _("Enter the arrival date and the arrival point."),
    C.ARRIVAL_DATE_INVALID: _("The arrival date is between the day of payment and today."),
    C.NOT_YET: _("This cannot be done yet."),
    C.TIME_PASSED: _("The time to sign and pay this contract has passed."),
    C.CHOICE_TIME_PASSED: _("The time to choose an offer on this request has passed."),
    C.TRIAL_OVER: _("The trial period has ended."),
    C.NO_SCHEDULE: _(
        "The contract's schedule does not provide for a cancellation on this day. Call the "
        "unified number 920002866."
    ),
    C.NOT_PAYABLE: _("This contract cannot be paid now."),
    C.RATING_RANGE: _("Choose a rating from 1 to 5."),
    C.NOT_RATEABLE: _("A contract is rated once, after it ends."),
    C.UNBALANCED: _("A ledger posting must balance."),
}


def recruitment_error(
    code: RecruitmentErrorCode, *, field: str | None = None, **values: Any
) -> RecruitmentError:
    """The refusal ``code`` with its message (filled with ``values`` when it is read, in
    the reader's language); ``field`` names the form field or API field it is about."""
    error = coded_error(_CLASSES.get(code, RecruitmentError), code, MESSAGES, **values)
    if field:
        error.fields = {field: [error.message]}
    return error
