"""Operators configure each jurisdiction's exemption reasons (with their statutes) and each records type's policy
here; staff work on requests in the staff console (/staff/records/)."""

from django.contrib import admin

from .models import ExemptionReason, RecordsPolicy


@admin.register(ExemptionReason)
class ExemptionReasonAdmin(admin.ModelAdmin):
    list_display = ("code", "citation", "jurisdiction", "position", "is_active")
    list_filter = ("jurisdiction", "is_active")


@admin.register(RecordsPolicy)
class RecordsPolicyAdmin(admin.ModelAdmin):
    list_display = ("application_type", "max_extensions", "max_extension_days", "link_days")
