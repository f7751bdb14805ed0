from django.contrib import admin

from .models import MonthlyReport


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    """Read-only: reports are made by the schedule, `manage.py monthly_report` or the page's staff button."""

    list_display = ("jurisdiction", "month", "generated_at")
    list_filter = ("jurisdiction",)
    readonly_fields = ("jurisdiction", "month", "data", "pdf", "generated_at", "notice")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
