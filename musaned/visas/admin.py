from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from musaned.core.admin import (
    AuditedChangeMixin,
    AuditedViewMixin,
    DatedRuleAdminMixin,
    DatedRulePartInlineMixin,
    ReadOnlyAdminMixin,
)
from musaned.core.errors import ApplicationError
from musaned.visas.models import (
    ArrivalPoint,
    CapacityTier,
    Nationality,
    Occupation,
    RuleSet,
    VisaApplication,
    VisaState,
)
from musaned.visas.permissions import DECIDE_VISA_APPLICATIONS as DECIDE
from musaned.visas.services import visa_application_review


@admin.register(Occupation)
class OccupationAdmin(AuditedChangeMixin, admin.ModelAdmin):
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
class CatalogueAdmin(AuditedChangeMixin, admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ar", "is_active"]
    list_editable = ["is_active"]
    search_fields = ["code", "name_en", "name_ar"]


class CapacityTierInline(DatedRulePartInlineMixin, admin.TabularInline):
    model = CapacityTier
    extra = 0


@admin.register(RuleSet)
class RuleSetAdmin(DatedRuleAdminMixin, admin.ModelAdmin):
    """Add a new rule set with the date it takes effect; the one in force keeps deciding
    until then. A rule set in force (``effective_from`` today or earlier) is read-only,
    tiers included, and cannot be deleted; every add, change and delete is audited with
    the old and new values (``musaned/core/services.py``)."""

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
class VisaApplicationAdmin(ReadOnlyAdminMixin, AuditedViewMixin, admin.ModelAdmin):
    """Read-only: applications change only through the services. Besides the back office's
    quality-check queue, a reviewer may decide applications with the two actions here,
    which call the same service (and check the same permission)."""

    list_display = ["reference", "owner", "state", "occupation", "visa_number", "issued_on"]
    list_filter = ["state"]
    search_fields = ["reference", "visa_number", "issued_number", "owner__national_id"]
    actions = ["approve_selected", "reject_selected"]
    # The QR code's token opens the public verification page: it is the owner's to hand
    # out (on the printed e-visa), so nobody reads it here.
    exclude = ["verification_token"]

    def get_queryset(self, request):
        """Staff see requests once submitted: a draft (or a discarded one) is the
        beneficiary's own unfinished work. Superusers, who run the system, see all."""
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        return rows.exclude(state__in=[VisaState.DRAFT, VisaState.WITHDRAWN])

    @admin.action(description=_("Approve the selected requests in quality check"))
    def approve_selected(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(
        description=_("Reject the selected requests in quality check (documents not acceptable)")
    )
    def reject_selected(self, request, queryset):
        self._decide(request, queryset, approve=False)

    def _decide(self, request, queryset, *, approve: bool) -> None:
        done = 0
        for application in queryset.filter(state=VisaState.IN_REVIEW):
            try:
                visa_application_review(
                    application=application,
                    actor=request.user,
                    approve=approve,
                    reason="" if approve else str(_("The document could not be accepted.")),
                )
            except ApplicationError as error:
                self.message_user(
                    request, f"{application.reference}: {error.message}", messages.ERROR
                )
            else:
                done += 1
        self.message_user(
            request,
            ngettext("%(count)s request decided.", "%(count)s requests decided.", done)
            % {"count": done},
        )

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("visas.view_visaapplication") or request.user.has_perm(DECIDE)
