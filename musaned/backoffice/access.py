"""Who may open the back office, and each action's named permission.

Anyone who is not staff gets a 404 (the back office does not exist for them); staff
who signed in without the second factor are sent to sign in again; a staff member
without an action's permission gets a 403.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

SECOND_FACTOR_KEY = "signed_in_at"  # set only when the SMS code was checked (login_complete)


def staff_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            raise Http404
        if not request.session.get(SECOND_FACTOR_KEY):
            logout(request)
            messages.info(request, _("The back office needs the sign-in code. Log in again."))
            login = reverse("accounts:login")
            return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
        request.personal_page = True  # never cached, no referrer (see core middleware)
        return view(request, *args, **kwargs)

    return wrapper


def permission_required(*perms: str):
    """Staff only (as above), holding at least one of ``perms``."""

    def decorator(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not any(request.user.has_perm(perm) for perm in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return staff_required(checked)

    return decorator
