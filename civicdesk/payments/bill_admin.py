"""Admin for getting bills in: import runs (read-only records), billing-system keys (revoke by unticking)."""

from __future__ import annotations

from django.contrib import admin

from .admin import ReadOnlyAdmin
from .models import BillImportRun, BillingSystemKey


@admin.register(BillImportRun)
class BillImportRunAdmin(ReadOnlyAdmin):
    list_display = ["filename", "jurisdiction", "state", "rows_read", "bills_loaded", "bills_skipped",
                    "rows_rejected", "started_at"]
    list_filter = ["state", "jurisdiction"]


@admin.register(BillingSystemKey)
class BillingSystemKeyAdmin(admin.ModelAdmin):
    """Keys are issued by `manage.py billing_api_key` (the key is shown once); here they are listed and revoked."""

    list_display = ["name", "jurisdiction", "prefix", "is_active", "calls_per_minute", "last_used_at"]
    list_filter = ["is_active", "jurisdiction"]
    fields = ["name", "jurisdiction", "prefix", "is_active", "calls_per_minute", "created_at", "last_used_at"]
    readonly_fields = ["name", "jurisdiction", "prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        obj.log_action("payments.billing_key_changed", user=request.user,
                       data={"is_active": obj.is_active, "calls_per_minute": obj.calls_per_minute})
