"""Hotspots in the admin: read-only lists for operators (detection writes them; staff act in the console)."""

from django.contrib import admin

from civicdesk.jurisdictions.scoping import JurisdictionScopedAdmin

from .models import DetectionRun, Hotspot, HotspotSubscription


@admin.register(Hotspot)
class HotspotAdmin(JurisdictionScopedAdmin, admin.ModelAdmin):
    list_display = ["id", "kind", "service_type", "jurisdiction", "department", "label", "observed", "expected",
                    "status", "first_seen", "last_seen"]
    list_filter = ["kind", "status", "jurisdiction", "service_type"]
    search_fields = ["label", "key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HotspotSubscription)
class HotspotSubscriptionAdmin(JurisdictionScopedAdmin, admin.ModelAdmin):
    list_display = ["user", "jurisdiction", "department", "service_type", "created_at"]
    list_filter = ["jurisdiction"]

    def has_add_permission(self, request):
        return False


@admin.register(DetectionRun)
class DetectionRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "as_of", "tested", "flagged", "new", "resolved", "seconds"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
