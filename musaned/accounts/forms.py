"""Forms for registration, activation, sign-in and passwords.

Forms check what can be checked from what was typed; the services check
against the registry and the database.
"""

import re

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from musaned.accounts.models import User
from musaned.accounts.selectors import email_taken, username_taken
from musaned.accounts.usernames import is_reserved_username
from musaned.core.captcha import CaptchaActionsMixin, VerificationCodeField
from musaned.core.forms import AccessibleBoundField, Form, without_optional_mark
from musaned.identity.fields import (
    GregorianDateField,
    HijriDateField,
    SaudiIdField,
    SaudiMobileField,
)
from musaned.identity.saudi_id import IdType, SaudiId, normalize_digits

_NAME_MAX = 60
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9._-]{3,29}")


NEW_PASSWORD_HELP = _("At least 10 characters. A long passphrase is easiest to remember.")


def new_password_field(label, **kwargs) -> forms.CharField:
    """A box for a new password: kept exactly as typed, and offered to password managers
    as a new one."""
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        **kwargs,
    )


def check_new_password(form: forms.Form, first: str, second: str, *, user: User | None) -> None:
    """The new password typed in ``first`` and again in ``second`` is the same twice and
    passes the password validators for ``user``; otherwise an error on the field."""
    password: str = form.cleaned_data.get(first) or ""
    if password != form.cleaned_data.get(second):
        form.add_error(second, _("The two passwords are not the same."))
        return
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        form.add_error(first, error)


