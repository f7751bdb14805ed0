"""The newsletter in the admin: read-only (staff compose and send in the console, where it is audited)."""

from django.contrib import admin

from .models import Issue


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ("subject", "jurisdiction", "status", "sent_at", "recipients")
    list_filter = ("status",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
