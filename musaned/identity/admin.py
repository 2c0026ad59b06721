from django.contrib import admin

from musaned.core.admin import AuditedChangeMixin, AuditedViewMixin
from musaned.identity.models import RegistryPerson


@admin.register(RegistryPerson)
class RegistryPersonAdmin(AuditedViewMixin, AuditedChangeMixin, admin.ModelAdmin):
    """The local registry's people (``import_registry`` loads them). A person's data:
    opening one is audited, and a change records which fields changed, not their values."""

    audit_values = False
    list_display = [
        "national_id",
        "id_type",
        "first_name_en",
        "family_name_en",
        "birth_date",
        "nationality",
        "disability_exemption",
        "unpaid_traffic_violations",
    ]
    list_filter = ["id_type", "nationality", "disability_exemption", "unpaid_traffic_violations"]
    search_fields = [
        "national_id",
        "first_name_en",
        "family_name_en",
        "first_name_ar",
        "family_name_ar",
    ]
