"""Admin for preferences, phone verifications and follows (support staff answering "why did I get this?")."""

from django.contrib import admin

from civicdesk.catalog.admin import AuditedAdmin

from .models import Follow, NotificationPreference, PhoneVerification


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(AuditedAdmin):
    list_display = ["user", "channels", "language", "phone", "updated_at"]
    list_filter = ["channels", "language"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
    readonly_fields = ["phone", "phone_verified_at"]


@admin.register(PhoneVerification)
class PhoneVerificationAdmin(admin.ModelAdmin):
    list_display = ["user", "phone", "created_at", "attempts", "verified_at"]
    search_fields = ["user__email", "phone"]
    exclude = ["code_hash"]
    readonly_fields = ["user", "phone", "attempts", "created_at", "expires_at", "verified_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Follow)
class FollowAdmin(AuditedAdmin):
    list_display = ["request", "user", "email", "language", "created_at", "confirmed_at"]
    list_filter = ["language"]
    search_fields = ["request__public_id", "email", "user__email"]
    raw_id_fields = ["request", "user"]
