"""The back office's forms: queue filters, complaint actions, internal notes, the
quality-check decision and the contracts' filters. Rendered like every other form (musaned.core.forms)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from musaned.accounts.models import User
from musaned.backoffice.selectors import CONTRACT_STAGES, LATENESS
from musaned.complaints.models import Category
from musaned.complaints.permissions import officers
from musaned.complaints.workflow import STAFF_STATE_LABELS, ComplaintRow
from musaned.core.forms import Form, without_optional_mark
from musaned.identity.saudi_id import normalize_digits

# The queue's tabs, in the order they are shown (the first is the default).
TABS = {
    "new": _("New"),
    "mine": _("Assigned to me"),
    "waiting": _("Waiting for the beneficiary"),
    "overdue": _("Overdue"),
    "escalated": _("Escalated"),
    "all": _("All"),
}


class QueueFilterForm(Form):
    """The queue's filters (GET). A search looks through every complaint, whatever the tab."""

    tab = forms.ChoiceField(choices=list(TABS.items()), required=False, widget=forms.HiddenInput)
    q = forms.CharField(
        label=_("Complaint number or ID number"),
        required=False,
        max_length=20,
        help_text=_("Enter the whole number exactly."),
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric", "autocomplete": "off"}),
    )
    category = forms.ChoiceField(
        label=_("About"), choices=[("", _("Any")), *Category.choices], required=False
    )
    state = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *STAFF_STATE_LABELS.items()], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every filter is optional: no need to say so.
        without_optional_mark(*self.fields.values())

    def clean_q(self) -> str:
        return normalize_digits(self.cleaned_data.get("q") or "").strip()

    def clean_tab(self) -> str:
        return self.cleaned_data.get("tab") or next(iter(TABS))


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class ComplaintActionForm(Form):
    """One action of the complaint table (``row``); its fields are what the row takes: a
    message (with the row's label), or the officer to give the complaint to.

    Each form on the page has the action as its prefix, so several can be shown at once
    with distinct ids, and the one that failed comes back with what was typed.
    """

    def __init__(self, *args: Any, row: ComplaintRow, **kwargs: Any):
        kwargs.setdefault("prefix", str(row.action))
        super().__init__(*args, **kwargs)
        self.row = row
        self.action = str(row.action)
        self.title = row.title
        self.button = row.button or ""
        if row.message is not None:
            self.fields["message"] = forms.CharField(
                label=str(row.message_label),
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_(
                    "The beneficiary reads this on their complaint page; we tell them by SMS."
                ),
                error_messages={"required": _("Write the message.")},
            )
        if row.choose_officer:
            self.fields["assign_to"] = OfficerChoiceField(
                label=_("New officer"),
                queryset=officers(),
                empty_label=_("Choose"),
                error_messages={"required": _("Choose a staff member who handles complaints.")},
            )


class NoteForm(Form):
    body = forms.CharField(
        label=_("Internal note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only staff read it; the beneficiary never sees it."),
        error_messages={"required": _("Write the message.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "note")
        super().__init__(*args, **kwargs)


class QualityDecisionForm(Form):
    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[
            (APPROVE, _("Approve: the visa is issued")),
            (REJECT, _("Reject: the beneficiary may fix it and ask for a re-check")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose approve or reject.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you reject. The beneficiary reads it on their request."),
    )

    def clean_reason(self) -> str:
        return (self.cleaned_data.get("reason") or "").strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == self.REJECT and not cleaned.get("reason"):
            self.add_error("reason", _("Give the reason for the rejection."))
        return cleaned

    @property
    def approve(self) -> bool:
        return self.cleaned_data.get("decision") == self.APPROVE


class ContractFilterForm(Form):
    """The contracts list's filters (GET). A search looks through every contract, whatever
    the other filters say."""

    q = forms.CharField(
        label=_("Contract number or ID number"),
        required=False,
        max_length=20,
        help_text=_("Enter the whole number exactly."),
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric", "autocomplete": "off"}),
    )
    state = forms.ChoiceField(
        label=_("Stage"), choices=[("", _("Any")), *CONTRACT_STAGES.items()], required=False
    )
    late = forms.ChoiceField(
        label=_("Late"), choices=[("", _("Any")), *LATENESS.items()], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every filter is optional: no need to say so.
        without_optional_mark(*self.fields.values())

    def clean_q(self) -> str:
        return normalize_digits(self.cleaned_data.get("q") or "").strip()
