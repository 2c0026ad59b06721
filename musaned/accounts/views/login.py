"""Sign in (password, then a code to the verified mobile), sign out, forgotten password."""

import time

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import get_usage
from django_ratelimit.decorators import ratelimit
from django_ratelimit.exceptions import Ratelimited

from musaned.accounts import services
from musaned.accounts.errors import MESSAGES, AccountError, AccountErrorCode
from musaned.accounts.forms import LoginForm, NewPasswordForm, PasswordForgotForm
from musaned.accounts.models import CodePurpose, User
from musaned.accounts.selectors import user_by_pk
from musaned.accounts.views.codes import code_page, code_reused_message, resend_code
from musaned.accounts.views.registration import ACTIVATION_KEY
from musaned.core.audit import client_ip
from musaned.core.cache import shared_cache_required
from musaned.core.captcha import captcha_form_page
from musaned.core.ratelimits import client_key, count_and_check, rate

LOGIN_KEY = "login"
RESET_KEY = "password_reset"
FAILURE_WINDOW_SECONDS = 15 * 60


def _failure_key(request) -> str:
    return f"login-failures:{client_ip(request)}"


def _needs_captcha(request) -> bool:
    return cache.get(_failure_key(request), 0) >= settings.MUSANED_CAPTCHA_AFTER_FAILURES


def _count_failure(request) -> None:
    key = _failure_key(request)
    cache.add(key, 0, FAILURE_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, FAILURE_WINDOW_SECONDS)


# Password spraying: failures from one client whatever the account (MUSANED_LOGIN_FAILURES_PER_CLIENT).
CLIENT_FAILURES = "login-failures-per-client"


def _client_paused(request) -> bool:
    """Has this client failed ``MUSANED_LOGIN_FAILURES_PER_CLIENT`` times in the window?
    (A cache that cannot answer counts as yes: the limit never fails open.)"""
    usage = get_usage(
        request,
        group=CLIENT_FAILURES,
        key=client_key,
        rate=settings.MUSANED_LOGIN_FAILURES_PER_CLIENT,
        method="POST",
        increment=False,
    )
    return usage is not None and usage["count"] >= usage["limit"]


def _count_client_failure(request) -> None:
    count_and_check(
        request,
        group=CLIENT_FAILURES,
        rate=settings.MUSANED_LOGIN_FAILURES_PER_CLIENT,
        method="POST",
    )
    if _client_paused(request):
        # The failure that reached the limit (later tries are refused before they count).
        services.login_client_pause_record()


