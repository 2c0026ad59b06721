"""People's accounts in the admin: every change through the audited services, every view
of an account audited. Which fields changed is recorded, not their values (a person's
own data); a password set here goes through ``password_set_by_staff``."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from musaned.accounts.models import User
from musaned.accounts.services import password_set_by_staff
from musaned.core.admin import AuditedChangeMixin, AuditedViewMixin

# Who is setting a password on the admin's password page (the form is made by Django,
# which gives it only the account): set for the length of that one request.
_acting: ContextVar[User | None] = ContextVar("musaned_admin_acting", default=None)


@contextmanager
def _acting_as(user: User) -> Iterator[None]:
    token = _acting.set(user)
    try:
        yield
    finally:
        _acting.reset(token)


class StaffPasswordChangeForm(AdminPasswordChangeForm):
    """Django's form, saved through the service (audited, sessions ended)."""

    def save(self, commit: bool = True) -> User:
        actor = _acting.get()
        if actor is None:
            raise RuntimeError("the admin's password form is saved only by UserAdmin")
        usable = self.cleaned_data.get("set_usable_password", True)
        return password_set_by_staff(
            actor=actor,
            user=self.user,
            new_password=self.cleaned_data["password1"] if usable else None,
        )


@admin.register(User)
class UserAdmin(AuditedViewMixin, AuditedChangeMixin, DjangoUserAdmin):
    audit_values = False
    change_password_form = StaffPasswordChangeForm
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
        *(DjangoUserAdmin.fieldsets or ()),
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

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        with _acting_as(request.user):  # type: ignore[arg-type]  # the admin signs staff in
            return super().user_change_password(request, id, form_url)
