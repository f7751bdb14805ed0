"""Admin for notifications: the delivery log and SMS outbox (read-only), suppressions and webhook endpoints."""

from __future__ import annotations

from django.contrib import admin

from civicdesk.catalog.admin import AuditedAdmin

from django.utils.translation import gettext_lazy as _

from . import sms_limits
from .models import Delivery, SmsMessage, SmsPolicy, Suppression, WebhookEndpoint


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


@admin.register(SmsPolicy)
class SmsPolicyAdmin(admin.ModelAdmin):
    """The city's SMS budget: one row, with the texts already counted this hour beside it; changes audited."""

    list_display = ["__str__", "hourly_budget", "sent_this_hour", "per_number_per_hour", "countries", "updated_at"]
    fields = ["hourly_budget", "sent_this_hour", "per_number_per_hour", "countries"]
    readonly_fields = ["sent_this_hour"]

    @admin.display(description=_("texts sent this hour"))
    def sent_this_hour(self, obj=None) -> int:
        return sms_limits.sent_this_hour()

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not SmsPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        # The budget in force (saved or, before staff save one, the environment's) and this hour's use, on top.
        policy = SmsPolicy.current()
        subtitle = _("Texts sent this hour: %(used)d of %(budget)d. At most %(per_number)d an hour to one number. "
                     "Countries: %(countries)s.") % {
            "used": sms_limits.sent_this_hour(), "budget": policy.hourly_budget,
            "per_number": policy.per_number_per_hour, "countries": ", ".join(sorted(policy.country_set()))}
        return super().changelist_view(request, {**(extra_context or {}), "subtitle": subtitle})

    def save_model(self, request, obj, form, change):
        before = {name: form.initial.get(name) for name in form.changed_data}
        super().save_model(request, obj, form, change)
        obj.log_action("smspolicy.changed" if change else "smspolicy.created", user=request.user,
                       data={"before": before, "after": {name: form.cleaned_data.get(name)
                                                         for name in form.changed_data}})
