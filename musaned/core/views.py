"""Public pages and the error pages."""

import sys
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from musaned.core.errors import MESSAGES, CoreErrorCode, OutsideSystemUnavailable, error_body

WORKING_DAYS = {
    "sun-thu": _("Sunday to Thursday"),
    "sun-fri": _("Sunday to Friday"),
    "sat-thu": _("Saturday to Thursday"),
    "every-day": _("Every day"),
}


@login_not_required
@require_safe
def home(request):
    return render(request, "core/home.html")


@login_not_required
@require_safe
def contact(request):
    hours = settings.MUSANED_WORKING_HOURS
    return render(
        request,
        "core/contact.html",
        {
            "working_days": WORKING_DAYS.get(hours["days"], hours["days"]),
            "opens": hours["opens"],
            "closes": hours["closes"],
        },
    )


@login_not_required
@require_safe
def privacy(request):
    return render(
        request, "core/privacy.html", {"version": settings.MUSANED_PRIVACY_NOTICE_VERSION}
    )


# --- Error answers: the translated page, or the API's JSON ``{code, message, fields}`` -----
# Django's handlers (config/urls.py), the CSRF failure view, django-ratelimit's view and the
# outage answers all come here, so an error on an API path is JSON whoever raised it.

# Seconds a client is asked to wait (``Retry-After``) when the database is out of reach.
DATABASE_RETRY_AFTER_SECONDS = 10


def is_api_request(request) -> bool:
    """The REST API's paths (``/api/v1/…`` and any other ``/api/…`` address), not the
    website's page about it (``/api/docs/``)."""
    path = request.path_info
    return path.startswith("/api/") and not path.startswith("/api/docs/")


def api_error(status: int, code: CoreErrorCode, message: object = None) -> JsonResponse:
    """The API's error shape (musaned/api/errors.py), for answers made outside Ninja:
    ``code``'s message, or a more precise one for the same code."""
    return JsonResponse(error_body(code, message or MESSAGES[code]), status=status)


def rate_limited(request, exception=None):
    """django-ratelimit's answer when a documented limit is passed: a translated 429."""
    if is_api_request(request):
        return api_error(429, CoreErrorCode.RATE_LIMITED)
    return render(request, "errors/429.html", status=429)


def _reference(request) -> str:
    """What the error page shows as the reference: the first ten characters of the request
    id that every log line of this request carries (search the logs for it, ignoring case)."""
    return (getattr(request, "request_id", "") or uuid.uuid4().hex)[:10].upper()


def _error(request, template: str, status: int, **context):
    return render(request, template, {"reference": _reference(request), **context}, status=status)


def bad_request(request, exception=None):
    if is_api_request(request):
        return api_error(400, CoreErrorCode.BAD_REQUEST)
    return _error(request, "errors/400.html", 400)


def refused_input(request):
    """A NUL byte or another character no database can store in a query string, a form
    field, a cookie or a header (musaned/core/input_guard.py): a translated 400."""
    if is_api_request(request):
        return api_error(400, CoreErrorCode.MALFORMED)
    return _error(request, "errors/400.html", 400)


def permission_denied(request, exception=None):
    if is_api_request(request):
        return api_error(403, CoreErrorCode.FORBIDDEN)
    return _error(request, "errors/403.html", 403)


def page_not_found(request, exception=None):
    if is_api_request(request):
        return api_error(404, CoreErrorCode.NOT_FOUND)
    return _error(request, "errors/404.html", 404)


def server_error(request):
    error = sys.exc_info()[1]
    if is_database_outage(error):
        return database_unavailable(request)
    if is_api_request(request):
        return api_error(500, CoreErrorCode.SERVER_ERROR, server_error_message(request))
    try:
        return _error(request, "errors/500.html", 500)
    except Exception:
        # The failure may be the database itself, which the full page reads (the signed-in
        # header, the notices): then the same page as a visitor sees it, read from nowhere.
        return _bare_error(request, "errors/500.html", 500)


def server_error_message(request) -> str:
    return str(MESSAGES[CoreErrorCode.SERVER_ERROR]) % {"reference": _reference(request)}


def is_database_outage(error: BaseException | None) -> bool:
    """The database cannot be reached or cannot answer now (connection refused or lost, no
    connection free in the pool in time, the server shutting down, a lock or statement
    timeout), or an outside system behind a port cannot (the identity registry adapter
    raised ``RegistryUnavailable``): a reason to try again shortly, not a defect."""
    from django.db import InterfaceError, OperationalError

    if isinstance(error, OperationalError | InterfaceError | OutsideSystemUnavailable):
        return True
    try:
        import psycopg
    except ImportError:  # SQLite-only installs
        return False
    # psycopg's own errors, when raised outside Django's wrapper (psycopg_pool.PoolTimeout
    # is an OperationalError).
    return isinstance(error, psycopg.OperationalError | psycopg.InterfaceError)


def database_unavailable(request):
    """The database is out of reach: a 503 with ``Retry-After``, at once (the page is drawn
    without anything that would ask the database again)."""
    if is_api_request(request):
        response = api_error(503, CoreErrorCode.UNAVAILABLE)
    else:
        response = _bare_error(request, "errors/503.html", 503, database=True)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response


def _bare_error(request, template: str, status: int, **extra):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.template.loader import render_to_string

    from musaned.core.context_processors import platform

    context = {
        "reference": _reference(request),
        "user": AnonymousUser(),
        "messages": (),
        **platform(request),
        **extra,
    }
    return HttpResponse(render_to_string(template, context), status=status)


def csrf_failure(request, reason=""):
    if is_api_request(request):
        return api_error(
            403,
            CoreErrorCode.FORBIDDEN,
            _("This form has expired. Reload the page and try again."),
        )
    return _error(request, "errors/403_csrf.html", 403)


def service_unavailable(request):
    """The shared cache is out of reach and this action must not go on without it
    (musaned/core/cache.py): a translated 503."""
    if is_api_request(request):
        return api_error(503, CoreErrorCode.UNAVAILABLE)
    return _error(request, "errors/503.html", 503)
