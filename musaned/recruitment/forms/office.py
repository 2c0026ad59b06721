"""The office's forms in its portal (views/office.py): an offer with the worker's CV, the
office's refusal of a request, and the evidence of each stage of a contract.

The forms read what was typed (types, lengths, choices from the lists); every rule of the
journey (the worker's age, the passport's shape, the listed price and the ceiling, the
window, the visa number, the flight's date, the arrival date) is the service's, whose
refusal the view puts beside the field it names, keeping what was typed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from musaned.core.forms import Form
from musaned.core.uploads import DocumentField
from musaned.recruitment.models import Language, MaritalStatus, Religion
from musaned.recruitment.workflow.contract import Evidence
from musaned.visas.models import ArrivalPoint

DATE = {"type": "date"}
LTR_NUMBER = {"inputmode": "decimal", "dir": "ltr"}


def _date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"), **kwargs
    )


class PhotoField(DocumentField):
    """The worker's photo: a JPG or PNG picture, checked like every upload (by content,
    size, and written afresh from its pixels)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        checked = super().clean(data, initial)
        if checked and getattr(checked, "sniffed_type", "") not in ("image/jpeg", "image/png"):
            raise forms.ValidationError(_("The photo is a JPG or PNG picture."), code="type")
        return checked


class OfferForm(Form):
    """An offer on a request: the worker's CV (her nationality is the request's), the
    monthly salary, the price before VAT and the expected days to arrival."""

    full_name = forms.CharField(
        label=_("Worker's full name"),
        max_length=150,
        help_text=_("As in the passport."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "auto"}),
    )
    passport_number = forms.CharField(
        label=_("Passport number"),
        max_length=40,
        help_text=_("5 to 20 letters and digits."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr"}),
    )
    date_of_birth = _date_field(_("Date of birth"))
    religion = forms.ChoiceField(label=_("Religion"), choices=Religion.choices)
    marital_status = forms.ChoiceField(label=_("Marital status"), choices=MaritalStatus.choices)
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    experience_years = forms.IntegerField(
        label=_("Years of experience"),
        min_value=0,
        max_value=40,
        widget=forms.NumberInput(attrs=LTR_NUMBER),
    )
    experience_kind = forms.CharField(
        label=_("Experience"),
        max_length=300,
        required=False,
        help_text=_("What work, where and when (for example: housemaid in Riyadh, 2019–2023)."),
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    skills = forms.CharField(
        label=_("Skills"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    photo = PhotoField(
        label=_("Photo of the worker"),
        help_text=_("A recent JPG or PNG picture of the face."),
    )
    monthly_salary = forms.DecimalField(
        label=_("Monthly salary (SAR)"),
        max_digits=8,
        decimal_places=2,
        widget=forms.TextInput(attrs=LTR_NUMBER),
    )
    price = forms.DecimalField(
        label=_("Price before VAT (SAR)"),
        max_digits=10,
        decimal_places=2,
        widget=forms.TextInput(attrs=LTR_NUMBER),
    )
    days_to_arrival = forms.IntegerField(
        label=_("Expected days to arrival"),
        widget=forms.NumberInput(attrs=LTR_NUMBER),
    )

    def __init__(self, *args, price_hint: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if price_hint:
            self.fields["price"].help_text = price_hint


class DeclineForm(Form):
    reason = forms.CharField(
        label=_("Why you cannot supply such a worker"),
        max_length=1000,
        help_text=_("The beneficiary reads it."),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )


# --- The stages ---------------------------------------------------------------------------


class VisaNumberForm(Form):
    number = forms.CharField(
        label=_("Visa number"),
        max_length=40,
        help_text=_("The number of the visa this contract uses, as on the e-visa."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr", "inputmode": "numeric"}),
    )


class DocumentEvidenceForm(Form):
    document = DocumentField(
        label=_("The document"),
        required=False,
        help_text=_("A PDF, JPG or PNG file."),
    )
    number = forms.CharField(
        label=_("Or its number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr"}),
    )


class FlightForm(Form):
    flight_number = forms.CharField(
        label=_("Flight number"),
        max_length=10,
        help_text=_("For example SV871."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr"}),
    )
    flight_date = _date_field(_("Flight date"))


class ArrivalPointField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ArrivalForm(Form):
    arrival_date = _date_field(_("Arrival date"))
    arrival_point = ArrivalPointField(
        label=_("Arrival point"),
        queryset=ArrivalPoint.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=_("Choose the airport"),
    )


STAGE_FORMS: dict[str, type[Form]] = {
    Evidence.VISA_NUMBER: VisaNumberForm,
    Evidence.DOCUMENT: DocumentEvidenceForm,
    Evidence.FLIGHT: FlightForm,
    Evidence.ARRIVAL: ArrivalForm,
}


class SignForm(Form):
    confirm = forms.BooleanField(
        label=_("I have read the contract and sign it for the office."),
        error_messages={"required": _("Confirm that you have read the contract.")},
    )
