"""The complaints app's error codes and their messages. Codes never change (clients and
the API read them); messages are translated, and a counted one agrees with its number
(``ngettext_lazy`` keyed by the value it is filled with)."""

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from musaned.core.errors import ApplicationError, InvalidTransition, Messages, coded_error


class ComplaintErrorCode(StrEnum):
    NO_SERVICE_LEVEL = "no_service_level"
    NOT_YOUR_VISA = "not_your_visa"
    VISA_REQUIRED = "visa_required"
    OFFICE_REQUIRED = "office_required"
    TOO_MANY_COMPLAINTS = "too_many_complaints"
    TOO_MANY_FILES = "too_many_files"
    NO_FILES_HERE = "no_files_here"
    MESSAGE_REQUIRED = "message_required"
    REOPEN_WINDOW_PASSED = "reopen_window_passed"
    NOT_AN_OFFICER = "not_an_officer"
    HELD_BY_ANOTHER = "held_by_another"
    NOT_ALLOWED = "not_allowed"
    # Rating is not a step of the state table, but refusing it says the same code as
    # a refused step did before the table was rows (codes never change).
    NOT_RATEABLE = "invalid_transition"
    ALREADY_RATED = "already_rated"
    RATING_RANGE = "rating_range"


class ComplaintError(ApplicationError):
    """Any refusal by the complaints app. ``status`` is the HTTP answer it maps to."""

    status = 400


class ComplaintHeldByAnother(ComplaintError):
    """Another officer holds the complaint: only they, or a supervisor, act on it."""

    status = 403


class ComplaintConflict(ComplaintError, InvalidTransition):
    """Not possible in the complaint's state, or not by this person (409)."""

    status = 409


C = ComplaintErrorCode

_CLASSES: dict[ComplaintErrorCode, type[ComplaintError]] = {
    C.HELD_BY_ANOTHER: ComplaintHeldByAnother,
    C.NOT_ALLOWED: ComplaintConflict,
    C.NOT_RATEABLE: ComplaintConflict,
    C.ALREADY_RATED: ComplaintConflict,
}

MESSAGES: Messages[ComplaintErrorCode] = {
    C.NO_SERVICE_LEVEL: _("No service level is in effect."),
    C.NOT_YOUR_VISA: _("Choose one of your own visas."),
    C.VISA_REQUIRED: _("Choose the visa the complaint is about."),
    C.OFFICE_REQUIRED: _("Choose the recruitment office the complaint is about."),
    C.TOO_MANY_COMPLAINTS: ngettext_lazy(
        "You can file %(count)s complaint a day. Reply on an open one, or call us.",
        "You can file %(count)s complaints a day. Reply on an open one, or call us.",
        "count",
    ),
    C.TOO_MANY_FILES: ngettext_lazy(
        "Attach at most %(max)s file.", "Attach at most %(max)s files.", "max"
    ),
    C.NO_FILES_HERE: _("Files can be added with a reply."),
    C.MESSAGE_REQUIRED: _("Write the message."),
    C.REOPEN_WINDOW_PASSED: ngettext_lazy(
        "A complaint can be reopened within %(days)s day of its resolution.",
        "A complaint can be reopened within %(days)s days of its resolution.",
        "days",
    ),
    C.NOT_AN_OFFICER: _("Choose a staff member who handles complaints."),
    C.HELD_BY_ANOTHER: _(
        "%(officer)s holds this complaint: only they or a supervisor can act on it."
    ),
    C.NOT_ALLOWED: _("You need the permission to handle complaints."),
    C.NOT_RATEABLE: _("Only a resolved complaint can be rated."),
    C.ALREADY_RATED: _("You have already rated this complaint."),
    C.RATING_RANGE: _("Choose from 1 to 5."),
}


def complaint_error(code: ComplaintErrorCode, **values: Any) -> ComplaintError:
    """The error for ``code``, its message filled with ``values`` (rendered in the
    reader's language: ``musaned/core/errors.py``)."""
    return coded_error(_CLASSES.get(code, ComplaintError), code, MESSAGES, **values)
