from django.contrib import admin

from musaned.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ["created_at", "action", "actor", "target_type", "target_id", "ip_address"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "target_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedViewMixin:
    """Every staff view of a beneficiary's record in the admin is an audit event."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            from django.db import transaction

            from musaned.core.audit import audit

            obj = self.get_object(request, object_id)
            if obj is not None:
                with transaction.atomic():
                    audit("admin.record_viewed", actor=request.user, target=obj)
        return response
