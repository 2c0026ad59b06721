"""Who may open the office portal and the licensing pages.

- The portal (``/office/``) is for people who work for an office: anyone else signed in
  gets a 404 (the portal does not exist for them), a visitor is sent to sign in (by
  ``LoginRequiredMiddleware``). A session that skipped the SMS code is sent to sign in
  again. The view receives the member's own office and membership; nothing in the
  portal takes an office from the URL.
- The licensing pages are for staff: anyone else gets a 404, staff without a licensing
  permission a 403, a session without the second factor signs in again.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from musaned.offices import permissions
from musaned.offices.selectors import membership_for

SECOND_FACTOR_KEY = "signed_in_at"  # set only when the SMS code was checked (login_complete)


def sign_in_again(request, message: str):
    logout(request)
    messages.info(request, message)
    login = reverse("accounts:login")
    return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")


def office_member_required(view):
    """``view(request, membership, *args)`` for a member of an office, else 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        membership = membership_for(actor=request.user)
        if membership is None:
            raise Http404
        if not request.session.get(SECOND_FACTOR_KEY):
            return sign_in_again(
                request, _("The office portal needs the sign-in code. Log in again.")
            )
        request.personal_page = True  # never cached, no referrer (core middleware)
        return view(request, membership, *args, **kwargs)

    return wrapper


def licensing_required(*perms: str):
    """Staff holding at least one of ``perms`` (default: any licensing permission)."""
    needed = perms or permissions.LICENSING

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not (user.is_authenticated and user.is_active and user.is_staff):
                raise Http404
            if not request.session.get(SECOND_FACTOR_KEY):
                return sign_in_again(
                    request, _("The licensing pages need the sign-in code. Log in again.")
                )
            if not any(user.has_perm(perm) for perm in needed):
                raise PermissionDenied
            request.personal_page = True
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
