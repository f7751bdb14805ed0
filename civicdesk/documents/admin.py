"""Read-only admin for the document library (staff use the console pages)."""

from django.contrib import admin

from .models import Document, DocumentVersion


class VersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    fields = ["number", "content_type", "size", "text_status", "published_at", "change_note"]
    readonly_fields = fields


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "jurisdiction", "status", "publish_at", "effective_from", "effective_until"]
    list_filter = ["kind", "status", "jurisdiction"]
    readonly_fields = ["current_version", "created_by", "created_at"]
    inlines = [VersionInline]

    # Staff write documents in the console, where every change is audited; the admin only reads them.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
