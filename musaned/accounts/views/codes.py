"""The two things every SMS-code page does: check a typed code, and send a new one."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from musaned.accounts.errors import AccountError
from musaned.accounts.forms import CodeForm


def code_page(request, *, masked_mobile: str, verify, template: str, on_success):
    """GET shows the code form; POST checks the code with ``verify(code)`` (which raises
    ``AccountError``) and answers ``on_success(result)`` if it is right."""
    if request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                result = verify(form.cleaned_data["code"])
            except AccountError as error:
                form.add_error("code", error.message)
            else:
                return on_success(result)
    else:
        form = CodeForm()
    return render(request, template, {"form": form, "masked_mobile": masked_mobile})


def resend_code(request, *, send, masked_mobile: str, back: str):
    """Send a fresh code with ``send()`` (the service enforces the limits) and go back."""
    try:
        send()
    except AccountError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("A new code was sent to %(mobile)s.") % {"mobile": masked_mobile}
        )
    return redirect(back)


def code_reused_message(request) -> None:
    """Said on the code page when no new code was sent because the last one still works."""
    messages.info(
        request,
        _("We did not send another code: the code we sent you last still works. Enter it below."),
    )
