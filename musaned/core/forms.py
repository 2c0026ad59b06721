"""How every form on the platform renders: labels, hints, errors beside fields
and an error summary at the top (GOV.UK's pattern), with the ARIA links between them."""

from django import forms
from django.forms.renderers import TemplatesSetting

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


class Form(forms.Form):
    bound_field_class = AccessibleBoundField
    template_name_div = "core/forms/form.html"


class ModelForm(forms.ModelForm):
    bound_field_class = AccessibleBoundField
