from django.contrib import admin

from civicdesk.jurisdictions.scoping import JurisdictionScopedAdmin

from .models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(JurisdictionScopedAdmin, admin.ModelAdmin):
    """Import runs are written by `manage.py import_311` only: the admin shows them, nobody edits them."""

    list_display = ["id", "format", "path", "state", "rows_read", "rows_loaded", "rows_skipped", "rows_rejected",
                    "started_at", "finished_at"]
    list_filter = ["state", "format", "source"]
    search_fields = ["path", "source"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
