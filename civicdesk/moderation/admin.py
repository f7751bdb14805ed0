from django.contrib import admin

from civicdesk.catalog.admin import AuditedAdmin
from civicdesk.notifications.admin import ReadOnlyAdmin

from .models import BlockedWord, ModerationAct, Suspension


@admin.register(BlockedWord)
class BlockedWordAdmin(AuditedAdmin):
    list_display = ["phrase", "action", "created_at"]


@admin.register(ModerationAct)
class ModerationActAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "actor", "content_type", "object_id"]


@admin.register(Suspension)
class SuspensionAdmin(admin.ModelAdmin):
    list_display = ["user", "until", "lifted_at", "created_at"]
    raw_id_fields = ["user"]
