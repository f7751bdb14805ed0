"""Each jurisdiction's exemption reasons (with their statutes) and each records type's policy, for operators; the
jurisdiction's administrators change them in the staff console (config_views.py, docs/records.md "Settings");
staff work on requests in the staff console (/staff/records/)."""

from django.contrib import admin

from .models import ExemptionReason, RecordsPolicy


@admin.register(ExemptionReason)
class ExemptionReasonAdmin(admin.ModelAdmin):
    list_display = ("code", "citation", "jurisdiction", "position", "is_active")
    list_filter = ("jurisdiction", "is_active")


@admin.register(RecordsPolicy)
class RecordsPolicyAdmin(admin.ModelAdmin):
    list_display = ("application_type", "max_extensions", "max_extension_days", "link_days")
