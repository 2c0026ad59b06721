"""The API's one error shape, ``{"code", "message", "fields"}``, in the caller's language,
and the API's own error codes (the shape of ``musaned/core/errors.py``; the answers any
path gives — not found, forbidden, too many requests… — are ``CoreErrorCode``).

Field messages reuse Django's own validation messages, which Django ships in
Arabic and English, so pydantic's English-only texts never reach a client."""

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from musaned.core.errors import MESSAGES as CORE_MESSAGES
from musaned.core.errors import (  # noqa: F401 (the API's shape)
    ApplicationError,
    CoreErrorCode,
    InvalidTransition,
    Messages,
    coded_error,
    error_body,
    message_for,
)


class ApiErrorCode(StrEnum):
    UNAUTHORIZED = "unauthorized"
    TOO_DEEP = "too_deep"
    HTTP_ERROR = "http_error"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    IDEMPOTENCY_KEY_REQUIRED = "idempotency_key_required"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_KEY_IN_USE = "idempotency_key_in_use"


def _too_deep(*, limit: int) -> str:
    return ngettext(
        "The JSON is nested too deeply (at most %(limit)d level).",
        "The JSON is nested too deeply (at most %(limit)d levels).",
        limit,
    ) % {"limit": limit}


MESSAGES: Messages[ApiErrorCode] = {
    ApiErrorCode.UNAUTHORIZED: gettext_lazy(
        "Send a valid API token: Authorization: Bearer <token>."
    ),
    ApiErrorCode.TOO_DEEP: _too_deep,
    # Ninja's own text (``str(HttpError)``) is passed where it answers another status.
    ApiErrorCode.HTTP_ERROR: gettext_lazy("Something is wrong with this request."),
    ApiErrorCode.METHOD_NOT_ALLOWED: gettext_lazy("This method is not allowed here."),
    ApiErrorCode.IDEMPOTENCY_KEY_REQUIRED: gettext_lazy(
        "Send an Idempotency-Key header (up to 100 characters) with this request."
    ),
    ApiErrorCode.IDEMPOTENCY_KEY_REUSED: gettext_lazy(
        "This Idempotency-Key was already used with a different request."
    ),
    ApiErrorCode.IDEMPOTENCY_KEY_IN_USE: gettext_lazy(
        "A request with this Idempotency-Key is still being answered. Try again."
    ),
}


class ApiError(ApplicationError):
    """A refusal of the API's own plumbing (idempotency)."""


class IdempotencyConflict(ApiError, InvalidTransition):
    """Another request with the same key is being answered and its answer is not saved
    yet (409)."""

    status = 409


def api_error(code: ApiErrorCode, **values: Any) -> ApiError:
    """The refusal ``code``, with its message (``idempotency_key_in_use``: 409)."""
    kind = IdempotencyConflict if code == ApiErrorCode.IDEMPOTENCY_KEY_IN_USE else ApiError
    return coded_error(kind, code, MESSAGES, **values)


def invalid(fields: dict[str, list[Any]]) -> ApplicationError:
    """``422 invalid`` naming each field of a body the schema let through and the app
    refuses (an unknown code, a blank text): raise it in a route, or in the ``run`` of
    ``with_idempotency``, which answers it like every refusal."""
    code = CoreErrorCode.INVALID
    return ApplicationError(code, message_for(CORE_MESSAGES, code), fields=fields)


def status_for(exc: ApplicationError) -> int:
    """NotFound → 404, InvalidTransition → 409; any other refusal of valid input → 422."""
    return exc.status if exc.status in (404, 409) else 422


LENGTH_ERRORS = ("string_too_long", "too_long", "string_too_short", "too_short")


def input_length(value: object) -> int | None:
    """How long a value is, as its length limit counts it (characters of a text, items of
    a list); None for a value that has no length."""
    if isinstance(value, str | bytes | list | tuple | dict | set | frozenset):
        return len(value)
    return None


def field_message(item: dict[str, Any]) -> str:
    """One pydantic error item as a translated sentence (Django's catalogue).

    A length error says the real length: pydantic's ``actual_length`` for a list, else
    the ``length`` the API kept for it (musaned.api.schemas.Api; Ninja drops the input
    itself). Text is measured after its control characters are taken out, as checked.
    """
    kind = item.get("type", "")
    ctx = item.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in LENGTH_ERRORS:
        length = ctx.get("actual_length", item.get("length"))
        if kind in ("string_too_short", "too_short"):
            limit = int(ctx.get("min_length", 0))
            if not length or limit <= 1:
                return _("This field is required.")
            return ngettext(
                "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
                "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
                limit,
            ) % {"limit_value": limit, "show_value": length}
        limit = int(ctx.get("max_length", 0))
        if length is None:
            return ngettext(
                "Ensure this value has at most %(limit_value)d character.",
                "Ensure this value has at most %(limit_value)d characters.",
                limit,
            ) % {"limit_value": limit}
        return ngettext(
            "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            limit,
        ) % {"limit_value": limit, "show_value": length}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("decimal_parsing", "decimal_type", "float_parsing", "float_type"):
        return _("Enter a number.")
    if kind in ("greater_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("gt"))
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": bound
        }
    if kind in ("less_than_equal", "less_than"):
        bound = ctx.get("le", ctx.get("lt"))
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {
            "limit_value": bound
        }
    if kind in ("decimal_max_digits", "decimal_max_places", "decimal_whole_digits"):
        return _("Enter a number.")
    if kind in ("json_invalid", "model_attributes_type", "dict_type", "model_type"):
        return _("Enter a valid JSON.")
    return _("Enter a valid value.")


def validation_fields(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for item in errors:
        location = [
            str(part) for part in item.get("loc", []) if part not in ("body", "payload", "query")
        ]
        fields.setdefault(".".join(location) or "body", []).append(field_message(item))
    return fields
