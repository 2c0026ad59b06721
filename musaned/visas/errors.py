"""The visas app's error codes and their messages. Codes never change; messages are
translated (some take values: ``visa_error(VisaErrorCode.INCOMPLETE, missing="…")``).

The same shape in every app: ``<App>ErrorCode``, ``<App>Error`` (and a subclass per HTTP
meaning), ``MESSAGES`` and ``visa_error(code, **values)``, the shape of ``musaned/core/errors.py``.
"""

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from musaned.core.errors import ApplicationError, Messages, coded_error


class VisaErrorCode(StrEnum):
    NOT_EDITABLE = "not_editable"
    INCOMPLETE = "incomplete"
    RULE_FAILED = "rule_failed"
    FIX_WINDOW_CLOSED = "fix_window_closed"
    NOT_ALLOWED = "not_allowed"
    EXPIRED = "expired"
    TOO_MANY_DRAFTS = "too_many_drafts"
    TOO_MANY_NEW_REQUESTS = "too_many_new_requests"
    REASON_REQUIRED = "reason_required"
    IN_USE = "in_use"


class VisaError(ApplicationError):
    """Any refusal by the visas app (400; the API answers 422)."""


class VisaLimitReached(VisaError):
    """A per-account cap (drafts at once, new requests a day): 409 in the API."""

    status = 409


C = VisaErrorCode

# The codes whose refusal means something other than 400.
ERROR_CLASSES: dict[VisaErrorCode, type[VisaError]] = {
    C.TOO_MANY_DRAFTS: VisaLimitReached,
    C.TOO_MANY_NEW_REQUESTS: VisaLimitReached,
    C.IN_USE: VisaLimitReached,
}

MESSAGES: Messages[VisaErrorCode] = {
    C.NOT_EDITABLE: _("Only a draft can be changed."),
    C.INCOMPLETE: _("Complete the request first: %(missing)s."),
    C.RULE_FAILED: _("Not submitted, and no fee taken: %(rules)s."),
    C.FIX_WINDOW_CLOSED: _("The time to fix this request has passed. Start a new request."),
    C.NOT_ALLOWED: _("You need the permission “decide visa applications”."),
    C.EXPIRED: _("This visa has expired."),
    C.TOO_MANY_DRAFTS: ngettext_lazy(
        "You already have %(count)s unsubmitted request. Finish or discard it "
        "before starting another.",
        "You already have %(count)s unsubmitted requests. Finish or discard one "
        "before starting another.",
        "count",
    ),
    C.TOO_MANY_NEW_REQUESTS: ngettext_lazy(
        "You can start %(count)s visa request a day. Continue one you started, or "
        "try again tomorrow.",
        "You can start %(count)s visa requests a day. Continue one you started, or "
        "try again tomorrow.",
        "count",
    ),
    C.REASON_REQUIRED: _("Give the reason for the rejection."),
    C.IN_USE: _(
        "This visa is used by a recruitment request or contract, so it cannot be cancelled "
        "now. Cancel the request first."
    ),
}


def visa_error(code: VisaErrorCode, **values: Any) -> VisaError:
    """The error to raise for ``code``, its message filled with ``values`` (rendered in
    the reader's language: ``musaned/core/errors.py``)."""
    return coded_error(ERROR_CLASSES.get(code, VisaError), code, MESSAGES, **values)
