"""The card form on the local provider's hosted card page (the simulator).

It checks what a real provider's page checks before it asks the issuer: a name, a card
number that passes the Luhn check, an expiry date not in the past and a 3- or 4-digit
security code. Nothing of the card is stored, logged or sent to the platform: the
platform only hears, in the signed callback, that the bill was paid by card.
"""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from musaned.core.digits import luhn_ok, normalize_digits
from musaned.core.forms import Form

_EXPIRY = re.compile(r"(0[1-9]|1[0-2])/?([0-9]{2})")


def _text(*, autocomplete: str, numeric: bool = False) -> forms.TextInput:
    attrs = {"autocomplete": autocomplete, "spellcheck": "false"}
    if numeric:
        attrs |= {"inputmode": "numeric", "dir": "ltr"}
    return forms.TextInput(attrs=attrs)


class CardForm(Form):
    name = forms.CharField(
        label=_("Name on the card"),
        max_length=60,
        widget=_text(autocomplete="cc-name"),
    )
    number = forms.CharField(
        label=_("Card number"),
        max_length=30,
        widget=_text(autocomplete="cc-number", numeric=True),
    )
    expiry = forms.CharField(
        label=_("Expiry date"),
        help_text=_("Month and year, as on the card: MM/YY."),
        max_length=7,
        widget=_text(autocomplete="cc-exp", numeric=True),
    )
    cvc = forms.CharField(
        label=_("Security code"),
        help_text=_(
            "The 3 digits on the back of the card (4 on the front of an American Express card)."
        ),
        max_length=4,
        widget=_text(autocomplete="cc-csc", numeric=True),
    )

    def clean_number(self) -> str:
        number = normalize_digits(self.cleaned_data["number"])
        if not (
            number.isascii() and number.isdigit() and 12 <= len(number) <= 19 and luhn_ok(number)
        ):
            raise forms.ValidationError(
                _("Enter the card number as it is on the card: 12 to 19 digits."), code="invalid"
            )
        return number

    def clean_expiry(self) -> tuple[int, int]:
        expiry = normalize_digits(self.cleaned_data["expiry"]).replace(" ", "")
        match = _EXPIRY.fullmatch(expiry)
        if match is None:
            raise forms.ValidationError(
                _("Enter the expiry date as on the card, for example 08/29."), code="invalid"
            )
        month, year = int(match[1]), 2000 + int(match[2])
        today = timezone.localdate()
        if (year, month) < (today.year, today.month):
            raise forms.ValidationError(_("This card has expired."), code="expired")
        return month, year

    def clean_cvc(self) -> str:
        cvc = normalize_digits(self.cleaned_data["cvc"])
        if not (cvc.isascii() and cvc.isdigit() and len(cvc) in (3, 4)):
            raise forms.ValidationError(
                _("Enter the 3 or 4 digits of the security code."), code="invalid"
            )
        return cvc