class IdentityForm(Form):
    """Step 1: ID type and number, first and family name, date of birth."""

    id_type = forms.ChoiceField(
        label=_("ID type"), choices=IdType.choices, widget=forms.RadioSelect
    )
    national_id = SaudiIdField(
        label=_("National ID or iqama number"),
        help_text=_("10 digits. A citizen's national ID starts with 1, an iqama with 2."),
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=_NAME_MAX,
        help_text=_("As written on your ID, in Arabic or in English."),
    )
    family_name = forms.CharField(label=_("Family name"), max_length=_NAME_MAX)
    birth_date_hijri = HijriDateField(
        label=_("Date of birth (Hijri) — citizens"),
        required=False,
        help_text=_("Citizens enter the Hijri date (Umm al-Qura) from their national ID."),
    )
    birth_date_gregorian = GregorianDateField(
        label=_("Date of birth (Gregorian) — residents"),
        required=False,
        help_text=_("Residents enter the Gregorian date from their iqama."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["family_name"].widget.attrs["autocomplete"] = "family-name"
        # One of the two dates is required, depending on the ID type.
        without_optional_mark(self.fields["birth_date_hijri"], self.fields["birth_date_gregorian"])

    @staticmethod
    def initial_from(data: dict) -> dict:
        """Fill the form again from what the session kept."""
        initial = dict(data)
        birth = data.get("birth_date")
        key = (
            "birth_date_hijri" if data.get("id_type") == IdType.CITIZEN else "birth_date_gregorian"
        )
        initial[key] = birth
        return initial

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        id_type, national_id = cleaned.get("id_type"), cleaned.get("national_id")
        if id_type and national_id and SaudiId.parse(national_id).id_type != id_type:
            self.add_error(
                "national_id",
                _("A citizen's national ID starts with 1 and a resident's iqama with 2.")
                if id_type == IdType.CITIZEN
                else _(
                    "An iqama number starts with 2. A national ID starting with 1 is a citizen's."
                ),
            )
        if id_type == IdType.CITIZEN:
            field = "birth_date_hijri"
            message = _("Citizens enter the date of birth in the Hijri calendar.")
        else:
            field = "birth_date_gregorian"
            message = _("Residents enter the date of birth in the Gregorian calendar.")
        if id_type and field not in self.errors:
            if cleaned.get(field) is None:
                self.add_error(field, message)
            else:
                cleaned["birth_date"] = cleaned[field]
        return cleaned

    def session_data(self) -> dict:
        c = self.cleaned_data
        return {
            "id_type": c["id_type"],
            "national_id": c["national_id"],
            "first_name": " ".join(c["first_name"].split()),
            "family_name": " ".join(c["family_name"].split()),
            "birth_date": c["birth_date"].isoformat(),
        }


class VerificationForm(CaptchaActionsMixin, Form):
    """Step 2: the visual verification code."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["captcha"] = VerificationCodeField(
            help_text=_("Type the characters you see, so we know a person is registering."),
        )


class AccountForm(Form):
    """Step 3: username and password."""

    username = forms.CharField(
        label=_("Username"),
        max_length=30,
        help_text=_(
            "4 to 30 characters: English letters, digits, dot, dash or underscore, starting with a letter."
        ),
    )
    password1 = new_password_field(_("Password"), help_text=NEW_PASSWORD_HELP)
    password2 = new_password_field(_("Confirm the password"))

    def __init__(self, *args, identity: dict, has_password: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.identity = identity
        self.has_password = has_password
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "dir": "ltr", "spellcheck": "false"}
        )
        if has_password:
            for name in ("password1", "password2"):
                self.fields[name].required = False
            self.fields["password1"].help_text = _(
                "You already chose a password. Leave both boxes empty to keep it."
            )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if not _USERNAME.fullmatch(username):
            raise ValidationError(
                _(
                    "Use 4 to 30 English letters, digits, dots, dashes or underscores, starting with a letter."
                )
            )
        if is_reserved_username(username):
            raise ValidationError(
                _("This username is reserved for the platform. Choose another one."),
                code="reserved",
            )
        if username_taken(username):
            raise ValidationError(_("This username is taken. Choose another one."), code="taken")
        return username

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if self.has_password and not p1 and not p2:
            return cleaned
        if not p1:
            self.add_error("password1", _("Choose a password."))
            return cleaned
        candidate = User(
            username=cleaned.get("username", ""),
            first_name=self.identity.get("first_name", ""),
            last_name=self.identity.get("family_name", ""),
            national_id=self.identity.get("national_id"),
        )
        check_new_password(self, "password1", "password2", user=candidate)
        return cleaned


class ContactForm(Form):
    """Step 4: email and mobile."""

    email = forms.EmailField(label=_("Email address"), max_length=254)
    mobile = SaudiMobileField(
        label=_("Mobile number"),
        help_text=_(
            "The Saudi mobile registered to your ID, e.g. 0512345678. The activation code is sent to it."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "dir": "ltr"})

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email_taken(email):
            raise ValidationError(_("An account already uses this email address."), code="taken")
        return email.lower()


class ReviewForm(Form):
    """Step 5: confirm the data and agree to the privacy notice."""

    consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that my data is checked with the national registry and used to provide these services."
        ),
        error_messages={"required": _("To create an account, agree to the privacy notice.")},
    )


class CodeForm(Form):
    code = forms.CharField(
        label=_("Code from the SMS"),
        max_length=12,
        help_text=_("6 digits."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "dir": "ltr"}
        ),
    )

    def clean_code(self):
        code = "".join(normalize_digits(self.cleaned_data["code"]).split())
        if not re.fullmatch(r"[0-9]{6}", code):
            raise ValidationError(_("The code has 6 digits."))
        return code


class LoginForm(CaptchaActionsMixin, Form):
    username = forms.CharField(
        label=_("Username or ID number"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "dir": "ltr", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, with_captcha: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_captcha:
            self.fields["captcha"] = VerificationCodeField()


class PasswordForgotForm(CaptchaActionsMixin, Form):
    national_id = SaudiIdField(label=_("National ID or iqama number"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["captcha"] = VerificationCodeField()


class NewPasswordForm(CodeForm):
    """The reset code and the new password, twice."""

    new_password1 = new_password_field(_("New password"), help_text=NEW_PASSWORD_HELP)
    new_password2 = new_password_field(_("Confirm the new password"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("new_password1"):
            check_new_password(self, "new_password1", "new_password2", user=self.user)
        return cleaned


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    bound_field_class = AccessibleBoundField
    template_name_div = "core/forms/form.html"
