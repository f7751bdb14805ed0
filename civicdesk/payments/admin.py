"""Admin: billing accounts, bills and policies are editable; ledger, payments and refunds are read-only records."""

from __future__ import annotations

from django.contrib import admin

from .models import (
    AccountLink,
    AutopayDebit,
    AutopayMandate,
    AutopaySetup,
    Bill,
    BillingAccount,
    BillKindPolicy,
    BillLine,
    JournalEntry,
    Payment,
    Posting,
    ProviderEvent,
    Refund,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Money records change only through the ledger and payment services, never by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BillingAccount)
class BillingAccountAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "jurisdiction", "holder_name")
    list_filter = ("jurisdiction", "kind")
    search_fields = ("number",)


@admin.register(BillKindPolicy)
class BillKindPolicyAdmin(admin.ModelAdmin):
    list_display = ("jurisdiction", "kind", "late_fee_cents", "late_fee_basis_points", "autopay_notice_days")


class BillLineInline(admin.TabularInline):
    model = BillLine
    extra = 0
    can_delete = False
    readonly_fields = ("position", "description", "quantity", "unit_amount_cents", "amount_cents")


@admin.register(Bill)
class BillAdmin(ReadOnlyAdmin):
    list_display = ("number", "account", "issued_on", "due_on", "amount_cents", "voided_at")
    search_fields = ("number", "account__number")
    inlines = [BillLineInline]


class PostingInline(admin.TabularInline):
    model = Posting
    extra = 0
    can_delete = False
    readonly_fields = ("account", "billing_account", "bill", "amount_cents", "currency")


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "billing_account", "idempotency_key")
    list_filter = ("kind",)
    inlines = [PostingInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("reference", "account", "channel", "provider", "amount_cents", "status", "created_at")
    list_filter = ("status", "channel", "provider")
    search_fields = ("reference",)


admin.site.register(Refund, ReadOnlyAdmin)
admin.site.register(ProviderEvent, ReadOnlyAdmin)
admin.site.register(AutopayMandate, ReadOnlyAdmin)
admin.site.register(AutopayDebit, ReadOnlyAdmin)  # autopay (docs/payments-autopay.md)
admin.site.register(AutopaySetup, ReadOnlyAdmin)
admin.site.register(AccountLink, ReadOnlyAdmin)

# Bill import runs and billing-system keys (paybills: getting bills in).
from . import bill_admin  # noqa: E402,F401
