"""The visa application's steps."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from musaned.core.captcha import CaptchaActionsMixin, VerificationCodeField
from musaned.core.forms import Form, without_optional_mark
from musaned.core.uploads import DocumentField
from musaned.identity.fields import SaudiIdField
from musaned.identity.saudi_id import normalize_digits
from musaned.visas.models import (
    ArrivalPoint,
    Nationality,
    Occupation,
    ProofType,
    VisaApplication,
    WorkerGender,
)


class OccupationSelect(forms.Select):
    """Each occupation's option says which worker genders it is open to
    (``data-genders="F"``), for the page's script to follow."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        occupation = getattr(value, "instance", None)
        if occupation is not None:
            option["attrs"]["data-genders"] = "".join(occupation.genders)
        return option


class OccupationField(forms.ModelChoiceField):
    """The occupations, each naming the one gender it is open to when it is only one."""

    widget = OccupationSelect

    def label_from_instance(self, obj) -> str:
        if obj.genders == [WorkerGender.FEMALE]:
            return _("%(occupation)s (female workers only)") % {"occupation": obj.name}
        if obj.genders == [WorkerGender.MALE]:
            return _("%(occupation)s (male workers only)") % {"occupation": obj.name}
        return obj.name


class GenderRadios(forms.RadioSelect):
    """The worker's gender; a gender the chosen occupation is not open to is shown
    disabled and never chosen (``open_to`` None: no occupation chosen yet)."""

    open_to: frozenset[str] | None = None

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if self.open_to is not None and value not in self.open_to:
            option["attrs"]["disabled"] = True
            option["attrs"].pop("checked", None)
            option["selected"] = False
        return option


class WorkerForm(Form):
    """Step 1: who the worker is and where they arrive.

    The worker's gender agrees with the occupation before anything is sent: the genders
    an occupation is not open to are disabled for the occupation chosen (or sent), the
    page's script follows the occupation as it changes, and without the script "Show
    the genders for this occupation" asks the server for the choices (see the view).
    A mismatch that is sent anyway is a field error, with everything else kept.
    """

    # The button that asks for the gender choices of the chosen occupation (no script).
    REFRESH = "refresh_genders"

    occupation = OccupationField(
        label=_("Occupation"),
        queryset=Occupation.objects.filter(is_active=True),
        empty_label=_("Choose"),
    )
    nationality = forms.ModelChoiceField(
        label=_("Worker's nationality"),
        queryset=Nationality.objects.filter(is_active=True),
        empty_label=_("Choose"),
    )
    worker_gender = forms.ChoiceField(
        label=_("Worker's gender"),
        choices=WorkerGender.choices,
        widget=GenderRadios,
        help_text=_("Some occupations are open to one gender only."),
    )
    arrival_point = forms.ModelChoiceField(
        label=_("Arrival point"),
        queryset=ArrivalPoint.objects.filter(is_active=True),
        empty_label=_("Choose"),
        help_text=_("The airport where the worker will land."),
    )

    def __init__(self, *args, owner_nationality: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_nationality = owner_nationality
        occupation = self._chosen_occupation()
        if occupation is not None:
            genders = self.fields["worker_gender"]
            genders.widget.open_to = frozenset(occupation.genders)
            if len(occupation.genders) == 1 and not self.is_bound:
                self.initial["worker_gender"] = occupation.genders[0]

    @classmethod
    def initial_from(cls, data) -> dict:
        """What was sent, as the initial values of a fresh form (no errors shown): the
        answer to "Show the genders for this occupation"."""
        return {name: data.get(name) for name in cls.base_fields if data.get(name)}

    def _chosen_occupation(self) -> Occupation | None:
        """The occupation sent (a bound form) or saved (initial), if it is a valid one."""
        field = self.fields["occupation"]
        if self.is_bound:
            value = field.widget.value_from_datadict(
                self.data, self.files, self.add_prefix("occupation")
            )
        else:
            value = self.initial.get("occupation")
        if isinstance(value, Occupation):
            return value
        if value in field.empty_values:
            return None
        try:
            return field.to_python(value)
        except forms.ValidationError:
            return None

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        occupation, gender = cleaned.get("occupation"), cleaned.get("worker_gender")
        if occupation and gender and gender not in occupation.genders:
            self.add_error(
                "worker_gender",
                _("%(occupation)s is open to %(gender)s workers only.")
                % {
                    "occupation": occupation.name,
                    "gender": WorkerGender(occupation.genders[0]).label.lower(),
                },
            )
        nationality = cleaned.get("nationality")
        if self.owner_nationality and nationality and nationality.code == self.owner_nationality:
            self.add_error(
                "nationality", _("Residents may not recruit a worker of their own nationality.")
            )
        return cleaned


def _riyals(label, help_text) -> forms.DecimalField:
    """An amount in riyals and halalas, typed left to right on the decimal keypad; not
    marked "(optional)": the salary or the balance is needed (``FinanceForm.clean``)."""
    field = forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=help_text,
    )
    field.widget.attrs.update({"inputmode": "decimal", "dir": "ltr"})
    without_optional_mark(field)
    return field


