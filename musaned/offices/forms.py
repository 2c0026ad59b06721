"""The offices' forms: the directory's filters, the licensing officer's register and
decisions, the office's profile, price list and team, the ceilings and VAT."""

from __future__ import annotations

from typing import cast

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from musaned.core.digits import normalize_digits
from musaned.core.forms import Form
from musaned.identity.fields import SaudiIdField, SaudiMobileField
from musaned.offices.models import CR_NUMBER, City, SanctionGround
from musaned.offices.selectors import SORT_NAME, SORT_ON_TIME, SORT_PRICE, SORT_RATING
from musaned.offices.workflow import MAX_PENALTY_POINTS, OfficeRow
from musaned.visas.models import Nationality, Occupation

DATE = {"type": "date"}


class NameChoiceField(forms.ModelChoiceField):
    """A catalogue entry chosen by its code, labelled in the page's language."""

    def label_from_instance(self, obj):
        return obj.name


class NamesMultipleField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name


def office_phone(value: str) -> str:
    """A Saudi phone number (landline or mobile), stored in E.164."""
    raw = normalize_digits(value or "").strip()
    try:
        number = phonenumbers.parse(raw, "SA")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or number.country_code != 966 or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a Saudi phone number such as 0112345678 or 0512345678."), code="invalid"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class PhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel", "dir": "ltr"})

    def clean(self, value):
        value = super().clean(value)
        return office_phone(value) if value else value

    def prepare_value(self, value):
        if isinstance(value, str) and value.startswith("+966"):
            return "0" + value[4:]
        return value


class DigitsField(forms.CharField):
    """Digits typed in either script, kept in ASCII."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_digits(value).replace(" ", "") if value else value


# --- The public directory ------------------------------------------------------------------


SORT_CHOICES = [
    (SORT_NAME, _("Name")),
    (SORT_PRICE, _("Price, lowest first")),
    (SORT_RATING, _("Rating, highest first")),
    (SORT_ON_TIME, _("On-time arrivals, highest first")),
]


class DirectoryFilterForm(Form):
    city = NameChoiceField(
        label=_("City"),
        queryset=City.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("All cities"),
    )
    nationality = NameChoiceField(
        label=_("Nationality of the worker"),
        queryset=Nationality.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("All nationalities"),
    )
    occupation = NameChoiceField(
        label=_("Occupation"),
        queryset=Occupation.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("All occupations"),
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        for name, key in (("city", "cities"), ("nationality", "nationalities")):
            cast(forms.ModelChoiceField, self.fields[name]).queryset = choices[key]
        cast(forms.ModelChoiceField, self.fields["occupation"]).queryset = choices["occupations"]
        for field in self.fields.values():
            field.show_optional = False  # type: ignore[attr-defined]  # read by field.html

    def filters(self) -> dict:
        """The valid filters: an invalid one is left out (its error is shown), the others
        still apply."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "city": data.get("city"),
            "nationality": data.get("nationality"),
            "occupation": data.get("occupation"),
            "sort": data.get("sort") or SORT_NAME,
        }


# --- Licensing officers ----------------------------------------------------------------------


