from django.contrib import admin

from .models import SsoIdentity, SsoJurisdictionPolicy, SsoRoleMapping


@admin.register(SsoRoleMapping)
class SsoRoleMappingAdmin(admin.ModelAdmin):
    list_display = ["claim_value", "jurisdiction", "department", "role"]
    list_filter = ["jurisdiction", "role"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        obj.log_action("sso.mapping_changed" if change else "sso.mapping_added", user=request.user,
                       data={"claim_value": obj.claim_value, "department": obj.department_id, "role": obj.role})

    def delete_model(self, request, obj):
        obj.log_action("sso.mapping_removed", user=request.user,
                       data={"claim_value": obj.claim_value, "department": obj.department_id, "role": obj.role})
        super().delete_model(request, obj)


@admin.register(SsoJurisdictionPolicy)
class SsoJurisdictionPolicyAdmin(admin.ModelAdmin):
    list_display = ["jurisdiction", "passwords_allowed", "create_accounts"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        obj.log_action("sso.rules_changed", user=request.user,
                       data={"passwords_allowed": obj.passwords_allowed, "create_accounts": obj.create_accounts})


@admin.register(SsoIdentity)
class SsoIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "issuer", "subject", "linked_at", "last_sign_in_at"]
    readonly_fields = ["issuer", "subject", "linked_at", "last_sign_in_at"]
