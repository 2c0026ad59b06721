"""Cross-cutting HTTP behaviour: no caching of personal pages, idle session timeout."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils.cache import add_never_cache_headers

LAST_SEEN_PRECISION_SECONDS = 60


class NoStoreForSignedInMiddleware:
    """Pages shown to a signed-in person (or carrying a half-finished registration)
    are never kept by the browser or a proxy. A signed-in session ends when it has
    been idle too long, or when it is older than the absolute limit, whatever
    happened in it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get("last_seen", now)
            signed_in_at = request.session.get("signed_in_at", now)
            if (
                now - last_seen > settings.MUSANED_SESSION_IDLE_SECONDS
                or now - signed_in_at > settings.SESSION_COOKIE_AGE
            ):
                logout(request)
            elif now - request.session.get("last_seen", 0) >= LAST_SEEN_PRECISION_SECONDS:
                # Written at most once a minute: a session save is a database write and a
                # Redis write, and the idle limit (minutes) does not need the second.
                request.session["last_seen"] = now
        response = self.get_response(request)
        personal = (user is not None and user.is_authenticated) or getattr(
            request, "personal_page", False
        )
        if personal:
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response


class PermissionsPolicyMiddleware:
    """``Permissions-Policy`` on every answer: the browser features the platform never
    uses (camera, microphone, geolocation, payment, USB, …) are off for its pages and
    for anything framed in them (settings.MUSANED_PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.MUSANED_PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
