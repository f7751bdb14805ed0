"""Admin for response templates, scoped to the jurisdictions a jurisdiction admin manages."""

from django.contrib import admin

from civicdesk.jurisdictions.scoping import JurisdictionScopedAdmin

from .models import ResponseTemplate


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(JurisdictionScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "jurisdiction", "status", "service_type", "is_active"]
    list_filter = ["jurisdiction", "status", "is_active"]
    search_fields = ["name"]
