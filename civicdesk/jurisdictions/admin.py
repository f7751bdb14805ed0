from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .models import AddressPoint, Department, District, Holiday, Jurisdiction, StaffMembership, Team
from .scoping import JurisdictionScopedAdmin


class HolidayInline(TranslationTabularInline):
    """The holiday's name in every site language (name_en, name_es, name_ar)."""

    model = Holiday
    extra = 0
    fields = ["date", "name"]


class DistrictInline(TranslationTabularInline):
    model = District
    extra = 0
    fields = ["name", "slug"]
    show_change_link = True


@admin.register(Jurisdiction)
class JurisdictionAdmin(JurisdictionScopedAdmin, TranslationAdmin):
    jurisdiction_path = "id"
    list_display = ["name", "slug", "open311_id", "time_zone", "is_active"]
    list_filter = ["is_active", "time_zone"]
    search_fields = ["name", "slug", "open311_id"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DistrictInline, HolidayInline]


@admin.register(District)
class DistrictAdmin(JurisdictionScopedAdmin, TranslationAdmin):
    list_display = ["name", "jurisdiction"]
    list_filter = ["jurisdiction"]
    search_fields = ["name"]


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0
    autocomplete_fields = ["lead"]


@admin.register(Department)
class DepartmentAdmin(JurisdictionScopedAdmin, TranslationAdmin):
    list_display = ["name", "jurisdiction", "email", "phone"]
    list_filter = ["jurisdiction"]
    search_fields = ["name", "email"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TeamInline]


@admin.register(Team)
class TeamAdmin(JurisdictionScopedAdmin, admin.ModelAdmin):
    jurisdiction_path = "department__jurisdiction"
    list_display = ["name", "department", "lead"]
    list_filter = ["department__jurisdiction", "department"]
    search_fields = ["name", "department__name"]
    autocomplete_fields = ["lead"]


@admin.register(StaffMembership)
class StaffMembershipAdmin(JurisdictionScopedAdmin, admin.ModelAdmin):
    list_display = ["user", "role", "jurisdiction", "department", "team"]
    list_filter = ["role", "jurisdiction", "department"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "jurisdiction", "department", "team"]


@admin.register(AddressPoint)
class AddressPointAdmin(JurisdictionScopedAdmin, admin.ModelAdmin):
    list_display = ["full_address", "address_id", "jurisdiction", "lat", "long"]
    list_filter = ["jurisdiction"]
    search_fields = ["full_address", "address_id", "normalized"]
