"""Edit forms of the directory's content (on editorial.forms.EditorialForm) and their registration."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.catalog.models import ServiceType
from civicdesk.editorial.forms import EditorialForm
from civicdesk.editorial.registry import Editable
from civicdesk.jurisdictions.models import Department

from .models import DepartmentProfile, PermitGuide, ServiceGuide

_JSON = {"class": "usa-textarea", "rows": 4, "dir": "ltr"}


class DepartmentProfileForm(EditorialForm):
    class Meta:
        model = DepartmentProfile
        fields = ["jurisdiction", "department", "lat", "long", "hours", "special_days", "open_on_holidays"]
        widgets = {"hours": forms.Textarea(attrs=_JSON), "special_days": forms.Textarea(attrs=_JSON)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            jurisdiction__in=self.fields["jurisdiction"].queryset).select_related("jurisdiction")


class ServiceGuideForm(EditorialForm):
    class Meta:
        model = ServiceGuide
        fields = ["jurisdiction", "service_type"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = ServiceType.objects.filter(is_active=True).order_by("name")


class PermitGuideForm(EditorialForm):
    class Meta:
        model = PermitGuide
        fields = ["jurisdiction", "slug", "kind", "department", "processing_days", "apply_url", "fees"]
        widgets = {"fees": forms.Textarea(attrs=_JSON)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            jurisdiction__in=self.fields["jurisdiction"].queryset).select_related("jurisdiction")


EDITABLES = [
    Editable(key="service-guide", model="directory.ServiceGuide", form_class=ServiceGuideForm,
             label=_("Service guide"), label_plural=_("Service guides"), order=60, list_related=("service_type",)),
    Editable(key="permit", model="directory.PermitGuide", form_class=PermitGuideForm,
             label=_("Permit or license guide"), label_plural=_("Permit and license guides"), order=61),
    Editable(key="department", model="directory.DepartmentProfile", form_class=DepartmentProfileForm,
             label=_("Department profile"), label_plural=_("Department profiles"), order=62,
             list_related=("department",)),
]
