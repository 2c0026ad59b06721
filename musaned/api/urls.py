from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from musaned.api import views
from musaned.api.api import api
from musaned.api.errors import MESSAGES, ApiErrorCode, error_body
from musaned.core.errors import MESSAGES as CORE_MESSAGES
from musaned.core.errors import CoreErrorCode


def json_method_not_allowed(view):
    """Ninja answers a wrong method with a plain-text 405; the API speaks only JSON errors."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "")
            response = api.create_response(
                request,
                error_body(
                    ApiErrorCode.METHOD_NOT_ALLOWED, MESSAGES[ApiErrorCode.METHOD_NOT_ALLOWED]
                ),
                status=405,
            )
            if allowed:
                response["Allow"] = allowed
        return response

    return wrapper


@login_not_required
@csrf_exempt
def unknown_address(request, rest=""):
    """Any other address under /api/v1/: a JSON 404, not the website's HTML page."""
    return api.create_response(
        request,
        error_body(CoreErrorCode.NOT_FOUND, CORE_MESSAGES[CoreErrorCode.NOT_FOUND]),
        status=404,
    )


def api_urls():
    """The API's URLs. The API authenticates by token itself (public routes say so),
    so the site-wide "log in first" redirect and the cookie-based CSRF check do not
    apply to it: a session cookie gives no access to the API."""
    patterns, app_name, namespace = api.urls

    def open_up(entries):
        for entry in entries:
            if isinstance(entry, URLResolver):
                open_up(entry.url_patterns)
            elif isinstance(entry, URLPattern):
                # Cookie-blind (token only), so CSRF protection has nothing to protect.
                callback = entry.callback
                if entry.name == "openapi-json":
                    callback = require_safe(callback)  # the schema is read-only
                callback = login_not_required(json_method_not_allowed(callback))
                entry.callback = csrf_exempt(callback)

    open_up(patterns)
    patterns = [*patterns, re_path(r"^(?P<rest>.*)$", unknown_address, name="unknown")]
    return patterns, app_name, namespace


app_name = "api"

# Pages of the website (inside the language prefix).
urlpatterns = [
    path("api/docs/", views.docs, name="docs"),
    path("profile/api-tokens/", views.tokens, name="tokens"),
    path("profile/api-tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
