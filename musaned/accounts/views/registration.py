"""The registration wizard, step by step as the seed lists it, and activation.

What each step accepted is kept in the session, so going back (or following a
"change" link from the review page) shows everything as it was typed. The
password is kept only as its hash. The account is made when the activation code
sent to the mobile comes back; until then nothing says whether the ID already has
an account (its owner is told by SMS instead: services.registration_code_send).
"""

import dataclasses
import datetime as dt
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.hashers import make_password
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit
from django_ratelimit.exceptions import Ratelimited

from musaned.accounts import services
from musaned.accounts.errors import AccountError, AccountErrorCode
from musaned.accounts.forms import (
    AccountForm,
    ContactForm,
    IdentityForm,
    ReviewForm,
    VerificationForm,
)
from musaned.accounts.models import CodePurpose
from musaned.accounts.selectors import user_by_pk
from musaned.accounts.views.codes import code_page, code_reused_message, resend_code
from musaned.core.ratelimits import client_key, count_and_check, rate
from musaned.identity.phone import display_mobile, mask_mobile
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


def _wizard_step(step: str):
    """A step of the wizard (open without signing in, never cached, GET and POST): the
    view runs once every step before it is done, else the person goes to the first one
    that is not (``_guard``)."""

    def decorate(view):
        @login_not_required
        @never_cache
        @require_http_methods(["GET", "POST"])
        @wraps(view)
        def page(request):
            if response := _guard(request, step):
                return response
            return view(request)

        return page

    return decorate


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


def _count_taken_answer(request) -> None:
    """A taken username or email is said (people need to know), but it tells that some
    account uses it: each such answer counts against ``MUSANED_RATE_TAKEN_ANSWERS`` per
    client, and past it the answer is the translated 429 instead."""
    if count_and_check(
        request,
        group="registration-taken",
        rate=settings.MUSANED_RATE_TAKEN_ANSWERS,
        method="POST",
    ):
        raise Ratelimited


@login_not_required
@never_cache
def register_start(request):
    return redirect("accounts:register_identity")


@_wizard_step("identity")
def register_identity(request):
    state = _state(request)
    if request.method == "POST":
        form = IdentityForm(request.POST)
        if form.is_valid():
            # The hourly limit counts registry checks: a form sent back for a typing
            # mistake asks the registry nothing and costs nothing.
            if count_and_check(
                request,
                group="registration",
                rate=settings.MUSANED_RATE_REGISTRATION,
                method="POST",
            ):
                raise Ratelimited
            data = form.session_data()
            try:
                services.registration_check_identity(
                    national_id=data["national_id"],
                    id_type=data["id_type"],
                    first_name=data["first_name"],
                    family_name=data["family_name"],
                    birth_date=form.cleaned_data["birth_date"],
                )
            except AccountError as error:
                form.add_error(None, error.message)
            else:
                state["identity"] = data
                _save(request, state)
                return _next(request, "identity")
    else:
        form = IdentityForm(initial=IdentityForm.initial_from(state.get("identity", {})))
    return _render(request, "identity", form)


@_wizard_step("verify")
def register_verify(request):
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


@_wizard_step("account")
def register_account(request):
    state = _state(request)
    saved = state.get("account", {})
    kwargs = {"identity": state["identity"], "has_password": bool(saved.get("password_hash"))}
    if request.method == "POST":
        form = AccountForm(request.POST, **kwargs)
        if form.has_error("username", code="taken"):
            _count_taken_answer(request)
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


@_wizard_step("contact")
def register_contact(request):
    state = _state(request)
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.has_error("email", code="taken"):
            _count_taken_answer(request)
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


@_wizard_step("review")
def register_review(request):
    state = _state(request)
    registration = _registration(state)
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            attempt = services.new_attempt()
            try:
                sent = services.registration_code_send(registration=registration, attempt=attempt)
            except AccountError as error:
                if error.code in (AccountErrorCode.CODE_TOO_SOON, AccountErrorCode.CODE_TOO_MANY):
                    messages.warning(request, error.message)
                    return _to_activation(request, state, attempt)
                if error.code in (AccountErrorCode.USERNAME_TAKEN, AccountErrorCode.EMAIL_TAKEN):
                    _count_taken_answer(request)
                form.add_error(None, error.message)
            else:
                if not sent:
                    code_reused_message(request)
                return _to_activation(request, state, attempt)
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
    )


