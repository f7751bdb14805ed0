from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from civicdesk.jurisdictions.scoping import JurisdictionScopedAdmin

from .models import AttributeValue, RoutingRule, ServiceAttribute, ServiceGroup, ServiceType, Status


class AuditedAdmin(admin.ModelAdmin):
    """Writes an audit entry for every change made in the admin."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        obj.log_action(f"{obj._meta.model_name}.{'changed' if change else 'created'}", user=request.user,
                       data={"fields": sorted(form.changed_data)})

    def delete_model(self, request, obj):
        obj.log_action(f"{obj._meta.model_name}.deleted", user=request.user, data={"name": str(obj)})
        super().delete_model(request, obj)


@admin.register(ServiceGroup)
class ServiceGroupAdmin(TranslationAdmin):
    list_display = ["name", "order"]
    search_fields = ["name"]


class ServiceAttributeInline(TranslationTabularInline):
    model = ServiceAttribute
    extra = 0
    fields = ["order", "code", "description", "datatype", "required", "variable", "datatype_description"]
    show_change_link = True


@admin.register(ServiceType)
class ServiceTypeAdmin(AuditedAdmin, TranslationAdmin):
    list_display = ["code", "name", "group", "is_active", "is_private", "is_sensitive", "sla_hours", "default_priority"]
    list_filter = ["is_active", "is_private", "is_sensitive", "group", "jurisdictions", "allow_anonymous"]
    search_fields = ["code", "name", "keywords"]
    filter_horizontal = ["jurisdictions"]
    inlines = [ServiceAttributeInline]


class AttributeValueInline(TranslationTabularInline):
    model = AttributeValue
    extra = 0


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(TranslationAdmin):
    list_display = ["description", "code", "service_type", "datatype", "required"]
    list_filter = ["datatype", "required", "service_type"]
    search_fields = ["code", "description", "service_type__code"]
    inlines = [AttributeValueInline]


@admin.register(Status)
class StatusAdmin(TranslationAdmin):
    list_display = ["code", "name", "kind", "is_initial", "order"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    filter_horizontal = ["allowed_next"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(JurisdictionScopedAdmin, AuditedAdmin):
    list_display = ["__str__", "jurisdiction", "order", "district", "department", "team", "is_active"]
    list_filter = ["jurisdiction", "department", "is_active"]
    search_fields = ["name", "department__name"]
    filter_horizontal = ["service_types"]
    autocomplete_fields = ["assignee"]
