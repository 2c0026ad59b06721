"""The offices app's error codes and their messages, in the shape every app follows:
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


class OfficeErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    NOT_ALLOWED = "not_allowed"
    MANAGERS_ONLY = "managers_only"
    LICENCE_NUMBER_TAKEN = "licence_number_taken"
    CR_NUMBER_TAKEN = "cr_number_taken"
    LICENCE_DATE_NOT_FUTURE = "licence_date_not_future"
    RENEWAL_NOT_LATER = "renewal_not_later"
    SUSPENSION_END_NOT_FUTURE = "suspension_end_not_future"
    SUSPENSION_NOT_LATER = "suspension_not_later"
    RENEW_FIRST = "renew_first"
    REASON_REQUIRED = "reason_required"
    GROUND_REQUIRED = "ground_required"
    POINTS_RANGE = "points_range"
    OFFICE_CLOSED = "office_closed"
    NOT_RECRUITED = "not_recruited"
    PRICE_ABOVE_CEILING = "price_above_ceiling"
    PRICE_NOT_POSITIVE = "price_not_positive"
    DAYS_RANGE = "days_range"
    PRICE_EXISTS = "price_exists"
    INVITATION_EXPIRED = "invitation_expired"
    MOBILE_MISMATCH = "mobile_mismatch"
    ALREADY_MEMBER = "already_member"
    ALREADY_HERE = "already_here"
    ID_INVALID = "id_invalid"
    NOT_AN_EMPLOYEE = "not_an_employee"
    CEILING_DATE_PAST = "ceiling_date_past"
    CEILING_EXISTS = "ceiling_exists"
    VAT_DATE_PAST = "vat_date_past"
    VAT_EXISTS = "vat_exists"
    VAT_RANGE = "vat_range"


class OfficeError(ApplicationError):
    """Any refusal of the offices app (400; the API answers 422)."""


class OfficeNotFound(OfficeError, NotFound):
    """Not there, or not the caller's: one answer (404)."""

    status = 404


class OfficeForbidden(OfficeError):
    """Staff without the permission, or an employee where the manager must act (403)."""

    status = 403


class OfficeConflict(OfficeError, InvalidTransition):
    """Not possible in the present state of things (409)."""

    status = 409


C = OfficeErrorCode

_CLASSES: dict[OfficeErrorCode, type[OfficeError]] = {
    C.NOT_FOUND: OfficeNotFound,
    C.NOT_ALLOWED: OfficeForbidden,
    C.MANAGERS_ONLY: OfficeForbidden,
    C.RENEW_FIRST: OfficeConflict,
    C.OFFICE_CLOSED: OfficeConflict,
    C.PRICE_EXISTS: OfficeConflict,
    C.INVITATION_EXPIRED: OfficeConflict,
    C.MOBILE_MISMATCH: OfficeConflict,
    C.ALREADY_MEMBER: OfficeConflict,
    C.ALREADY_HERE: OfficeConflict,
    C.NOT_AN_EMPLOYEE: OfficeConflict,
}

MESSAGES: Messages[OfficeErrorCode] = {
    C.NOT_FOUND: _("Not found."),
    C.NOT_ALLOWED: _("You need the licensing officer's permission for this."),
    C.MANAGERS_ONLY: _("Only the office's manager can do this."),
    C.LICENCE_NUMBER_TAKEN: _("Another office has this licence number."),
    C.CR_NUMBER_TAKEN: _("Another office has this commercial registration number."),
    C.LICENCE_DATE_NOT_FUTURE: _("The licence must be valid after today."),
    C.RENEWAL_NOT_LATER: _("The new date must be later than the present one, %(date)s."),
    C.SUSPENSION_END_NOT_FUTURE: _("The suspension must end after today."),
    C.SUSPENSION_NOT_LATER: _(
        "The new end date must be later than the present one, %(date)s. To end the "
        "suspension sooner, reinstate the office."
    ),
    C.RENEW_FIRST: _(
        "The licence expired on %(date)s: renew it before the office is active again."
    ),
    C.REASON_REQUIRED: _("Write the reason: the office reads it."),
    C.GROUND_REQUIRED: _("Choose the ground of the decision."),
    C.POINTS_RANGE: _("Penalty points are a whole number from 1 to %(max)s."),
    C.OFFICE_CLOSED: _("This office's licence was withdrawn: nothing of it can change now."),
    C.NOT_RECRUITED: _(
        "The office does not recruit this nationality or occupation. The manager adds it "
        "to the profile first."
    ),
    C.PRICE_ABOVE_CEILING: _(
        "The ministry's ceiling for a worker from %(nationality)s is %(ceiling)s SAR before "
        "VAT, in force since %(date)s. Enter %(ceiling)s or less."
    ),
    C.PRICE_NOT_POSITIVE: _("Enter a price above zero, before VAT."),
    C.DAYS_RANGE: _("Enter the expected days to arrival: a whole number from 1 to 365."),
    C.PRICE_EXISTS: _(
        "There is already a price for this nationality and occupation: change that one."
    ),
    C.INVITATION_EXPIRED: _("This invitation has expired. Ask the office for a new one."),
    C.MOBILE_MISMATCH: _(
        "The invitation was sent with another mobile number than your account's. Ask the "
        "office's manager to invite you again with the right number."
    ),
    C.ALREADY_MEMBER: _(
        "You already work for another office on Musaned. Ask its manager to remove you first."
    ),
    C.ALREADY_HERE: _("This person already works for the office."),
    C.ID_INVALID: _("Enter the person's ID number: 10 digits, starting with 1 or 2."),
    C.NOT_AN_EMPLOYEE: _("Only an employee can be removed here; the manager stays."),
    C.CEILING_DATE_PAST: _("A new ceiling takes effect today or on a later date."),
    C.CEILING_EXISTS: _(
        "There is already a ceiling for this nationality and occupation from that date."
    ),
    C.VAT_DATE_PAST: _("A new VAT rate takes effect today or on a later date."),
    C.VAT_EXISTS: _("There is already a VAT rate from that date."),
    C.VAT_RANGE: _("Enter the rate in per cent, from 0 to 100."),
}


def office_error(code: OfficeErrorCode, *, field: str | None = None, **values: Any) -> OfficeError:
    """The refusal ``code`` with its message (filled with ``values`` when it is read, in
    the reader's language); ``field`` names the form field or API field it is about."""
    error = coded_error(_CLASSES.get(code, OfficeError), code, MESSAGES, **values)
    if field:
        error.fields = {field: [error.message]}
    return error
