from django.contrib import admin

from civicdesk.jurisdictions.scoping import JurisdictionScopedAdmin

from .models import Attachment, ServiceRequest, TimelineEntry


class TimelineInline(admin.TabularInline):
    model = TimelineEntry
    extra = 0
    fields = ["created_at", "kind", "is_public", "message", "author", "status_to"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["kind", "file", "content_type", "width", "height", "size", "hidden"]
    readonly_fields = ["kind", "file", "content_type", "width", "height", "size"]


@admin.register(ServiceRequest)
class ServiceRequestAdmin(JurisdictionScopedAdmin, admin.ModelAdmin):
    """Read-mostly: staff change requests through the console so every change is audited."""

    list_display = ["public_id", "service_type", "status", "jurisdiction", "department", "channel", "requested_at"]
    list_filter = ["is_open", "status", "channel", "jurisdiction", "department", "service_type"]
    search_fields = ["public_id", "address", "description", "contact_email", "contact_phone", "contact_name"]
    list_select_related = ["service_type", "status", "jurisdiction", "department"]
    date_hierarchy = "requested_at"
    readonly_fields = [f.name for f in ServiceRequest._meta.fields]
    inlines = [AttachmentInline, TimelineInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False
