"""Notices in the admin: read and correct; staff publish from the console (civicdesk.notices.views)."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from civicdesk.catalog.admin import AuditedAdmin
from civicdesk.jurisdictions.scoping import JurisdictionScopedAdmin

from .models import ServiceNotice


@admin.register(ServiceNotice)
class ServiceNoticeAdmin(JurisdictionScopedAdmin, AuditedAdmin, TranslationAdmin):
    list_display = ["title", "jurisdiction", "kind", "severity", "starts_at", "ends_at", "published_at"]
    list_filter = ["kind", "severity", "jurisdiction"]
    search_fields = ["title", "body"]
    filter_horizontal = ["districts", "service_types"]
    readonly_fields = ["published_at", "author", "created_at"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        notice = form.instance
        notice.update_coverage()
        notice.save(update_fields=["coverage", "min_lat", "max_lat", "min_long", "max_long"])
