"""Rate counters in the admin, read-only: staff can see what is being limited right now."""

from __future__ import annotations

from django.contrib import admin

from civicdesk.throttle.models import RateCounter


@admin.register(RateCounter)
class RateCounterAdmin(admin.ModelAdmin):
    list_display = ("key", "window_start", "window_seconds", "count")
    search_fields = ("key",)
    ordering = ("-window_start",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
