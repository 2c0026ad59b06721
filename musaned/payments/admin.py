"""Read-only: bills change only through services (callbacks, refunds, expiry), never by hand."""

from django.contrib import admin

from musaned.core.admin import ReadOnlyAdminMixin
from musaned.payments.models import Bill, PaymentEvent


class PaymentEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PaymentEvent
    fields = ("created_at", "kind", "provider_event_id", "amount")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Bill)
class BillAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "state", "amount", "owner", "subject_type", "due_at", "paid_at"]
    list_filter = ["state", "subject_type"]
    search_fields = ["number", "provider_reference", "subject_id"]
    date_hierarchy = "created_at"
    list_select_related = ["owner"]
    inlines = [PaymentEventInline]


@admin.register(PaymentEvent)
class PaymentEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "provider_event_id", "bill", "amount"]
    list_filter = ["kind"]
    search_fields = ["provider_event_id", "bill__number"]
    list_select_related = ["bill"]
