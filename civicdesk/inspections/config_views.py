"""Inspection settings in the staff console: per application type, whether a passed inspection is required, by
which department's inspectors and before which review step. For the type's jurisdiction's administrators only
(the same checks as the type's own configuration, civicdesk/applications/access.py); writes go through
services.set_rule() (atomic, audited)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.applications import access as app_access
from civicdesk.applications.models import ApplicationType
from civicdesk.applications.services import ApplicationError
from civicdesk.jurisdictions.models import Department

from . import services
from .models import InspectionRule


class RuleForm(forms.Form):
    """The requirement of one type; the choices are the type's jurisdiction's departments and the type's steps."""

    enabled = forms.BooleanField(label=gettext_lazy("This type needs a passed inspection"), required=False,
                                 widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}))
    department = forms.ModelChoiceField(
        label=gettext_lazy("Inspectors' department"), queryset=Department.objects.none(), required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose a department of this type's jurisdiction.")},
        widget=forms.Select(attrs={"class": "usa-select"}))
    before_step = forms.ModelChoiceField(
        label=gettext_lazy("The inspection must pass before this step is finished"), queryset=None,
        required=False, error_messages={"invalid_choice": gettext_lazy("Choose one of this type's review steps.")},
        widget=forms.Select(attrs={"class": "usa-select"}))

    def __init__(self, *args, application_type: ApplicationType, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            jurisdiction_id=application_type.jurisdiction_id).select_related("jurisdiction").order_by("name")
        self.fields["before_step"].queryset = application_type.steps.all()

    def clean(self):
        data = super().clean()
        if data.get("enabled"):
            if not data.get("department") and "department" not in self.errors:
                self.add_error("department", _("Choose the department whose inspectors do the inspection."))
            if not data.get("before_step") and "before_step" not in self.errors:
                self.add_error("before_step", _("Choose the step the inspection must pass before."))
        return data


def type_link(application_type: ApplicationType) -> list[tuple[str, str]]:
    """applications.hooks type-config link: this type's inspection settings."""
    return [(_("Inspection requirement"), reverse("inspections_staff:settings", args=[application_type.pk]))]


@login_required
def settings_list(request):
    """The types the administrator configures, each with its inspection requirement (or none)."""
    app_access.require_configurer(request.user)
    types = list(ApplicationType.objects.filter(jurisdiction__in=app_access.config_jurisdictions(request.user))
                 .select_related("jurisdiction").order_by("jurisdiction__name", "slug"))
    rules = {rule.application_type_id: rule for rule in InspectionRule.objects.filter(
        application_type__in=types).select_related("department__jurisdiction", "before_step")}
    rows = [(kind_type, rules.get(kind_type.pk)) for kind_type in types]
    return render(request, "inspections/settings_list.html", {"rows": rows})


@login_required
def type_settings(request, pk: int):
    """Turn one type's inspection requirement on or off; choose the department and the step."""
    found = app_access.get_type_for_config(request.user, pk)
    rule = InspectionRule.objects.filter(application_type=found).first()
    initial = {"enabled": rule is not None, "department": rule.department_id if rule else None,
               "before_step": rule.before_step_id if rule else None}
    form = RuleForm(request.POST if request.method == "POST" else None, application_type=found, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_rule(found, user=request.user, enabled=data["enabled"], department=data["department"],
                              before_step=data["before_step"])
        except ApplicationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("Inspection requirement saved.") if data["enabled"]
                             else _("This type no longer needs an inspection. Bookings and results already "
                                    "recorded are kept."))
            return redirect("inspections_staff:settings", pk=found.pk)
    return render(request, "inspections/type_settings.html", {
        "type": found, "form": form, "rule": rule, "open_bookings": services.open_bookings_of_type(found)})
