"""Admin for area subscriptions: look up and stop a subscription someone asks about."""

from django.contrib import admin

from civicdesk.catalog.admin import AuditedAdmin

from .models import AreaSubscription


@admin.register(AreaSubscription)
class AreaSubscriptionAdmin(AuditedAdmin):
    list_display = ["email", "__str__", "frequency", "confirmed_at", "is_active", "created_at"]
    list_filter = ["is_active", "frequency", "notify_new", "notify_closed"]
    search_fields = ["email"]
    raw_id_fields = ["user", "district"]
    readonly_fields = ["token", "min_lat", "max_lat", "min_long", "max_long", "created_at", "updated_at"]
    filter_horizontal = ["service_types"]
