"""Admin for notifications: the delivery log and SMS outbox (read-only), suppressions and webhook endpoints."""

from __future__ import annotations

from django.contrib import admin

from civicdesk.catalog.admin import AuditedAdmin

from .models import Delivery, SmsMessage, Suppression, WebhookEndpoint


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the system: staff may read them, never add, change or delete them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "address", "event", "status", "attempts", "sent_at", "duration_ms"]
    list_filter = ["status", "channel", "event"]
    search_fields = ["address", "key", "provider_id", "request__public_id"]
    date_hierarchy = "created_at"
    list_select_related = ["request"]
    raw_id_fields = ["request", "user", "endpoint"]


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "to", "body"]
    search_fields = ["to", "body"]
    raw_id_fields = ["delivery"]


@admin.register(Suppression)
class SuppressionAdmin(AuditedAdmin):
    list_display = ["address", "channel", "scope", "reason", "created_at"]
    list_filter = ["channel", "reason"]
    search_fields = ["address", "scope"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AuditedAdmin):
    list_display = ["name", "url", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
