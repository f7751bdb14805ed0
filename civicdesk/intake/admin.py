from django.contrib import admin

from .models import PendingUpload


@admin.register(PendingUpload)
class PendingUploadAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "original_name"]
    readonly_fields = ["kind", "file", "thumbnail", "content_type", "original_name", "created_at"]
