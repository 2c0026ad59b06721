"""Public pages and the error pages."""

import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

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


def rate_limited(request, exception=None):
    """django-ratelimit's answer when a documented limit is passed: a translated 429."""
    return render(request, "errors/429.html", status=429)


def _reference(request) -> str:
    """What the error page shows as the reference: the first ten characters of the request
    id that every log line of this request carries (search the logs for it, ignoring case)."""
    return (getattr(request, "request_id", "") or uuid.uuid4().hex)[:10].upper()


def _error(request, template: str, status: int):
    return render(request, template, {"reference": _reference(request)}, status=status)


def bad_request(request, exception=None):
    return _error(request, "errors/400.html", 400)


def permission_denied(request, exception=None):
    return _error(request, "errors/403.html", 403)


def page_not_found(request, exception=None):
    return _error(request, "errors/404.html", 404)


def server_error(request):
    try:
        return _error(request, "errors/500.html", 500)
    except Exception:
        # The failure may be the database itself, which the full page reads (the signed-in
        # header, the notices): then the same page as a visitor sees it, read from nowhere.
        return _bare_error(request, "errors/500.html", 500)


def _bare_error(request, template: str, status: int):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.template.loader import render_to_string

    from musaned.core.context_processors import platform

    context = {
        "reference": _reference(request),
        "user": AnonymousUser(),
        "messages": (),
        **platform(request),
    }
    return HttpResponse(render_to_string(template, context), status=status)


def csrf_failure(request, reason=""):
    return _error(request, "errors/403_csrf.html", 403)


def service_unavailable(request):
    """The shared cache is out of reach and this action must not go on without it
    (musaned/core/cache.py): a translated 503."""
    return _error(request, "errors/503.html", 503)
