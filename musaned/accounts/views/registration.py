"""The registration wizard, step by step as the seed lists it, and activation.

What each step accepted is kept in the session, so going back (or following a
"change" link from the review page) shows everything as it was typed. The
password is kept only as its hash.
"""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.hashers import make_password
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from musaned.accounts import services
from musaned.accounts.forms import (
    AccountForm,
    ContactForm,
    IdentityForm,
    ReviewForm,
    VerificationForm,
    login_or_recover_links,
)
from musaned.accounts.models import CodePurpose
from musaned.accounts.selectors import user_by_pk
from musaned.accounts.services import AccountError, AccountErrorCode
from musaned.accounts.views.codes import code_page, resend_code
from musaned.core.ratelimits import client_key, rate
from musaned.identity.phone import display_mobile
from musaned.identity.saudi_id import IdType

SESSION_KEY = "registration"
ACTIVATION_KEY = "activation"

# (step name, what the session must hold for the step to count as done)
STEPS = [
    ("identity", "identity"),
    ("verify", "verified"),
    ("account", "account"),
    ("contact", "contact"),
    ("review", None),
]


def _titles():
    return {
        "identity": _("Personal data"),
        "verify": _("Verification code"),
        "account": _("Username and password"),
        "contact": _("Email and mobile"),
        "review": _("Confirm data"),
    }


def _state(request) -> dict:
    return request.session.get(SESSION_KEY, {})


def _save(request, state: dict) -> None:
    request.session[SESSION_KEY] = state


def _first_missing(state: dict) -> str | None:
    for step, key in STEPS:
        if key and not state.get(key):
            return step
    return None


def _guard(request, step: str):
    """Send the person to the first step not yet done, if this one is ahead of it."""
    request.personal_page = True
    missing = _first_missing(_state(request))
    order = [name for name, _key in STEPS]
    if missing and order.index(missing) < order.index(step):
        return redirect(f"accounts:register_{missing}")
    return None


def _next(request, step: str):
    state = _state(request)
    if request.GET.get("return") == "review" and not _first_missing(state):
        return redirect("accounts:register_review")
    order = [name for name, _key in STEPS]
    return redirect(f"accounts:register_{order[order.index(step) + 1]}")


def _render(request, step: str, form, **context):
    titles = _titles()
    order = [name for name, _key in STEPS]
    return render(
        request,
        f"accounts/register/{step}.html",
        {
            "form": form,
            "step": step,
            "step_number": order.index(step) + 1,
            "step_count": len(order),
            "step_title": titles[step],
            "steps": [(name, titles[name]) for name in order],
            "return_to_review": request.GET.get("return") == "review",
            **context,
        },
    )


@login_not_required
@never_cache
def register_start(request):
    return redirect("accounts:register_identity")


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(key=client_key, rate=rate("MUSANED_RATE_REGISTRATION"), method="POST", block=True)
def register_identity(request):
    request.personal_page = True
    state = _state(request)
    summary_extra = ""
    if request.method == "POST":
        form = IdentityForm(request.POST)
        if form.is_valid():
            data = form.session_data()
            try:
                services.registration_check_identity(
                    national_id=data["national_id"],
                    id_type=data["id_type"],
                    first_name=data["first_name"],
                    family_name=data["family_name"],
                    birth_date=form.cleaned_data["birth_date"],
                    request=request,
                )
            except AccountError as error:
                form.add_error(None, error.message)
                if error.code == AccountErrorCode.ALREADY_REGISTERED:
                    summary_extra = login_or_recover_links(
                        reverse("accounts:login"), reverse("accounts:password_forgot")
                    )
            else:
                state["identity"] = data
                _save(request, state)
                return _next(request, "identity")
    else:
        form = IdentityForm(initial=IdentityForm.initial_from(state.get("identity", {})))
    return _render(request, "identity", form, summary_extra=summary_extra)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def register_verify(request):
    if response := _guard(request, "verify"):
        return response
    if request.method == "POST":
        form = VerificationForm(request.POST)
        if form.is_valid():
            state = _state(request)
            state["verified"] = True
            _save(request, state)
            return _next(request, "verify")
    else:
        form = VerificationForm()
    return _render(request, "verify", form)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def register_account(request):
    if response := _guard(request, "account"):
        return response
    state = _state(request)
    saved = state.get("account", {})
    kwargs = {"identity": state["identity"], "has_password": bool(saved.get("password_hash"))}
    if request.method == "POST":
        form = AccountForm(request.POST, **kwargs)
        if form.is_valid():
            password = form.cleaned_data.get("password1")
            state["account"] = {
                "username": form.cleaned_data["username"],
                "password_hash": make_password(password) if password else saved["password_hash"],
            }
            _save(request, state)
            return _next(request, "account")
    else:
        form = AccountForm(initial={"username": saved.get("username", "")}, **kwargs)
    return _render(request, "account", form)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def register_contact(request):
    if response := _guard(request, "contact"):
        return response
    state = _state(request)
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                services.registration_check_mobile(
                    national_id=state["identity"]["national_id"],
                    mobile=form.cleaned_data["mobile"],
                )
            except AccountError as error:
                form.add_error("mobile", error.message)
            else:
                state["contact"] = {
                    "email": form.cleaned_data["email"],
                    "mobile": form.cleaned_data["mobile"],
                }
                _save(request, state)
                return _next(request, "contact")
    else:
        form = ContactForm(initial=state.get("contact", {}))
    return _render(request, "contact", form)


