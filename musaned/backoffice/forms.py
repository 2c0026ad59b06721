"""The back office's forms: queue filters, complaint actions, internal notes and the
quality-check decision. Rendered like every other form (musaned.core.forms)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from musaned.complaints.models import Category, ComplaintState
from musaned.complaints.workflow import HANDLE, MESSAGE_REQUIRED, Action
from musaned.core.forms import Form
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


# The states as staff read them ("Waiting for you" is the beneficiary's wording).
STAFF_STATE_LABELS = {
    **dict(ComplaintState.choices),
    ComplaintState.WAITING: _("Waiting for the beneficiary"),
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
        for field in self.fields.values():
            field.show_optional = False  # every filter is optional: no need to say so

    def clean_q(self) -> str:
        return normalize_digits(self.cleaned_data.get("q") or "").strip()

    def clean_tab(self) -> str:
        return self.cleaned_data.get("tab") or next(iter(TABS))


# What the message box is called for each action that carries a message.
MESSAGE_LABELS = {
    Action.ANSWER: _("Answer to the beneficiary"),
    Action.ASK_INFO: _("What information do you need?"),
    Action.RESOLVE: _("How the complaint was resolved"),
    Action.REJECT: _("Why it is outside what we handle"),
}
BUTTONS = {
    Action.TAKE: _("Take this complaint"),
    Action.ANSWER: _("Send the answer"),
    Action.ASK_INFO: _("Ask for information"),
    Action.RESOLVE: _("Resolve"),
    Action.REJECT: _("Reject as out of scope"),
    Action.REASSIGN: _("Reassign"),
}
TITLES = {
    Action.TAKE: _("Take it"),
    Action.ANSWER: _("Answer"),
    Action.ASK_INFO: _("Ask the beneficiary for information"),
    Action.RESOLVE: _("Resolve"),
    Action.REJECT: _("Reject"),
    Action.REASSIGN: _("Reassign to another officer"),
}
# The staff actions the back office offers (the others belong to the owner or the system).
STAFF_ACTIONS = tuple(BUTTONS)


def officers():
    """Active staff who may handle complaints (by group, own permission or superuser)."""
    users = get_user_model().objects.with_perm(
        HANDLE, backend="musaned.accounts.backends.UsernameOrNationalIdBackend"
    )
    return users.filter(is_active=True, is_staff=True).order_by("first_name", "username")


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class ComplaintActionForm(Form):
    """One action of the state table; its fields depend on the action.

    Each form on the page has the action as its prefix, so several can be shown at once
    with distinct ids, and the one that failed comes back with what was typed.
    """

    def __init__(self, *args, action: Action, **kwargs):
        kwargs.setdefault("prefix", str(action))
        super().__init__(*args, **kwargs)
        self.action = Action(action)
        self.title = TITLES.get(self.action, "")
        self.button = BUTTONS.get(self.action, "")
        if self.action in MESSAGE_REQUIRED:
            self.fields["message"] = forms.CharField(
                label=MESSAGE_LABELS[self.action],
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_(
                    "The beneficiary reads this on their complaint page; we tell them by SMS."
                ),
                error_messages={"required": _("Write the message.")},
            )
        if self.action == Action.REASSIGN:
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

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REJECT and not cleaned.get("reason"):
            self.add_error("reason", _("Give the reason for the rejection."))
        return cleaned

    @property
    def approve(self) -> bool:
        return self.cleaned_data.get("decision") == self.APPROVE