def _safe_next(request) -> str:
    """Where to go after signing in, if the ``next`` parameter points inside this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def lockout_response(request, original_response=None, credentials=None):
    """django-axes calls this when an account is locked for this client; the
    login view has already rendered the lockout message, so keep its page."""
    if original_response is not None:
        return original_response
    return render(request, "accounts/login.html", _locked_context(request, LoginForm()), status=403)


def _locked_context(request, form) -> dict:
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0
    return {"form": form, "locked": True, "lockout_minutes": minutes}


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@shared_cache_required  # the lockout is read from the shared cache: no cache, no sign-in
def login_view(request):
    if request.user.is_authenticated:
        return redirect("accounts:hub")
    with_captcha = _needs_captcha(request)
    if request.method != "POST":
        return render(
            request,
            "accounts/login.html",
            {"form": LoginForm(with_captcha=with_captcha)},
        )
    if _client_paused(request):
        raise Ratelimited  # the translated 429, whichever account is tried
    form = LoginForm(request.POST, with_captcha=with_captcha)
    if not form.is_valid():
        return render(request, "accounts/login.html", {"form": form})
    identifier = form.cleaned_data["username"]
    user = authenticate(request, username=identifier, password=form.cleaned_data["password"])
    if getattr(request, "axes_locked_out", False):
        _count_client_failure(request)
        services.login_lockout_record(identifier=identifier)
        form = LoginForm(
            initial={"username": identifier},
            with_captcha=_needs_captcha(request),
        )
        return render(request, "accounts/login.html", _locked_context(request, form), status=403)
    if user is None:
        _count_failure(request)
        _count_client_failure(request)
        services.login_failure_record(identifier=identifier)
        form = LoginForm(request.POST, with_captcha=_needs_captcha(request))
        form.is_valid()
        form.add_error(None, _("The username, ID number or password is not right."))
        if "captcha" in form.errors and "captcha" not in request.POST:
            # The captcha has just been switched on: ask for it without an error.
            del form.errors["captcha"]
        return render(request, "accounts/login.html", {"form": form})
    if not user.mobile:
        # No second factor can be sent (e.g. a staff account made without a mobile).
        form.add_error(
            None,
            _("This account has no verified mobile number for the sign-in code. Call %(phone)s.")
            % {"phone": settings.MUSANED_SUPPORT_PHONE},
        )
        return render(request, "accounts/login.html", {"form": form})
    attempt = services.new_attempt()
    if not user.is_activated:
        request.session[ACTIVATION_KEY] = {"user_id": user.pk, "attempt": attempt}
        purpose, target = CodePurpose.ACTIVATION, "accounts:activate"
    else:
        request.session[LOGIN_KEY] = {
            "user_id": user.pk,
            "attempt": attempt,
            "at": time.time(),
            "next": _safe_next(request),
        }
        purpose, target = CodePurpose.LOGIN, "accounts:login_code"
    try:
        # Signing in again within a minute (Back, another browser) sends no new code: the
        # one already on the mobile is bound to this attempt and works here.
        sent = services.code_send_or_reuse(user=user, purpose=purpose, attempt=attempt)
    except AccountError as error:
        messages.warning(request, error.message)
    else:
        if not sent:
            code_reused_message(request)
    return redirect(target)


def _pending_login(request):
    pending = request.session.get(LOGIN_KEY)
    if not pending or time.time() - pending["at"] > settings.MUSANED_CODE_TTL_SECONDS:
        return None, None
    return user_by_pk(pending["user_id"]), pending["attempt"]


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@shared_cache_required
def login_code(request):
    """The second factor: the code sent to the verified mobile."""
    request.personal_page = True
    user, attempt = _pending_login(request)
    if user is None:
        messages.info(request, _("Your sign-in took too long. Please log in again."))
        return redirect("accounts:login")

    def signed_in(_user):
        pending = request.session.pop(LOGIN_KEY, {})
        return redirect(pending.get("next") or "accounts:hub")

    return code_page(
        request,
        masked_mobile=user.masked_mobile,
        verify=lambda code: services.login_complete(
            user=user, attempt=attempt, code=code, request=request
        ),
        template="accounts/login_code.html",
        on_success=signed_in,
    )


@login_not_required
@require_POST
@ratelimit(key=client_key, rate=rate("MUSANED_RATE_CODE_SEND"), method="POST", block=True)
def login_code_resend(request):
    user, attempt = _pending_login(request)
    if user is None:
        return redirect("accounts:login")
    return resend_code(
        request,
        send=lambda: services.code_send(user=user, purpose=CodePurpose.LOGIN, attempt=attempt),
        masked_mobile=user.masked_mobile,
        back="accounts:login_code",
    )


@require_POST
def logout_view(request):
    services.account_logout(actor=request.user, request=request)
    messages.success(request, _("You have logged out."))
    return redirect("core:home")


@captcha_form_page("MUSANED_RATE_PASSWORD_RESET")
def password_forgot(request):
    """Ask for a reset code. The answer is the same whether or not the ID has an account."""
    if request.method == "POST":
        form = PasswordForgotForm(request.POST)
        if form.is_valid():
            national_id = form.cleaned_data["national_id"]
            attempt = services.new_attempt()
            # The same answer either way; within a minute of the last code, that code is
            # bound to this attempt instead of a new one.
            known = services.password_reset_request(national_id=national_id, attempt=attempt)
            request.session[RESET_KEY] = {
                "user_id": known.pk if known is not None else None,
                # What the person typed: the new password is checked against it before the
                # code is (the account's own details only once the code is right).
                "national_id": national_id,
                "attempt": attempt,
                "at": time.time(),
                "tries": 0,
            }
            return redirect("accounts:password_reset")
    else:
        form = PasswordForgotForm()
    return render(request, "accounts/password_forgot.html", {"form": form})


def _reset_code_refused(tries: int) -> str:
    """What the reset page says to a code that did not work after ``tries`` wrong ones,
    from what this session saw alone, so an ID with an account and one without answer
    alike on every try (the code dies after ``MUSANED_CODE_MAX_ATTEMPTS`` either way)."""
    if tries >= settings.MUSANED_CODE_MAX_ATTEMPTS:
        return str(MESSAGES[AccountErrorCode.CODE_EXPIRED])
    return _(
        "This code is not right, or it is no longer valid. Check the newest SMS, "
        "or ask for a new code."
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request):
    request.personal_page = True
    pending = request.session.get(RESET_KEY)
    if not pending or time.time() - pending["at"] > settings.MUSANED_CODE_TTL_SECONDS:
        return redirect("accounts:password_forgot")
    user = user_by_pk(pending["user_id"]) if pending["user_id"] else None
    # Before the code is right the new password is checked only against the ID typed.
    typed = User(national_id=pending.get("national_id"))
    if request.method == "POST":
        form = NewPasswordForm(request.POST, user=typed)
        if form.is_valid():
            tries = pending.get("tries", 0)
            try:
                # Past the tries this session allows, no code is checked (refused alike).
                services.password_reset_complete(
                    user=user if tries < settings.MUSANED_CODE_MAX_ATTEMPTS else None,
                    attempt=pending["attempt"],
                    code=form.cleaned_data["code"],
                    new_password=form.cleaned_data["new_password1"],
                )
            except ValidationError as error:  # only once the code was right
                form.add_error("new_password1", error)
            except AccountError:
                form.add_error("code", _reset_code_refused(tries))
                if tries < settings.MUSANED_CODE_MAX_ATTEMPTS:
                    request.session[RESET_KEY] = {**pending, "tries": tries + 1}
            else:
                request.session.pop(RESET_KEY, None)
                messages.success(request, _("Your password was changed. Log in with the new one."))
                return redirect("accounts:login")
    else:
        form = NewPasswordForm(user=typed)
    return render(request, "accounts/password_reset.html", {"form": form})
