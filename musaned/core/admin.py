"""The audit trail in the admin, and the mixins every app's admin is built from.

- ``ReadOnlyAdminMixin``: rows that change only through services (the audit trail, bills,
  payment events, the notification outbox, visa applications) are never added, changed
  or deleted by hand — on a model admin and on an inline alike.
- ``AuditedViewMixin``: opening a person's record is an audit event.
- ``AuditedChangeMixin``: what staff add, change or delete by hand goes through
  ``musaned/core/services.py`` (``admin_record_save`` / ``admin_record_delete``), with
  an audit row of who changed which fields from what to what.
- ``DatedRuleAdminMixin``: a dated rule (``effective_from``) in force is read-only — every
  field, its inlines, no delete — and a new one takes effect on a future date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db import models
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest, HttpResponse

from musaned.core import services
from musaned.core.models import AuditEvent, Holiday

if TYPE_CHECKING:
    _Base = admin.ModelAdmin[Any]
    _InlineBase = admin.options.InlineModelAdmin[Any, Any]
else:
    _Base = _InlineBase = object


class ReadOnlyAdminMixin:
    """Nothing added, changed or deleted by hand: the rows change only through services.
    (``obj`` is accepted by ``has_add_permission`` so inlines can use it too.)"""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedViewMixin(_Base):
    """Every staff view of a beneficiary's record in the admin is an audit event."""

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, object_id)
            if obj is not None:
                services.admin_record_view(actor=request.user, record=obj)  # type: ignore[arg-type]
        return response


def _related(form: ModelForm[Any]) -> dict[str, list[str]]:
    """The many-to-many fields the form changed, by the names of what they now hold."""
    many = {field.name for field in form.instance._meta.many_to_many}
    return {
        name: sorted(str(item) for item in form.cleaned_data.get(name) or ())
        for name in form.changed_data
        if name in many
    }


class AuditedChangeMixin(_Base):
    """Adds, changes and deletes by hand go through the audited core services.
    ``audit_values = False`` records which fields changed but not their values (a
    person's own data)."""

    audit_values = True

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.admin_record_save(
            actor=request.user,  # type: ignore[arg-type]  # the admin requires a signed-in user
            record=obj,
            values=self.audit_values,
            related=_related(form),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.admin_record_delete(
            actor=request.user,  # type: ignore[arg-type]
            record=obj,
            values=self.audit_values,
        )

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        services.admin_records_delete(
            actor=request.user,  # type: ignore[arg-type]
            records=list(queryset),
            values=self.audit_values,
        )

    def save_formset(
        self, request: HttpRequest, form: Any, formset: BaseModelFormSet[Any, Any], change: bool
    ) -> None:
        """Each inline row through the services too (``formset.save()`` would save them
        itself)."""
        self._save_formset(request, formset, owner=None)

    def _save_formset(
        self,
        request: HttpRequest,
        formset: BaseModelFormSet[Any, Any],
        *,
        owner: models.Model | None,
    ) -> None:
        formset.save(commit=False)
        actor = request.user
        for obj in formset.deleted_objects:
            if owner is None:
                services.admin_record_delete(actor=actor, record=obj)  # type: ignore[arg-type]
            else:
                services.dated_rule_delete(actor=actor, record=obj, rule=owner)  # type: ignore[arg-type]
        for obj in [*formset.new_objects, *(obj for obj, _names in formset.changed_objects)]:
            if owner is None:
                services.admin_record_save(actor=actor, record=obj)  # type: ignore[arg-type]
            else:
                services.dated_rule_save(actor=actor, record=obj, rule=owner)  # type: ignore[arg-type]
        formset.save_m2m()


class DatedRuleAdminMixin(AuditedChangeMixin):
    """A dated rule (``effective_from``) as ``musaned/core/services.py`` keeps it: once in
    force, the change page is the read-only view (every field, the inlines, no save, no
    delete); a rule added or edited takes effect on a future date (a field error says so)."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and services.in_force(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and services.in_force(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)

        class DatedRuleForm(form):  # type: ignore[misc,valid-type]
            def clean(self) -> dict[str, Any]:
                cleaned: dict[str, Any] = super().clean()
                date = cleaned.get(services.DATE_FIELD)
                if date is not None:
                    refusal = services.dated_rule_refusal(rule=self.instance, date=date)
                    if refusal is not None:
                        self.add_error(services.DATE_FIELD, str(refusal.message))
                return cleaned

        return DatedRuleForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.dated_rule_save(
            actor=request.user,  # type: ignore[arg-type]
            record=obj,
            related=_related(form),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.dated_rule_delete(actor=request.user, record=obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(
        self, request: HttpRequest, form: Any, formset: BaseModelFormSet[Any, Any], change: bool
    ) -> None:
        self._save_formset(request, formset, owner=form.instance)


class DatedRulePartInlineMixin(_InlineBase):
    """An inline of a dated rule's parts (a rule set's tiers): read-only once the rule is
    in force (``obj`` is the rule)."""

    def _frozen(self, obj: Any) -> bool:
        return obj is not None and services.in_force(obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ["created_at", "action", "actor", "target_type", "target_id", "ip_address"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "target_id"]
    date_hierarchy = "created_at"


@admin.register(Holiday)
class HolidayAdmin(AuditedChangeMixin, admin.ModelAdmin):
    """Public holidays (the working-day clocks skip them): every add, change and delete is
    audited with old and new values."""

    list_display = ["date", "name_en", "name_ar"]
