from django.contrib import admin

from civicdesk.catalog.admin import AuditedAdmin

from .models import BlockedWord, ModerationAct, Suspension


@admin.register(BlockedWord)
class BlockedWordAdmin(AuditedAdmin):
    list_display = ["phrase", "action", "created_at"]


@admin.register(ModerationAct)
class ModerationActAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor", "content_type", "object_id"]
    readonly_fields = [f.name for f in ModerationAct._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Suspension)
class SuspensionAdmin(admin.ModelAdmin):
    list_display = ["user", "until", "lifted_at", "created_at"]
    raw_id_fields = ["user"]