class OfficeRegisterForm(Form):
    name_ar = forms.CharField(label=_("Name in Arabic"), max_length=150)
    name_en = forms.CharField(label=_("Name in English"), max_length=150)
    licence_number = forms.CharField(label=_("Licence number"), max_length=30)
    licence_expires_on = forms.DateField(
        label=_("Licence valid until"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    cr_number = DigitsField(
        label=_("Commercial registration number"),
        max_length=20,
        validators=[CR_NUMBER],
        help_text=_("10 digits."),
    )
    city = NameChoiceField(label=_("City"), queryset=City.objects.all(), to_field_name="code")
    address = forms.CharField(label=_("Address"), max_length=300)
    phone = PhoneField(label=_("Phone"))
    email = forms.EmailField(label=_("Email"))
    nationalities = NamesMultipleField(
        label=_("Nationalities it recruits"), queryset=Nationality.objects.filter(is_active=True)
    )
    occupations = NamesMultipleField(
        label=_("Occupations it recruits"), queryset=Occupation.objects.filter(is_active=True)
    )
    bank_guarantee = forms.DecimalField(
        label=_("Bank guarantee (SAR)"), min_value=0, max_digits=12, decimal_places=2
    )
    manager_national_id = SaudiIdField(
        label=_("The manager's ID number"),
        help_text=_(
            "The manager accepts the invitation after signing in to Musaned with this ID number."
        ),
    )

    def clean_licence_expires_on(self):
        value = self.cleaned_data["licence_expires_on"]
        if value <= timezone.localdate():
            raise ValidationError(_("The licence must be valid after today."), code="past")
        return value


class OfficeActionForm(Form):
    """The form of one officer's action: the fields its row asks for (``OfficeRow.fields``)."""

    expires_on = forms.DateField(
        label=_("Licence valid until"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    points = forms.IntegerField(
        label=_("Penalty points"), min_value=1, max_value=MAX_PENALTY_POINTS
    )
    until = forms.DateField(
        label=_("Suspended until (last day)"),
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
    )
    ground = forms.ChoiceField(label=_("Ground"), choices=SanctionGround.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The office reads it; the public sees only the ground."),
    )

    def __init__(self, *args, row: OfficeRow, **kwargs):
        kwargs.setdefault("prefix", str(row.action))
        super().__init__(*args, **kwargs)
        self.row = row
        for name in list(self.fields):
            if name not in row.fields:
                del self.fields[name]
        if "reason" in self.fields and not row.reason_required:
            self.fields["reason"].required = False
            self.fields["reason"].help_text = ""

    def payload(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("reason", None)
        return data


class ManagerInviteForm(Form):
    national_id = SaudiIdField(label=_("The new manager's ID number"))


class CeilingForm(Form):
    nationality = NameChoiceField(
        label=_("Nationality"),
        queryset=Nationality.objects.filter(is_active=True),
        to_field_name="code",
    )
    occupation = NameChoiceField(
        label=_("Occupation"),
        queryset=Occupation.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        empty_label=_("Every occupation without its own ceiling"),
    )
    amount = forms.DecimalField(
        label=_("Ceiling before VAT (SAR)"), min_value=1, max_digits=10, decimal_places=2
    )
    effective_from = forms.DateField(
        label=_("Takes effect on"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("Who published it and when, e.g. the ministry's circular."),
    )
    source_url = forms.URLField(
        label=_("Source address"), max_length=500, required=False, assume_scheme="https"
    )


class VatForm(Form):
    percent = forms.DecimalField(
        label=_("VAT rate (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    effective_from = forms.DateField(
        label=_("Takes effect on"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    source = forms.CharField(label=_("Source"), max_length=300)
    source_url = forms.URLField(
        label=_("Source address"), max_length=500, required=False, assume_scheme="https"
    )


# --- The office portal ----------------------------------------------------------------------


class ProfileForm(Form):
    phone = PhoneField(label=_("Phone"))
    email = forms.EmailField(label=_("Email"))
    address = forms.CharField(label=_("Address"), max_length=300)
    nationalities = NamesMultipleField(
        label=_("Nationalities we recruit"), queryset=Nationality.objects.filter(is_active=True)
    )
    occupations = NamesMultipleField(
        label=_("Occupations we recruit"), queryset=Occupation.objects.filter(is_active=True)
    )


class PriceForm(Form):
    nationality = NameChoiceField(
        label=_("Nationality of the worker"),
        queryset=Nationality.objects.none(),
        to_field_name="code",
    )
    occupation = NameChoiceField(
        label=_("Occupation"), queryset=Occupation.objects.none(), to_field_name="code"
    )
    amount = forms.DecimalField(
        label=_("Price before VAT (SAR)"),
        min_value=0.01,
        max_digits=10,
        decimal_places=2,
        help_text=_("The directory shows it with VAT. It may not be above the ministry's ceiling."),
    )
    days_to_arrival = forms.IntegerField(
        label=_("Expected days to arrival"), min_value=1, max_value=365
    )

    def __init__(self, *args, office, fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        nationality = cast(forms.ModelChoiceField, self.fields["nationality"])
        nationality.queryset = office.nationalities.filter(is_active=True)
        occupation = cast(forms.ModelChoiceField, self.fields["occupation"])
        occupation.queryset = office.occupations.filter(is_active=True)
        if fixed:  # changing one price: its nationality and occupation stay
            for name in ("nationality", "occupation"):
                self.fields[name].disabled = True
        for name in ("amount", "days_to_arrival"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "dir": "ltr"})


class EmployeeInviteForm(Form):
    national_id = SaudiIdField(label=_("ID number"))
    mobile = SaudiMobileField(
        label=_("Mobile"),
        help_text=_("The mobile registered to this ID number; the invitee's account must have it."),
    )
