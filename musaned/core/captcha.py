"""The seed's "visual verification code": django-simple-captcha with digits,
a "new code" link and a text question for people who cannot read the image.

Both modes are ordinary CaptchaStore rows, so one field validates either and a
code can be tried only once.
"""

import secrets

from captcha.fields import CaptchaField, CaptchaTextInput
from captcha.models import CaptchaStore
from django.utils.translation import gettext_lazy as _

MODES = ("image", "text")

NUMBER_WORDS = [
    _("zero"),
    _("one"),
    _("two"),
    _("three"),
    _("four"),
    _("five"),
    _("six"),
    _("seven"),
    _("eight"),
    _("nine"),
]


def digits_challenge() -> tuple[str, str]:
    """Five random digits: readable for Arabic and English speakers alike."""
    code = "".join(secrets.choice("23456789") for _ in range(5))
    return code, code


def sum_challenge() -> tuple[str, str]:
    """Two small numbers to add, asked in words (the accessible alternative)."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    return f"{a}+{b}", str(a + b)


class VerificationCodeWidget(CaptchaTextInput):
    template_name = "core/widgets/captcha.html"
    # One box to type in: its <label for> points at the answer input (id_…_1).
    use_fieldset = False

    def __init__(self, attrs=None, mode: str = "image"):
        self.mode = mode
        generator = "musaned.core.captcha.sum_challenge" if mode == "text" else None
        super().__init__(attrs=attrs, generator=generator)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["mode"] = self.mode
        if self.mode == "text":
            challenge = CaptchaStore.objects.get(hashkey=self._key).challenge
            a, b = (int(part) for part in challenge.split("+"))
            context["question"] = {"a": NUMBER_WORDS[a], "b": NUMBER_WORDS[b]}
        return context


class VerificationCodeField(CaptchaField):
    default_error_messages = {
        "invalid": _("The verification code is not right. Please type the new code shown."),
        "required": _("Enter the verification code."),
        "incomplete": _("Enter the verification code."),
    }

    def __init__(self, *args, mode: str = "image", **kwargs):
        kwargs.setdefault("label", _("Verification code"))
        kwargs["widget"] = VerificationCodeWidget(mode=mode if mode in MODES else "image")
        kwargs["error_messages"] = dict(self.default_error_messages)
        super().__init__(*args, **kwargs)


def captcha_mode(request) -> str:
    mode = request.GET.get("captcha", "image")
    return mode if mode in MODES else "image"