def _to_activation(request, state: dict, attempt: str):
    """The code page for what the review page confirmed, as it was confirmed (a later
    change in the wizard needs a new confirmation and a new code)."""
    request.session[ACTIVATION_KEY] = {
        "registration": {key: state[key] for key in ("identity", "account", "contact")},
        "language": get_language() or settings.LANGUAGE_CODE,
        "consented_at": timezone.now().isoformat(),
        "attempt": attempt,
    }
    return redirect("accounts:activate")


def _pending_activation(request):
    """What the activation page is for: ``(registration, None, attempt)`` for a
    registration waiting for its code, ``(None, user, attempt)`` for an existing account
    that was never activated, or ``(None, None, None)``."""
    pending = request.session.get(ACTIVATION_KEY) or {}
    if "registration" in pending:
        registration = dataclasses.replace(
            _registration(pending["registration"]),
            language=pending["language"],
            consented_at=dt.datetime.fromisoformat(pending["consented_at"]),
        )
        return registration, None, pending["attempt"]
    user = user_by_pk(pending["user_id"]) if pending.get("user_id") else None
    if user is None or user.is_activated:
        return None, None, None
    return None, user, pending["attempt"]


_CODE_ERRORS = {AccountErrorCode.CODE_INVALID, AccountErrorCode.CODE_EXPIRED}


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def activate(request):
    """Enter the activation code sent by SMS: the account is made (or, for an account
    made without a proven mobile, activated)."""
    request.personal_page = True
    registration, user, attempt = _pending_activation(request)
    if registration is None and user is None:
        messages.info(request, _("Log in to finish activating your account."))
        return redirect("accounts:login")

    def activated(result):
        if isinstance(result, AccountError):
            return _activation_blocked(request, result)
        request.session.pop(ACTIVATION_KEY, None)
        request.session.pop(SESSION_KEY, None)
        messages.success(request, _("Your account is active. You can log in now."))
        return redirect("accounts:login")

    if registration is not None:

        def verify(code):
            try:
                return services.beneficiary_register(
                    registration=registration, attempt=attempt, code=code
                )
            except AccountError as error:
                if error.code in _CODE_ERRORS:
                    raise
                return error  # the code was right; an ID, username or email got taken meanwhile

        masked = mask_mobile(registration.mobile)
    else:

        def verify(code):
            return services.account_activate(user=user, attempt=attempt, code=code)

        masked = user.masked_mobile
    return code_page(
        request,
        masked_mobile=masked,
        verify=verify,
        template="accounts/activate.html",
        on_success=activated,
    )


def _activation_blocked(request, error: AccountError):
    """The right code, but the ID, username or email got an account since the review
    page: said to the person who proved the mobile registered to the ID, and they go
    where it can be put right (the code stays usable)."""
    messages.error(request, error.message)
    if error.code == AccountErrorCode.USERNAME_TAKEN:
        return redirect(reverse("accounts:register_account") + "?return=review")
    if error.code == AccountErrorCode.EMAIL_TAKEN:
        return redirect(reverse("accounts:register_contact") + "?return=review")
    request.session.pop(ACTIVATION_KEY, None)
    request.session.pop(SESSION_KEY, None)
    return redirect("accounts:login")


@login_not_required
@require_POST
@ratelimit(key=client_key, rate=rate("MUSANED_RATE_CODE_SEND"), method="POST", block=True)
def activate_resend(request):
    registration, user, attempt = _pending_activation(request)
    if registration is not None:
        return resend_code(
            request,
            send=lambda: services.registration_code_send(
                registration=registration, attempt=attempt, reuse=False
            ),
            masked_mobile=mask_mobile(registration.mobile),
            back="accounts:activate",
        )
    if user is None:
        return redirect("accounts:login")
    return resend_code(
        request,
        send=lambda: services.code_send(user=user, purpose=CodePurpose.ACTIVATION, attempt=attempt),
        masked_mobile=user.masked_mobile,
        back="accounts:activate",
    )
