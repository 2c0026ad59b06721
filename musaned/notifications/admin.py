from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from musaned.core.admin import AuditedViewMixin, ReadOnlyAdminMixin
from musaned.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, AuditedViewMixin, admin.ModelAdmin):
    """Read-only: the outbox is written by ``notify()`` and the send task only.

    Filter by status "failed" to see what was given up on, with the last error.
    Opening a row shows a person's mobile, email and message, so it is audited.
    """

    list_display = [
        "created_at",
        "subject",
        "state",
        "sms_sent",
        "email_sent",
        "attempts",
        "next_attempt_at",
    ]
    list_filter = ["state"]
    search_fields = ["key", "mobile", "email"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "key",
        "user",
        "mobile",
        "email",
        "subject",
        "body",
        "state",
        "sms_sent_at",
        "email_sent_at",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "updated_at",
    ]

    @admin.display(boolean=True, description=_("SMS sent"))
    def sms_sent(self, obj: Notification) -> bool | None:
        return obj.sms_sent_at is not None if obj.mobile else None

    @admin.display(boolean=True, description=_("email sent"))
    def email_sent(self, obj: Notification) -> bool | None:
        return obj.email_sent_at is not None if obj.email else None