class FinanceForm(Form):
    """Step 2: financial capacity and documents."""

    proof_type = forms.ChoiceField(
        label=_("Financial proof"), choices=ProofType.choices, widget=forms.RadioSelect
    )
    monthly_salary = _riyals(_("Monthly salary (SAR)"), _("As on the salary certificate."))
    bank_balance = _riyals(_("Bank balance (SAR)"), _("As on the bank statement."))
    proof_document = DocumentField(
        label=_("Salary certificate or bank statement"),
        required=False,
        help_text=_("PDF, JPG or PNG, up to 5 MB."),
    )

    def __init__(self, *args, application: VisaApplication, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        # Not marked "(optional)": needed unless one is already attached (clean() checks).
        without_optional_mark(self.fields["proof_document"])
        if application.proof_document:
            self.fields["proof_document"].help_text = _(
                "A document is already attached. Upload another only to replace it."
            )
        occupation = application.occupation
        if occupation is not None and occupation.needs_document:
            self.fields["occupation_document"] = DocumentField(
                label=occupation.document_name,
                required=False,
                help_text=_("Needed for this occupation. PDF, JPG or PNG, up to 5 MB."),
            )
            without_optional_mark(self.fields["occupation_document"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("monthly_salary") is None and cleaned.get("bank_balance") is None:
            self.add_error("monthly_salary", _("Enter the monthly salary or the bank balance."))
        if not cleaned.get("proof_document") and not self.application.proof_document:
            self.add_error("proof_document", _("Attach the salary certificate or bank statement."))
        if (
            "occupation_document" in self.fields
            and not cleaned.get("occupation_document")
            and not self.application.occupation_document
        ):
            occupation = self.application.occupation
            self.add_error(
                "occupation_document",
                _("Attach the %(document)s.")
                % {"document": occupation.document_name if occupation else ""},
            )
        return cleaned


class DeclarationForm(Form):
    declaration = forms.BooleanField(
        label=_(
            "I declare that the information is correct, that I will treat the worker according to "
            "the domestic workers regulation, and that I accept the fee."
        ),
        error_messages={"required": _("Accept the declaration to submit.")},
    )


class ConfirmForm(Form):
    """An explicit confirmation for an action that cannot be undone."""

    confirm = forms.BooleanField(
        label=_("Yes, I understand this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm.")},
    )


class PublicInquiryForm(CaptchaActionsMixin, Form):
    """Anyone: the issued number and the sponsor's ID number, and the verification code."""

    issued_number = forms.CharField(
        label=_("Issued number (رقم الصادر)"),
        max_length=20,
        help_text=_("The 10-digit number printed on the visa as the issued number."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}),
    )
    national_id = SaudiIdField(
        label=_("Sponsor's ID number"),
        help_text=_("The national ID or iqama number of the employer who holds the visa."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["captcha"] = VerificationCodeField()

    def clean_issued_number(self):
        value = normalize_digits(self.cleaned_data["issued_number"])
        if not value.isascii() or not value.isdigit():
            raise forms.ValidationError(_("The issued number has digits only."))
        return value


class AccountInquiryForm(Form):
    query = forms.CharField(
        label=_("Request, visa or issued number, or your ID number"),
        max_length=20,
        help_text=_(
            "One of your request numbers, visa numbers or issued numbers (رقم الصادر), or "
            "your own ID number to list all your visas and requests."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}),
    )
