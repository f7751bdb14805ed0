from django.contrib import admin

from .models import EmergencyPhrase, EmergencyWordVariant


@admin.register(EmergencyPhrase)
class EmergencyPhraseAdmin(admin.ModelAdmin):
    list_display = ["phrase", "action", "window", "except_near", "language", "is_active"]
    list_filter = ["action", "language", "is_active"]
    search_fields = ["phrase", "except_near"]


@admin.register(EmergencyWordVariant)
class EmergencyWordVariantAdmin(admin.ModelAdmin):
    list_display = ["word", "variants", "language"]
    list_filter = ["language"]
    search_fields = ["word", "variants"]
