from django.contrib import admin

from .models import EmergencyPhrase


@admin.register(EmergencyPhrase)
class EmergencyPhraseAdmin(admin.ModelAdmin):
    list_display = ["phrase", "language", "is_active"]
    list_filter = ["language", "is_active"]
    search_fields = ["phrase"]
