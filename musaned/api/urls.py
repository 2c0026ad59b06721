from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from musaned.api import views
from musaned.api.api import api


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
                callback = login_not_required(entry.callback)
                if entry.name == "openapi-json":
                    callback = require_safe(callback)  # the schema is read-only
                entry.callback = csrf_exempt(callback)

    open_up(patterns)
    return patterns, app_name, namespace


app_name = "api"

# Pages of the website (inside the language prefix).
urlpatterns = [
    path("api/docs/", views.docs, name="docs"),
    path("profile/api-tokens/", views.tokens, name="tokens"),
    path("profile/api-tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
