from django.contrib import admin

from musaned.complaints.models import ServiceLevel
from musaned.core.admin import AuditedChangeMixin


@admin.register(ServiceLevel)
class ServiceLevelAdmin(AuditedChangeMixin, admin.ModelAdmin):
    """Service levels: every add, change and delete is audited with old and new values."""

    list_display = [
        "effective_from",
        "first_answer_days",
        "resolution_days",
        "reopen_days",
        "office_answer_days",
    ]
