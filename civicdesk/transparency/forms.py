"""The dashboard's filters, read from the query string so every view of it is a shareable link."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.catalog.models import ServiceType
from civicdesk.jurisdictions.models import Department, District, Jurisdiction

PERIODS = (30, 90, 365)
DEFAULT_PERIOD = 90


class _Labelled(forms.ModelChoiceField):
    """A choice labelled "Name (Jurisdiction)", so two towns' "Public Works" can be told apart."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.jurisdiction.name})"


class _Named(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj.name)


class DashboardFilters(forms.Form):
    """jurisdiction=<slug>, department=<id>, type=<service code>, district=<id>, period=30|90|365; all optional."""

    jurisdiction = forms.ModelChoiceField(Jurisdiction.objects.order_by("name"), to_field_name="slug",
                                          required=False, label=_("Jurisdiction"), empty_label=_("All"))
    department = _Labelled(Department.objects.select_related("jurisdiction").order_by("jurisdiction__name", "name"),
                           required=False, label=_("Department"), empty_label=_("All"))
    type = _Named(ServiceType.objects.filter(is_private=False).order_by("name"), to_field_name="code",
                                  required=False, label=_("Kind of problem"), empty_label=_("All"))
    district = _Labelled(District.objects.select_related("jurisdiction").order_by("jurisdiction__name", "name"),
                         required=False, label=_("District"), empty_label=_("All"))
    period = forms.TypedChoiceField(coerce=int, required=False, label=_("Period"), empty_value=DEFAULT_PERIOD,
                                    choices=[(days, _("Last %(days)d days") % {"days": days}) for days in PERIODS])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for bound in self.fields.values():
            bound.widget.attrs["class"] = "usa-select"
