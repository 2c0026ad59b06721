"""The beneficiary's complaint forms."""

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from musaned.complaints.errors import ComplaintErrorCode as Code
from musaned.complaints.errors import complaint_error
from musaned.complaints.models import Category, ContactPreference
from musaned.complaints.workflow import MAX_FILES_PER_MESSAGE
from musaned.core.forms import Form
from musaned.core.uploads import DocumentsField
from musaned.offices.selectors import office_in_register


def _files_help() -> str:
    return ngettext(
        "Up to %(count)s file: PDF, JPG or PNG, at most 5 MB each.",
        "Up to %(count)s files: PDF, JPG or PNG, at most 5 MB each.",
        MAX_FILES_PER_MESSAGE,
    ) % {"count": MAX_FILES_PER_MESSAGE}


# Said in the language of each page that shows it, with the number that is enforced.
FILES_HELP = lazy(_files_help, str)()


def contract_label(contract) -> str:
    return f"{contract.number} — {contract.worker_name} — {contract.office.name} ({contract.get_state_display()})"


def visa_label(application) -> str:
    from musaned.visas.models import VisaState

    what = application.occupation.name if application.occupation else _("Visa request")
    number = application.visa_number or application.reference
    return f"{number} — {what} ({VisaState(application.state).label})"


class ComplaintForm(Form):
    category = forms.ChoiceField(
        label=_("What is it about?"), choices=Category.choices, widget=forms.RadioSelect
    )
    visa = forms.ChoiceField(
        label=_("Related visa"),
        required=False,
        help_text=_("Choose the visa or request it is about, if any."),
    )
    office = forms.ChoiceField(
        label=_("Recruitment office"),
        required=False,
        help_text=_(
            "For a complaint about an office. The office has a few working days to answer"
            " you; then the ministry steps in."
        ),
    )
    contract = forms.ChoiceField(
        label=_("Recruitment contract"),
        required=False,
        help_text=_(
            "If it is about one of your recruitment contracts with that office, choose it:"
            " the office and the ministry see where it stands."
        ),
    )
    subject = forms.CharField(label=_("Subject"), max_length=150)
    description = forms.CharField(
        label=_("Describe what happened"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Dates, names of offices and amounts help us answer faster."),
    )
    attachments = DocumentsField(
        label=_("Attachments"), max_files=MAX_FILES_PER_MESSAGE, help_text=FILES_HELP
    )
    contact_preference = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=ContactPreference.choices,
        widget=forms.RadioSelect,
        initial=ContactPreference.SMS,
    )

    def __init__(self, *args, visas=(), offices=(), contracts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.contracts = {str(contract.uid): contract for contract in contracts}
        contract = self.fields["contract"]
        assert isinstance(contract, forms.ChoiceField)
        if self.contracts:
            contract.choices = [("", _("None"))] + [
                (uid, contract_label(c)) for uid, c in self.contracts.items()
            ]
        else:
            del self.fields["contract"]  # nobody to name: not asked
        office = self.fields["office"]
        assert isinstance(office, forms.ChoiceField)
        office.choices = [("", _("Choose the office")), *offices]
        self.visas = {application.reference: application for application in visas}
        visa = self.fields["visa"]
        assert isinstance(visa, forms.ChoiceField)
        visa.choices = [("", _("None"))] + [
            (reference, visa_label(application)) for reference, application in self.visas.items()
        ]

    def clean_visa(self):
        reference = self.cleaned_data.get("visa")
        return self.visas.get(reference) if reference else None

    def clean_office(self):
        uid = self.cleaned_data.get("office")
        return office_in_register(uid=uid) if uid else None

    def clean_contract(self):
        uid = self.cleaned_data.get("contract")
        return self.contracts.get(uid) if uid else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("category") == "visa" and not cleaned.get("visa") and self.visas:
            self.add_error("visa", _("Choose the visa the complaint is about."))
        contract = cleaned.get("contract")
        if cleaned.get("category") == Category.OFFICE and contract is not None:
            office = cleaned.get("office")
            if office is None and "office" not in self.errors:
                cleaned["office"] = contract.office  # the contract says which office
            elif office is not None and office.pk != contract.office_id:
                self.add_error("contract", complaint_error(Code.CONTRACT_OTHER_OFFICE).message)
        office_missing = not cleaned.get("office") and "office" not in self.errors
        if cleaned.get("category") == Category.OFFICE and office_missing:
            self.add_error("office", _("Choose the recruitment office the complaint is about."))
        return cleaned


class ReplyForm(Form):
    message = forms.CharField(
        label=_("Your reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = DocumentsField(
        label=_("Attachments"), max_files=MAX_FILES_PER_MESSAGE, help_text=FILES_HELP
    )


class ReopenForm(Form):
    message = forms.CharField(
        label=_("Why is it not resolved?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AcceptAnswerForm(Form):
    """Accepting the office's answer takes no words: the button says it."""


class AskMinistryForm(Form):
    message = forms.CharField(
        label=_("Why is the office's answer not enough? (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachments = DocumentsField(
        label=_("Attachments"), max_files=MAX_FILES_PER_MESSAGE, help_text=FILES_HELP
    )


class OfficeAnswerForm(Form):
    message = forms.CharField(
        label=_("Your office's answer"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "The beneficiary reads it and accepts it, or asks the ministry to step in."
            " Say what you did or will do, and by when."
        ),
    )


class RatingForm(Form):
    rating = forms.TypedChoiceField(
        label=_("How well was your complaint resolved?"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("5 is very well, 1 is very badly."),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
