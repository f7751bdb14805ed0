from django.contrib import admin

from .models import ClassifierModel, EmergencyPhrase, EmergencyWordVariant


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


@admin.register(ClassifierModel)
class ClassifierModelAdmin(admin.ModelAdmin):
    """Versions of the category suggester: read-only (train with `manage.py train_classifier`)."""

    list_display = ["jurisdiction", "language", "version", "trained_at", "rows", "top1_accuracy", "top3_accuracy",
                    "is_active"]
    list_filter = ["jurisdiction", "language", "is_active"]
    exclude = ["pipeline"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
