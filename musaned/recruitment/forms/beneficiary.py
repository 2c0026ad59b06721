"""The beneficiary's forms of the recruitment journey: what worker they wish for, the
offices to send the request to, declining every offer, ending a contract, the rating.
Each checks what a person typed; the services decide (``musaned/recruitment/services/``)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from musaned.core.forms import Form
from musaned.recruitment.errors import RecruitmentErrorCode as Code
from musaned.recruitment.errors import recruitment_error
from musaned.recruitment.models import MAX_OFFICES, Language, Religion
from musaned.recruitment.services.requests import MAX_AGE, MIN_AGE
from musaned.visas.forms import ConfirmForm, WorkerForm

MAX_EXPERIENCE = 40


def _number(label, *, low: int, high: int, help_text="") -> forms.IntegerField:
    field = forms.IntegerField(
        label=label, required=False, min_value=low, max_value=high, help_text=help_text
    )
    field.widget.attrs.update({"inputmode": "numeric", "dir": "ltr"})
    return field


class WishForm(WorkerForm):
    """Step 1 of "Recruit a worker": the occupation, the worker's nationality and gender
    (as in the visa's first step: a gender the occupation is not open to is refused, and
    residents may not recruit their own nationality), and the wishes the offices read."""

    arrival_point = None  # type: ignore[assignment]  # the visa asks for it; the request does not

    min_age = _number(_("Youngest age"), low=MIN_AGE, high=MAX_AGE)
    max_age = _number(
        _("Oldest age"),
        low=MIN_AGE,
        high=MAX_AGE,
        help_text=_("Workers are from 21 to 60 years old."),
    )
    min_experience_years = _number(_("Years of experience, at least"), low=0, high=MAX_EXPERIENCE)
    languages = forms.MultipleChoiceField(
        label=_("Languages the worker speaks"),
        required=False,
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    religion = forms.ChoiceField(
        label=_("Religion"),
        required=False,
        choices=[("", _("No preference")), *Religion.choices],
        help_text=_("Only if it matters to you."),
    )

    FIELDS = (
        "occupation",
        "nationality",
        "worker_gender",
        "min_age",
        "max_age",
        "min_experience_years",
        "languages",
        "religion",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        low, high = cleaned.get("min_age"), cleaned.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error("min_age", recruitment_error(Code.AGE_RANGE).message)
        return cleaned

    def wishes(self) -> dict[str, Any]:
        """What the request service takes, from a valid form."""
        data = self.cleaned_data
        return {
            "occupation": data["occupation"],
            "nationality": data["nationality"],
            "worker_gender": data["worker_gender"],
            "min_age": data.get("min_age"),
            "max_age": data.get("max_age"),
            "min_experience_years": data.get("min_experience_years"),
            "languages": list(data.get("languages") or ()),
            "religion": data.get("religion") or "",
        }


class OfficesField(forms.ModelMultipleChoiceField):
    """The offices ticked, by their opaque ids: anything that is not one of the offices
    listed is "choose from the offices listed" (not the UUID field's own wording)."""

    def _check_values(self, value: Any) -> Any:
        for key in value:
            try:
                uuid.UUID(str(key))
            except ValueError:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": key},
                ) from None
        return super()._check_values(value)  # type: ignore[misc]  # Django's, not in the stubs


class OfficeChoiceForm(Form):
    """Step 2: one office, or up to three, of those recruiting this nationality and
    occupation now (the page lists them with their price and scorecard)."""

    offices: OfficesField = OfficesField(
        label=_("Offices"),
        queryset=None,
        to_field_name="uid",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, offices: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["offices"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = offices
        count = recruitment_error(Code.OFFICE_COUNT, max=MAX_OFFICES).message
        field.error_messages.update(
            {
                "required": count,
                "invalid_choice": _("Choose from the offices listed."),
                "invalid_pk_value": _("Choose from the offices listed."),
            }
        )

    def clean_offices(self) -> list[Any]:
        chosen = list(self.cleaned_data["offices"])
        if len(chosen) > MAX_OFFICES:
            raise forms.ValidationError(
                recruitment_error(Code.OFFICE_COUNT, max=MAX_OFFICES).message
            )
        return chosen

    def chosen_uids(self) -> set[str]:
        """The offices ticked (valid or not), to keep them ticked when the page comes back."""
        data: Any = self.data
        return {str(value) for value in data.getlist(self.add_prefix("offices"))}


class DeclineForm(Form):
    reason = forms.CharField(
        label=_("Why do you decline every offer?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The offices read it."),
    )


class CancelContractForm(ConfirmForm):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TrialFailureForm(ConfirmForm):
    reason = forms.CharField(
        label=_("What went wrong?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The office reads it and must take the worker back."),
    )


class RatingForm(Form):
    rating = forms.TypedChoiceField(
        label=_("How well did the office serve you?"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("5 is very well, 1 is very badly. It counts in the office's scorecard."),
    )
