from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from musaned.accounts.models import User
from musaned.core.admin import AuditedViewMixin


@admin.register(User)
class UserAdmin(AuditedViewMixin, DjangoUserAdmin):
    list_display = [
        "username",
        "national_id",
        "id_type",
        "first_name",
        "last_name",
        "activated_at",
        "is_staff",
    ]
    list_filter = ["id_type", "is_staff", "is_active"]
    search_fields = ["username", "national_id", "email", "first_name", "last_name"]
    readonly_fields = [
        "national_id",
        "id_type",
        "activated_at",
        "privacy_notice_version",
        "privacy_consent_at",
    ]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (
            _("Beneficiary"),
            {
                "fields": [
                    "national_id",
                    "id_type",
                    "birth_date",
                    "mobile",
                    "preferred_language",
                    "activated_at",
                    "privacy_notice_version",
                    "privacy_consent_at",
                ]
            },
        ),
    ]
