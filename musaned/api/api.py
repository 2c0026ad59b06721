"""The REST API, version 1: ``/api/v1/``. Schema at ``/api/v1/openapi.json``; the
human page is ``/api/docs/`` (docs/api.md). Ninja's own Swagger page is off: it
loads its assets from a CDN, which the content security policy forbids."""

import functools
import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import (
    BadRequest,
    ImproperlyConfigured,
    PermissionDenied,
    SuspiciousOperation,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.log import log_response
from django.utils.translation import gettext as _
from django_ratelimit.exceptions import Ratelimited
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from musaned.api.auth import TokenAuth
from musaned.api.errors import MESSAGES, ApiErrorCode, error_body, status_for, validation_fields
from musaned.api.schemas import Api
from musaned.core import json_input
from musaned.core.cache import CacheUnavailable, unavailable_response
from musaned.core.errors import MESSAGES as CORE_MESSAGES
from musaned.core.errors import ApplicationError, CoreErrorCode, message_for
from musaned.core.views import database_unavailable, is_database_outage, server_error_message

logger = logging.getLogger("musaned.api")


class CheckedJsonParser(Parser):
    """Request bodies parsed within the limits of musaned/core/json_input.py (nesting
    depth, no NUL or lone surrogate in any string). Ninja turns the refusal into an
    ``HttpError(400)`` whose cause says which limit (``http_error`` below answers 400
    ``too_deep``, or 422 ``invalid`` naming each field that holds such a character)."""

    def parse_body(self, request):
        return json_input.loads(request.body)


api = Api(
    title="Musaned API",
    version="1.0.0",
    description="Visa inquiry, visa applications, eligibility and complaints. Errors are "
    '`{"code", "message", "fields"}`, in the language of Accept-Language. '
    "Sign in with `Authorization: Bearer <token>` (tokens are made on the profile).",
    urls_namespace="api-1",
    auth=TokenAuth(),
    docs_url=None,
    parser=CheckedJsonParser(),
)


def error(
    request: HttpRequest,
    status: int,
    code: str,
    message: object,
    fields: Mapping[str, list[Any]] | None = None,
) -> HttpResponse:
    return api.create_response(request, error_body(code, message, fields), status=status)


def core_answer(request: HttpRequest, status: int, code: CoreErrorCode) -> HttpResponse:
    """One of the answers any path gives, with its message (musaned/core/errors.py)."""
    return error(request, status, code, CORE_MESSAGES[code])


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    return error(request, status_for(exc), exc.code, exc.message, exc.fields)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    return error(
        request,
        422,
        CoreErrorCode.INVALID,
        CORE_MESSAGES[CoreErrorCode.INVALID],
        validation_fields(exc.errors),
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    response = error(request, 401, ApiErrorCode.UNAUTHORIZED, MESSAGES[ApiErrorCode.UNAUTHORIZED])
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return core_answer(request, 404, CoreErrorCode.NOT_FOUND)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if exc.status_code == 400:
        # Ninja's only 400 is a body its parser refused (CheckedJsonParser): say which rule.
        cause = exc.__cause__
        if isinstance(cause, json_input.TooDeep):
            return error(
                request,
                400,
                ApiErrorCode.TOO_DEEP,
                message_for(MESSAGES, ApiErrorCode.TOO_DEEP, limit=cause.limit),
            )
        if isinstance(cause, json_input.ForbiddenCharacter):
            # Valid JSON with text no database can store: named like any invalid field.
            messages = {
                "nul": _("Null characters are not allowed."),
                "surrogate": _("Enter a valid value."),
            }
            fields = {
                where or "body": [messages[problem]] for where, problem in cause.problems.items()
            }
            return error(
                request, 422, CoreErrorCode.INVALID, CORE_MESSAGES[CoreErrorCode.INVALID], fields
            )
        return error(request, 400, CoreErrorCode.MALFORMED, _("Enter a valid JSON."))
    return error(request, exc.status_code, ApiErrorCode.HTTP_ERROR, str(exc))


# What the site's middleware would answer if these left the API view: the same answers,
# as JSON (Ninja would otherwise re-raise them to Django and its HTML pages).
@api.exception_handler(CacheUnavailable)
def cache_unavailable(request, exc):
    return unavailable_response(request)


@api.exception_handler(Ratelimited)
def rate_limited(request, exc):
    return core_answer(request, 429, CoreErrorCode.RATE_LIMITED)


@api.exception_handler(SuspiciousOperation)
@api.exception_handler(BadRequest)
def bad_request(request, exc):
    """What Django answers 400 to (a body past DATA_UPLOAD_MAX_MEMORY_SIZE, too many
    fields…), logged to ``django.security.*`` as Django logs it."""
    if isinstance(exc, SuspiciousOperation):
        logging.getLogger(f"django.security.{type(exc).__name__}").error(
            str(exc), extra={"status_code": 400, "request": request}
        )
    return core_answer(request, 400, CoreErrorCode.BAD_REQUEST)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return core_answer(request, 403, CoreErrorCode.FORBIDDEN)


@api.exception_handler(Exception)
def unexpected_error(request, exc: Exception):
    """Everything else: the database out of reach is a 503 with Retry-After; any other
    exception is logged with its traceback and answered as the JSON 500 (never Django's
    HTML page, never a traceback)."""
    if is_database_outage(exc):
        logger.warning("database unavailable for %s: %s: %s", request.path, type(exc).__name__, exc)
        return database_unavailable(request)
    response = error(request, 500, CoreErrorCode.SERVER_ERROR, server_error_message(request))
    # Django's own "Internal Server Error" line, with the traceback, as for a page.
    log_response(
        "%s: %s",
        "Internal Server Error",
        request.path,
        response=response,
        exception=exc,
    )
    return response


def refuse_unknown_query_parameters(run):
    """Every operation answers 422 to a query parameter it does not declare (a typo such
    as ``limt`` is told, never silently ignored), naming each one it does not know. A
    "view" decorator wraps ``Operation.run``: the operation's own query models say which
    names it takes."""
    inner = run
    while not hasattr(inner, "__self__") and hasattr(inner, "__wrapped__"):
        inner = inner.__wrapped__  # under another "view" decorator: its Operation.run
    operation = getattr(inner, "__self__", None)
    if operation is None:
        raise ImproperlyConfigured("refuse_unknown_query_parameters wraps Operation.run")
    known = {
        name
        for model in getattr(operation, "models", ())
        if model.__ninja_param_source__ == "query"
        for name in model.__ninja_flatten_map__
    }

    @functools.wraps(run)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        unknown = [name for name in request.GET if name not in known]
        if unknown:
            message = _("This operation does not take this parameter.")
            return error(
                request,
                422,
                CoreErrorCode.INVALID,
                CORE_MESSAGES[CoreErrorCode.INVALID],
                {name or "query": [message] for name in unknown},
            )
        return run(request, *args, **kwargs)

    return checked


api.add_decorator(refuse_unknown_query_parameters, mode="view")

api.add_router("/", "musaned.visas.api.inquiry_router")
api.add_router("/", "musaned.visas.api.router")
api.add_router("/", "musaned.complaints.api.router")
api.add_router("/", "musaned.offices.api.router")
api.add_router("/", "musaned.recruitment.api.router")
api.add_router("/", "musaned.recruitment.api.office_router")
