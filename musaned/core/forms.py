"""How every form on the platform renders: labels, hints, errors beside fields
and an error summary at the top (GOV.UK's pattern), with the ARIA links between them."""

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting

from musaned.core.text import clean_text

# A label ending like this is a sentence: the summary adds no colon after it.
SENTENCE_ENDS = ("?", "؟", ".", "!")


class FormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


class AccessibleBoundField(forms.BoundField):
    @property
    def anchor_id(self) -> str:
        """Where an error-summary link jumps to: the field's first control."""
        widget = self.field.widget
        if isinstance(widget, forms.MultiWidget):
            return widget.id_for_label(self.auto_id) or f"{self.auto_id}_0"
        if isinstance(widget, forms.RadioSelect):
            return f"{self.auto_id}_0"
        return self.id_for_label or self.auto_id

    @property
    def summary_label(self) -> str:
        """How the error summary names the field: its label, then ": " (or a space after a
        label that ends a sentence, "What is it about?"). Empty for a field without one."""
        label = str(self.label or "").strip().rstrip(":").rstrip()
        if not label:
            return ""
        return f"{label} " if label.endswith(SENTENCE_ENDS) else f"{label}: "

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        described = attrs.get("aria-describedby", "").split()
        if self.help_text:
            described.append(f"{self.auto_id}_helptext")
        if self.form.is_bound and self.errors:
            described.append(f"{self.auto_id}_error")
            attrs["aria-invalid"] = "true"
        if described and not (widget or self.field.widget).use_fieldset:
            # Django may have added the help text id already: name each id once.
            attrs["aria-describedby"] = " ".join(dict.fromkeys(described))
        return attrs


def without_optional_mark(*fields: forms.Field) -> None:
    """Say nothing of these fields being optional (the field template reads
    ``show_optional``): one of two is required, or every filter of a search is optional."""
    for field in fields:
        field.show_optional = False  # type: ignore[attr-defined]  # read by field.html


class CleanTextMixin:
    """Every typed value is read without control and bidi-override characters
    (``musaned.core.text``), before any check and when the form is shown again: multi-line
    for a textarea, one line otherwise. Passwords are secrets and files are bytes: both
    are left exactly as sent.

    Django reads each field's value through ``Form._widget_data_value`` (for cleaning,
    showing again and ``has_changed``), so this is the one place.
    """

    def _widget_data_value(self, widget: forms.Widget, html_name: str) -> Any:
        # A private method of Django's forms, so django-stubs does not know it.
        value = super()._widget_data_value(widget, html_name)  # type: ignore[misc]
        if isinstance(widget, forms.PasswordInput | forms.FileInput):
            return value
        multiline = isinstance(widget, forms.Textarea)
        if isinstance(value, str):
            return clean_text(value, multiline=multiline)
        if isinstance(value, list | tuple):  # several controls (date parts, multiple choices)
            return [clean_text(v, multiline=multiline) if isinstance(v, str) else v for v in value]
        return value


class Form(CleanTextMixin, forms.Form):
    bound_field_class = AccessibleBoundField
    template_name_div = "core/forms/form.html"


class ModelForm(CleanTextMixin, forms.ModelForm):
    bound_field_class = AccessibleBoundField
