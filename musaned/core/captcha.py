"""The seed's "visual verification code": django-simple-captcha with five digits in an
image, the same digits spoken aloud for people who cannot read it, and a new code on
request (docs/decisions/0006-spoken-code-as-captcha-alternative.md).

"Show a new code" and "Listen to the code" are submit buttons of the form the code is
in, so without JavaScript they still keep everything typed: ``CaptchaActionsMixin``
makes such a press an invalid form *without errors*, and the view's ordinary "not
valid: render the bound form again" path shows the page with the typed values and a
fresh code. (Password fields are the exception: browsers and Django never show a
password back.) With JavaScript (musaned/core/static/core/musaned.js) the same buttons
change the code in place, without sending the form.

A code can be tried only once (django-simple-captcha deletes it on every check).
"""

import logging
import re
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING

from captcha.fields import CaptchaField, CaptchaTextInput
from captcha.models import CaptchaStore
from django.contrib.auth.decorators import login_not_required
from django.forms.utils import ErrorDict
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from musaned.core import speech
from musaned.core.digits import normalize_digits
from musaned.core.ratelimits import client_key, rate

logger = logging.getLogger("musaned.captcha")

if TYPE_CHECKING:
    from django import forms

    _FormBase = forms.Form  # what the mixin is mixed into
else:
    _FormBase = object

REFRESH, LISTEN = "refresh", "audio"
ACTIONS = (REFRESH, LISTEN)


def digits_challenge() -> tuple[str, str]:
    """Five random digits: readable and speakable for Arabic and English speakers alike."""
    code = "".join(secrets.choice("23456789") for _ in range(5))
    return code, code


class VerificationCodeWidget(CaptchaTextInput):
    """The image, the spoken code (when asked for), the two buttons and the answer box.

    The buttons are named ``<field name>_action``; the spoken code stays shown after the
    next submit through a hidden ``<field name>_listen``.
    """

    template_name = "core/widgets/captcha.html"
    # One box to type in: its <label for> points at the answer input (id_…_1).
    use_fieldset = False

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs)
        # The answer box: digits, left to right (the hidden key input needs neither).
        self.widgets[1].attrs.update({"inputmode": "numeric", "dir": "ltr"})
        self.listen = False
        self.action = None

    def value_from_datadict(self, data, files, name):
        # Read again whenever the bound form is rendered: which button was pressed, and
        # was the spoken code asked for? (The page comes back with the focus on what was
        # pressed: the "new code" button, or the player.)
        self.action = data.get(f"{name}_action")
        self.listen = self.action == LISTEN or data.get(f"{name}_listen") == "1"
        return super().value_from_datadict(data, files, name)

    def audio_url(self):
        if not speech.available():
            return None
        return reverse("core:captcha-audio", kwargs={"key": self._key})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context.update(
            listen=self.listen,
            pressed=self.action if self.action in ACTIONS else None,  # the button pressed
            action_name=f"{name}_action",
            listen_name=f"{name}_listen",
            refresh=REFRESH,
            listen_action=LISTEN,
            refresh_url=self.refresh_url(),
        )
        return context


