"""The recruitment journey in the admin. The standard contract's terms are a dated rule: a
new version is added for a future date and a version in force is read-only (every add,
change and delete audited, ``musaned/core/services.py``). Requests, offers, contracts and
the ledger change only through the services: read-only here."""

from django.contrib import admin

from musaned.core.admin import DatedRuleAdminMixin, ReadOnlyAdminMixin
from musaned.recruitment.models import (
    Contract,
    ContractTerms,
    LedgerEntry,
    Offer,
    RecruitmentRequest,
    RequestOffice,
    Signature,
    StageEvidence,
)


@admin.register(ContractTerms)
class ContractTermsAdmin(DatedRuleAdminMixin, admin.ModelAdmin):
    list_display = [
        "version",
        "effective_from",
        "delivery_days",
        "extension_days",
        "trial_days",
        "extension_compensation_percent",
        "late_compensation_percent",
        "release_on_arrival_percent",
    ]


class RequestOfficeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RequestOffice
    fields = ("office", "state", "due_at", "answered_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(RecruitmentRequest)
class RecruitmentRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "state", "owner", "occupation", "nationality", "offers_due_at"]
    list_filter = ["state", "visa_is_new"]
    search_fields = ["number"]
    list_select_related = ["owner", "occupation", "nationality"]
    inlines = [RequestOfficeInline]


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["request", "office", "state", "full_name", "price", "monthly_salary"]
    list_filter = ["state"]
    search_fields = ["request__number"]
    list_select_related = ["request", "office"]


class SignatureInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Signature
    fields = ("role", "signer", "method", "document_hash", "signed_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


class StageEvidenceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = StageEvidence
    fields = ("stage", "number", "flight_number", "flight_date", "arrival_date", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


class LedgerEntryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = LedgerEntry
    fields = ("created_at", "posting", "account", "kind", "amount", "memo")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "state", "clock", "beneficiary", "office", "total", "paid_on"]
    list_filter = ["state", "clock"]
    search_fields = ["number"]
    list_select_related = ["beneficiary", "office"]
    inlines = [SignatureInline, StageEvidenceInline, LedgerEntryInline]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "contract", "account", "kind", "amount", "memo"]
    list_filter = ["account", "kind"]
    search_fields = ["contract__number", "posting"]
    list_select_related = ["contract"]
