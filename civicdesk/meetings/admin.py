"""Meetings in the admin: read the RSVPs (staff edit meetings in the console, where changes are audited)."""

from django.contrib import admin

from .models import Meeting, Rsvp


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "jurisdiction", "starts_at", "published_at", "cancelled_at")
    list_filter = ("kind", "jurisdiction")
    search_fields = ("title",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Rsvp)
class RsvpAdmin(admin.ModelAdmin):
    list_display = ("meeting", "status", "queued_at")
    list_filter = ("status",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