class VerificationCodeField(CaptchaField):
    default_error_messages = {
        "invalid": _("The verification code is not right. Please type the new code shown."),
        "required": _("Enter the verification code."),
        "incomplete": _("Enter the verification code."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Verification code"))
        kwargs["widget"] = VerificationCodeWidget()
        kwargs["error_messages"] = dict(self.default_error_messages)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        # Someone who heard the digits may type them in Arabic-Indic digits or with spaces.
        if isinstance(value, list) and len(value) == 2 and isinstance(value[1], str):
            value = [value[0], normalize_digits(value[1])]
        return super().clean(value)


class CaptchaActionsMixin(_FormBase):
    """For a form with a ``VerificationCodeField``: a press of "Show a new code" or
    "Listen to the code" (a submit button of this form) makes the form not valid, with no
    errors, so the view renders it again as typed, with a fresh code. The code it
    replaces is deleted. Put it first among the bases: ``class F(CaptchaActionsMixin, Form)``.

    A press of Enter in a field submits the form as its main button does (the widget puts
    an unnamed hidden submit button before its own); so the form's main button must not
    carry a name/value the view needs.
    """

    def _captcha_names(self) -> list[str]:
        return [
            self.add_prefix(name)
            for name, field in self.fields.items()
            if isinstance(field, VerificationCodeField)
        ]

    @property
    def captcha_action(self) -> str | None:
        """``"refresh"`` or ``"audio"`` when a captcha button sent the form, else None."""
        if not self.is_bound:
            return None
        for name in self._captcha_names():
            action = self.data.get(f"{name}_action")
            if action in ACTIONS:
                return action
        return None

    def full_clean(self):
        if self.captcha_action is None:
            return super().full_clean()
        self._errors = ErrorDict()
        self.cleaned_data = {}
        for name in self._captcha_names():
            key = self.data.get(f"{name}_0")
            if isinstance(key, str) and key:
                CaptchaStore.objects.filter(hashkey=key).delete()
        return None

    def is_valid(self) -> bool:
        return self.captcha_action is None and super().is_valid()


def unless_captcha_action(current_rate):
    """A django-ratelimit ``rate`` that does not count a press of a captcha button (the
    page only comes back with a new code: nothing is searched, checked or sent), so a
    person who needs a few codes is not locked out by them."""

    def rate_or_none(group, request):
        if request.method == "POST" and request.POST.get("captcha_action") in ACTIONS:
            return None
        return current_rate(group, request)

    return rate_or_none


def captcha_form_page(rate_setting: str) -> Callable[[Callable], Callable]:
    """The decorators of a public page whose form carries the verification code (the
    public visa inquiry, "forgot password"): open without signing in, never cached, GET
    and POST, and its POSTs counted per client address against the rate the setting
    ``rate_setting`` names, a press of a captcha button not counted (past the rate, the
    translated 429)."""

    def decorate(view: Callable) -> Callable:
        limited = ratelimit(
            key=client_key,
            rate=unless_captcha_action(rate(rate_setting)),
            method="POST",
            block=True,
        )(view)
        return login_not_required(never_cache(require_http_methods(["GET", "POST"])(limited)))

    return decorate


# --- The spoken code ---------------------------------------------------------------------

_RANGE = re.compile(r"bytes=([0-9]{0,15})-([0-9]{0,15})")


def _audio_response(request, body: bytes) -> HttpResponse:
    """The WAV file, whole or the one byte range asked for (Safari fetches media in
    ranges). A range that cannot be read is ignored (the whole file, as HTTP allows); one
    past the end is a 416."""
    size, status, headers = len(body), 200, {"Accept-Ranges": "bytes"}
    match = _RANGE.fullmatch(request.headers.get("Range", "").strip())
    if match and (match[1] or match[2]):
        if match[1]:
            start = int(match[1])
            end = min(int(match[2]), size - 1) if match[2] else size - 1
        else:
            start, end = max(0, size - int(match[2])), size - 1
        if start >= size or start > end:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        status, body = 206, body[start : end + 1]
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    response = HttpResponse(body, content_type="audio/wav", status=status, headers=headers)
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="verification-code.wav"'
    return response


@login_not_required
@never_cache
@require_safe
@ratelimit(key=client_key, rate=rate("MUSANED_RATE_CAPTCHA_AUDIO"), block=True)
def audio(request, key):
    """The code of a live captcha key, spoken digit by digit in the page's language.
    An unknown, used or expired key is a 404; so is every key when no engine is installed."""
    store = CaptchaStore.objects.filter(hashkey=key, expiration__gt=timezone.now()).first()
    if store is None or not speech.available():
        raise Http404
    try:
        wav = speech.speak_digits(store.challenge, language=get_language(), key=key)
    except speech.SpeechUnavailable as error:
        logger.error("the spoken verification code failed: %s", error)
        return HttpResponse(status=503, headers={"Retry-After": "5"})
    return _audio_response(request, wav)
