from django.contrib import admin

from musaned.visas.models import (
    ArrivalPoint,
    CapacityTier,
    Nationality,
    Occupation,
    RuleSet,
    VisaApplication,
)


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_en",
        "name_ar",
        "allows_male",
        "allows_female",
        "document_name_en",
        "is_active",
    ]
    list_editable = ["is_active"]


@admin.register(Nationality, ArrivalPoint)
class CatalogueAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ar", "is_active"]
    list_editable = ["is_active"]
    search_fields = ["code", "name_en", "name_ar"]


class CapacityTierInline(admin.TabularInline):
    model = CapacityTier
    extra = 0


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    """Add a new rule set with the date it takes effect; the one in force keeps deciding until then."""

    list_display = [
        "effective_from",
        "fee",
        "min_age",
        "validity_months",
        "fix_window_days",
        "note",
    ]
    inlines = [CapacityTierInline]


@admin.register(VisaApplication)
class VisaApplicationAdmin(admin.ModelAdmin):
    """Read-only: applications change only through the services (and the back office)."""

    list_display = ["reference", "owner", "state", "occupation", "visa_number", "issued_on"]
    list_filter = ["state"]
    search_fields = ["reference", "visa_number", "issued_number", "owner__national_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
