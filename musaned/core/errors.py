"""The base of every domain error: a stable code and a translated message; and the one
shape every app's error codes take.

Error codes: one shape in every app
-----------------------------------
An app that refuses with coded errors keeps them in ``musaned/<app>/errors.py``, in
this order (``musaned/accounts/errors.py`` is the example to copy)::

    class AccountErrorCode(StrEnum):          # the codes: a client may branch on them,
        USERNAME_TAKEN = "username_taken"     # so a value never changes once released

    class AccountError(ApplicationError):     # the app's base (400); a subclass per other
        pass                                  # HTTP answer (``status = 404``, 409, …)

    MESSAGES: Messages[AccountErrorCode] = {  # one translated message per code
        AccountErrorCode.USERNAME_TAKEN: _("This username is taken. Choose another one."),
    }

    def account_error(code: AccountErrorCode, **values: object) -> AccountError:
        return coded_error(AccountError, code, MESSAGES, **values)

and a service raises ``raise account_error(AccountErrorCode.USERNAME_TAKEN)``; a view
or a test reads ``error.code`` and ``MESSAGES[code]``, never a copy of the text.

- A message is a lazy string (``gettext_lazy``), so it is rendered in the language of
  whoever reads it. ``%(name)s`` placeholders are filled from ``values``. A message that
  counts something (Arabic has six plural forms) or reads a setting when it is raised
  is a function of ``values`` returning the sentence (``lambda **v: ngettext(…) % v``).
- Where codes map to different HTTP answers, the factory picks the subclass by code
  (``musaned/payments/errors.py``: ``_CLASSES``).
- Where one code has a more precise sentence in one place (the CSRF failure is
  ``forbidden`` with "This form has expired"), that place passes its own message;
  the code stays the same.
- ``musaned/core/tests/test_error_codes.py`` checks every ``musaned/*/errors.py``: each
  code has exactly one message and the factory raises the app's error with it.
- Form-field validation stays Django's: ``ValidationError(message, code=…)`` with the
  field's codes (``form.has_error("username", code="taken")``); a value object used by
  several forms keeps those messages in its app's ``errors.py`` all the same
  (``musaned/identity/errors.py``).

``CoreErrorCode`` below holds the answers any path can give (a page or the API): a bad
request, not found, forbidden, too many requests, the service paused, a server error;
and the refusals of core's own services (a dated rule in force, ``core/services.py``).
The upload checks keep their own codes beside the upload port (``UploadErrorCode`` in
``musaned/core/uploads.py``), in the same shape.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    # A translated sentence, now or lazy (``gettext_lazy``).
    Text: TypeAlias = str | _StrPromise
else:
    Text = str | Promise

# A message: a (lazy) translated sentence, or a function of the values that makes one.
Message: TypeAlias = Text | Callable[..., str]
C = TypeVar("C", bound=StrEnum)
E = TypeVar("E", bound="ApplicationError")
Messages = Mapping[C, Message]


class ApplicationError(Exception):
    """A refusal a person or a client can act on: ``code`` (stable), ``message``
    (translated) and, for a form or a request body, the ``fields`` it is about."""

    status = 400

    def __init__(
        self,
        code: str,
        message: Text,
        *,
        fields: Mapping[str, list[Any]] | None = None,
    ):
        super().__init__(str(code))
        self.code = str(code)
        self.message = message
        self.fields = dict(fields or {})

    def __str__(self) -> str:
        return str(self.message)


class NotFound(ApplicationError):
    status = 404


class InvalidTransition(ApplicationError):
    status = 409


class OutsideSystemUnavailable(Exception):
    """An outside system behind a port (the identity registry, …) cannot answer now: a
    reason to try again shortly, shown as the translated 503, never a 500. No personal
    data in the message (it is logged)."""


def _filled(template: Text, values: Mapping[str, Any]) -> str:
    # ``template % values``, not ``str(template) % …``: a counted message
    # (``ngettext_lazy(…, "count")``) picks its plural form from the values.
    return str(template % dict(values))


_lazy_filled = lazy(_filled, str)


def message_for(messages: Mapping[C, Message], code: C, **values: Any) -> Text:
    """The message of ``code``: lazy (rendered in the reader's language) unless it is a
    function of ``values``, which runs now."""
    entry = messages[code]
    if isinstance(entry, str | Promise):
        return _lazy_filled(entry, values) if values else entry
    return entry(**values)


def coded_error(
    error: type[E],
    code: C,
    messages: Mapping[C, Message],
    /,
    **values: Any,
) -> E:
    """``error(code, its message)``: what every app's ``<app>_error(code)`` returns."""
    return error(code, message_for(messages, code, **values))


class CoreErrorCode(StrEnum):
    """The answers any path gives, on a page or as the API's JSON."""

    BAD_REQUEST = "bad_request"
    MALFORMED = "malformed"
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    INVALID_TRANSITION = "invalid_transition"
    RULE_IN_FORCE = "rule_in_force"
    RULE_DATE_NOT_FUTURE = "rule_date_not_future"
    RATE_LIMITED = "rate_limited"
    UNAVAILABLE = "unavailable"
    SERVER_ERROR = "server_error"


MESSAGES: Messages[CoreErrorCode] = {
    CoreErrorCode.BAD_REQUEST: _("Something is wrong with this request."),
    CoreErrorCode.MALFORMED: _(
        "The request contains a character that is not allowed (such as a NUL byte)."
    ),
    CoreErrorCode.INVALID: _("Some values are not valid."),
    CoreErrorCode.FORBIDDEN: _("You do not have permission to do this."),
    CoreErrorCode.NOT_FOUND: _("Not found."),
    CoreErrorCode.INVALID_TRANSITION: _("This cannot be done now."),
    CoreErrorCode.RULE_IN_FORCE: _(
        "These rules are in force and can no longer be changed. Add new ones with the date "
        "they take effect."
    ),
    CoreErrorCode.RULE_DATE_NOT_FUTURE: _(
        "New rules take effect on a future date; the rules in force keep deciding until then."
    ),
    CoreErrorCode.RATE_LIMITED: _("Too many requests. Please wait a while and try again."),
    CoreErrorCode.UNAVAILABLE: _("This service is paused for a moment. Please try again shortly."),
    CoreErrorCode.SERVER_ERROR: _(
        "Sorry, something went wrong on our side. If you contact us, give this "
        "reference: %(reference)s"
    ),
}


def core_error(code: CoreErrorCode, **values: Any) -> ApplicationError:
    """A core refusal: ``NotFound`` for ``not_found``, ``InvalidTransition`` for
    ``invalid_transition``, else ``ApplicationError``."""
    kind: type[ApplicationError] = {
        CoreErrorCode.NOT_FOUND: NotFound,
        CoreErrorCode.INVALID_TRANSITION: InvalidTransition,
    }.get(code, ApplicationError)
    return coded_error(kind, code, MESSAGES, **values)


def error_body(
    code: str,
    message: object,
    fields: Mapping[str, list[Any]] | None = None,
) -> dict[str, Any]:
    """The one error shape of the API, ``{"code", "message", "fields"}``, whoever answers
    (the API's handlers, or Django's error views on an API path)."""
    return {
        "code": str(code),
        "message": str(message),
        "fields": {name: [str(m) for m in messages] for name, messages in (fields or {}).items()},
    }
