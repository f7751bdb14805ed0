"""Admin: the inbound message log, read-only (it is the record of what residents sent and what we did)."""

from django.contrib import admin

from civicdesk.jurisdictions.scoping import JurisdictionScopedAdmin

from .models import InboundMessage


@admin.register(InboundMessage)
class InboundMessageAdmin(JurisdictionScopedAdmin, admin.ModelAdmin):
    """Jurisdiction admins see messages about their requests; refused ones with no request only superusers."""

    jurisdiction_path = "request__jurisdiction"
    list_display = ["created_at", "channel", "outcome", "reason", "request", "sender"]
    list_filter = ["channel", "outcome", "reason"]
    search_fields = ["request__public_id", "sender", "recipient", "key"]
    list_select_related = ["request"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in InboundMessage._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