def _registration(state: dict) -> services.Registration:
    identity, account, contact = state["identity"], state["account"], state["contact"]
    return services.Registration(
        national_id=identity["national_id"],
        first_name=identity["first_name"],
        family_name=identity["family_name"],
        birth_date=dt.date.fromisoformat(identity["birth_date"]),
        username=account["username"],
        password_hash=account["password_hash"],
        email=contact["email"],
        mobile=contact["mobile"],
        language=get_language() or settings.LANGUAGE_CODE,
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def register_review(request):
    if response := _guard(request, "review"):
        return response
    state = _state(request)
    registration = _registration(state)
    summary_extra = ""
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                user = services.beneficiary_register(registration=registration, request=request)
            except AccountError as error:
                form.add_error(None, error.message)
                if error.code == AccountErrorCode.ALREADY_REGISTERED:
                    summary_extra = login_or_recover_links(
                        reverse("accounts:login"), reverse("accounts:password_forgot")
                    )
            else:
                request.session.pop(SESSION_KEY, None)
                attempt = services.new_attempt()
                request.session[ACTIVATION_KEY] = {"user_id": user.pk, "attempt": attempt}
                services.code_send(
                    user=user, purpose=CodePurpose.ACTIVATION, attempt=attempt, request=request
                )
                return redirect("accounts:activate")
    else:
        form = ReviewForm()
    return _render(
        request,
        "review",
        form,
        registration=registration,
        is_citizen=registration.id_type == IdType.CITIZEN,
        id_type_label=IdType(registration.id_type).label,
        mobile_display=display_mobile(registration.mobile),
        summary_extra=summary_extra,
    )


def _pending_activation(request):
    pending = request.session.get(ACTIVATION_KEY)
    user = user_by_pk(pending["user_id"]) if pending else None
    if user is None or user.is_activated:
        return None, None
    return user, pending["attempt"]


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def activate(request):
    """Enter the activation code sent by SMS."""
    request.personal_page = True
    user, attempt = _pending_activation(request)
    if user is None:
        messages.info(request, _("Log in to finish activating your account."))
        return redirect("accounts:login")

    def activated():
        request.session.pop(ACTIVATION_KEY, None)
        messages.success(request, _("Your account is active. You can log in now."))
        return redirect("accounts:login")

    return code_page(
        request,
        user=user,
        attempt=attempt,
        verify=services.account_activate,
        template="accounts/activate.html",
        on_success=activated,
    )


@login_not_required
@require_POST
@ratelimit(key=client_key, rate=rate("MUSANED_RATE_CODE_SEND"), method="POST", block=True)
def activate_resend(request):
    user, attempt = _pending_activation(request)
    return resend_code(
        request,
        user=user,
        attempt=attempt,
        purpose=CodePurpose.ACTIVATION,
        back="accounts:activate",
    )
