from django import forms
from django.utils.translation import gettext_lazy as _

from musaned.core.forms import Form


class TokenForm(Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=60,
        help_text=_("What the token is for, e.g. “office system”."),
    )
