from django.contrib import admin

from musaned.complaints.models import Holiday, ServiceLevel
from musaned.core.admin import AuditedChangeMixin


@admin.register(Holiday)
class HolidayAdmin(AuditedChangeMixin, admin.ModelAdmin):
    """Public holidays: every add, change and delete is audited with old and new values."""

    list_display = ["date", "name_en", "name_ar"]


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
