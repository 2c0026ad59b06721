"""The two things every SMS-code page does: check a typed code, and send a new one."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from musaned.accounts import services
from musaned.accounts.forms import CodeForm
from musaned.accounts.services import AccountError


def code_page(request, *, user, attempt: str, verify, template: str, on_success):
    """GET shows the code form; POST checks the code with
    ``verify(user=, attempt=, code=, request=)`` and calls ``on_success()`` if it is right."""
    if request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                verify(user=user, attempt=attempt, code=form.cleaned_data["code"], request=request)
            except AccountError as error:
                form.add_error("code", error.message)
            else:
                return on_success()
    else:
        form = CodeForm()
    return render(request, template, {"form": form, "masked_mobile": user.masked_mobile})


def resend_code(request, *, user, attempt: str, purpose, back: str):
    """Send a fresh code (the service enforces the per-account limits) and go back."""
    if user is None:
        return redirect("accounts:login")
    try:
        services.code_send(user=user, purpose=purpose, attempt=attempt, request=request)
    except AccountError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("A new code was sent to %(mobile)s.") % {"mobile": user.masked_mobile}
        )
    return redirect(back)
