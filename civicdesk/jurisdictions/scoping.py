"""Jurisdiction scoping for the admin: staff who are not superusers see only their own jurisdictions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from .models import Jurisdiction, StaffMembership


def admin_jurisdiction_ids(user) -> set[int] | None:
    """Jurisdictions whose configuration `user` may manage; None means all (superuser)."""
    if user.is_superuser:
        return None
    return set(StaffMembership.objects.filter(user=user, role=StaffMembership.Role.ADMIN)
               .values_list("jurisdiction_id", flat=True))


class JurisdictionScopedAdmin:
    """ModelAdmin mixin. `jurisdiction_path` is the lookup from the model to its jurisdiction id."""

    jurisdiction_path = "jurisdiction"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        allowed = admin_jurisdiction_ids(request.user)
        if allowed is None:
            return queryset
        return queryset.filter(**{f"{self.jurisdiction_path}__in": allowed}).distinct()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        allowed = admin_jurisdiction_ids(request.user)
        if allowed is not None:
            related = db_field.related_model
            if related is Jurisdiction:
                kwargs["queryset"] = Jurisdiction.objects.filter(pk__in=allowed)
            elif hasattr(related, "jurisdiction"):
                kwargs["queryset"] = related._default_manager.filter(jurisdiction__in=allowed)
            elif related._meta.model_name == "team":
                kwargs["queryset"] = related._default_manager.filter(department__jurisdiction__in=allowed)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        allowed = admin_jurisdiction_ids(request.user)
        if allowed is not None:
            value = obj
            for part in self.jurisdiction_path.split("__"):
                value = getattr(value, part if part != "id" else "pk")
            if getattr(value, "pk", value) not in allowed:
                raise PermissionDenied
        super().save_model(request, obj, form, change)
