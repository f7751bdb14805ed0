"""Django admin for applications: types (with steps, documents and fee lines inline) and, read-only, the
applications and permits (staff work on them in the console, where every change is audited)."""

from django.contrib import admin

from .models import Application, ApplicationType, DocumentRequirement, FeeRule, Permit, ReviewStep


class StepInline(admin.TabularInline):
    model = ReviewStep
    extra = 0


class RequirementInline(admin.TabularInline):
    model = DocumentRequirement
    extra = 0


class FeeInline(admin.TabularInline):
    model = FeeRule
    extra = 0
    raw_id_fields = ["question", "choice"]


@admin.register(ApplicationType)
class ApplicationTypeAdmin(admin.ModelAdmin):
    list_display = ["slug", "jurisdiction", "kind", "decision_days", "is_published"]
    list_filter = ["jurisdiction", "kind", "is_published"]
    raw_id_fields = ["form"]
    inlines = [StepInline, RequirementInline, FeeInline]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnly):
    list_display = ["number", "application_type", "status", "department", "decision_due_on"]
    list_filter = ["status", "application_type"]
    list_select_related = ["application_type", "department"]


@admin.register(Permit)
class PermitAdmin(ReadOnly):
    list_display = ["number", "issued_at", "valid_until", "revoked_at"]
    list_select_related = ["application__application_type"]
