"""The payments app's error codes and their messages. Codes never change; messages are
translated.

The same shape in every app: ``<App>ErrorCode``, ``<App>Error`` (and a subclass per HTTP
meaning), ``MESSAGES`` and ``payment_error(code, **values)``, the shape of ``musaned/core/errors.py``.
"""

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from musaned.core.errors import ApplicationError, Messages, coded_error


class PaymentErrorCode(StrEnum):
    INVALID_AMOUNT = "invalid_amount"
    INVALID_DUE_DATE = "invalid_due_date"
    OPEN_BILL_EXISTS = "open_bill_exists"
    GATEWAY_UNAVAILABLE = "gateway_unavailable"
    BAD_SIGNATURE = "bad_signature"
    STALE_TIMESTAMP = "stale_timestamp"
    MALFORMED = "malformed"
    UNSUPPORTED_KIND = "unsupported_kind"
    UNKNOWN_BILL = "unknown_bill"
    AMOUNT_MISMATCH = "amount_mismatch"
    BILL_EXPIRED = "bill_expired"
    ALREADY_PAID = "already_paid"
    EVENT_CONFLICT = "event_conflict"
    NOT_PAID = "not_paid"
    REASON_REQUIRED = "reason_required"


class PaymentError(ApplicationError):
    """Any refusal by the payments app. ``status`` is the HTTP answer it maps to."""

    status = 400


class CallbackUnauthorized(PaymentError):
    status = 401


class BillNotFound(PaymentError):
    status = 404


class PaymentConflict(PaymentError):
    status = 409


class GatewayUnavailable(PaymentError):
    status = 502


C = PaymentErrorCode

# The codes whose refusal means something other than 400.
ERROR_CLASSES: dict[PaymentErrorCode, type[PaymentError]] = {
    C.BAD_SIGNATURE: CallbackUnauthorized,
    C.STALE_TIMESTAMP: CallbackUnauthorized,
    C.UNKNOWN_BILL: BillNotFound,
    C.OPEN_BILL_EXISTS: PaymentConflict,
    C.AMOUNT_MISMATCH: PaymentConflict,
    C.BILL_EXPIRED: PaymentConflict,
    C.ALREADY_PAID: PaymentConflict,
    C.EVENT_CONFLICT: PaymentConflict,
    C.NOT_PAID: PaymentConflict,
    C.GATEWAY_UNAVAILABLE: GatewayUnavailable,
}

MESSAGES: Messages[PaymentErrorCode] = {
    C.INVALID_AMOUNT: _("A bill's amount must be more than zero, in riyals and halalas."),
    C.INVALID_DUE_DATE: _("A bill's due date must be in the future."),
    C.OPEN_BILL_EXISTS: _("This request already has a bill. Pay that bill instead."),
    C.GATEWAY_UNAVAILABLE: _(
        "The payment service cannot be reached at the moment. Nothing was charged; "
        "please try again later."
    ),
    C.BAD_SIGNATURE: _("The callback signature is not valid."),
    C.STALE_TIMESTAMP: _("The callback timestamp is missing or too far from the current time."),
    C.MALFORMED: _("The callback body is not a valid payment message."),
    C.UNSUPPORTED_KIND: _("This kind of callback is not supported."),
    C.UNKNOWN_BILL: _("There is no bill with this number."),
    C.AMOUNT_MISMATCH: _("The amount paid is not the bill's amount."),
    C.BILL_EXPIRED: _("This bill has expired and can no longer be paid."),
    C.ALREADY_PAID: _("This bill is already paid."),
    C.EVENT_CONFLICT: _("This event id was already used for another payment."),
    C.NOT_PAID: _("Only a paid bill can be refunded."),
    C.REASON_REQUIRED: _("Give the reason for the refund."),
}


def payment_error(code: PaymentErrorCode, **values: Any) -> PaymentError:
    """The error to raise for ``code``, its message filled with ``values`` (rendered in
    the reader's language: ``musaned/core/errors.py``)."""
    return coded_error(ERROR_CLASSES.get(code, PaymentError), code, MESSAGES, **values)
