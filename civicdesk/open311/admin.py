"""Admin for Open311 API keys: issue (the key is shown once), revoke, and watch each key's usage."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _, ngettext

from civicdesk.jurisdictions.scoping import JurisdictionScopedAdmin

from . import services
from .models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(JurisdictionScopedAdmin, admin.ModelAdmin):
    """Keys are issued here or by `manage.py open311_apikey create`; only their hash is stored."""

    list_display = ["name", "prefix", "jurisdiction", "is_active", "rate_limit_per_minute", "request_count",
                    "last_used_at", "created_at"]
    list_filter = ["is_active", "jurisdiction"]
    search_fields = ["name", "prefix"]
    list_select_related = ["jurisdiction"]
    fields = ["name", "jurisdiction", "is_active", "rate_limit_per_minute", "prefix", "request_count",
              "last_used_at", "created_at", "revoked_at"]
    readonly_fields = ["prefix", "request_count", "last_used_at", "created_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        raw = None if change else services.set_new_key(obj)
        if change and "is_active" in form.changed_data:
            obj.revoked_at = None if obj.is_active else timezone.now()
        super().save_model(request, obj, form, change)
        if raw is not None:
            obj.log_action("open311.apikey_issued", user=request.user, data={"name": obj.name, "prefix": obj.prefix})
            self.message_user(request, gettext("The API key for %(name)s is %(key)s — copy it now: it is stored "
                                               "only as a hash and will not be shown again.")
                              % {"name": obj.name, "key": raw}, messages.WARNING)
        elif "is_active" in form.changed_data:
            obj.log_action("open311.apikey_revoked" if not obj.is_active else "open311.apikey_reactivated",
                           user=request.user, data={"prefix": obj.prefix})

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        keys = list(queryset.filter(is_active=True))
        for key in keys:
            services.revoke_api_key(key, user=request.user)
        self.message_user(request, ngettext("%d key revoked.", "%d keys revoked.", len(keys)) % len(keys))
