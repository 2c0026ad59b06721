from django.contrib import admin

from musaned.complaints.models import Holiday, ServiceLevel


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name_en", "name_ar"]


@admin.register(ServiceLevel)
class ServiceLevelAdmin(admin.ModelAdmin):
    list_display = ["effective_from", "first_answer_days", "resolution_days", "reopen_days"]
