"""The directory in the admin: department profiles (with days of other hours), service guides, permit guides
(with fees). Scoped to the jurisdictions a jurisdiction admin runs; every change audited."""

from django.contrib import admin

from civicdesk.catalog.admin import AuditedAdmin
from civicdesk.jurisdictions.scoping import JurisdictionScopedAdmin

from .models import DepartmentProfile, HoursException, PermitFee, PermitGuide, ServiceGuide


class HoursExceptionInline(admin.TabularInline):
    model = HoursException
    extra = 0


@admin.register(DepartmentProfile)
class DepartmentProfileAdmin(JurisdictionScopedAdmin, AuditedAdmin):
    jurisdiction_path = "department__jurisdiction"
    list_display = ["department", "is_published", "updated_at"]
    list_filter = ["is_published", "department__jurisdiction"]
    inlines = [HoursExceptionInline]


@admin.register(ServiceGuide)
class ServiceGuideAdmin(AuditedAdmin):
    list_display = ["service_type", "is_published", "updated_at"]
    list_filter = ["is_published"]


class PermitFeeInline(admin.TabularInline):
    model = PermitFee
    extra = 0


@admin.register(PermitGuide)
class PermitGuideAdmin(JurisdictionScopedAdmin, AuditedAdmin):
    list_display = ["slug", "kind", "jurisdiction", "department", "is_published", "updated_at"]
    list_filter = ["kind", "is_published", "jurisdiction"]
    inlines = [PermitFeeInline]
