"""Edit forms of the directory's content (on editorial.forms.EditorialForm) and their registration."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.catalog.models import ServiceType
from civicdesk.editorial.forms import EditorialForm
from civicdesk.editorial.registry import Editable
from civicdesk.jurisdictions.models import Department

from . import schedule_forms
from .models import DepartmentProfile, PermitGuide, ServiceGuide


class _WithSections:
    """An edit form with parts of its own (the hours grid, the formsets of days and fees), bound to the same
    POST under their own prefixes: the whole form is valid only when every part is, and the template shows each
    part from `sections()`. Each form using it defines `_parts()`, the list of its parts."""

    scripts = ("directory/formset.js",)

    def clean(self):
        cleaned = super().clean()
        if not all([part.is_valid() for part in self._parts()]):  # noqa: C419 - a list: validate every part
            raise forms.ValidationError(self.parts_error)
        return cleaned


class DepartmentProfileForm(_WithSections, EditorialForm):
    parts_error = _("Some opening hours or days with other hours need correcting: see the messages below.")

    class Meta:
        model = DepartmentProfile
        fields = ["jurisdiction", "department", "lat", "long", "open_on_holidays"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            jurisdiction__in=self.fields["jurisdiction"].queryset).select_related("jurisdiction")
        data = self.data if self.is_bound else None
        self.week = schedule_forms.WeekHoursForm(data, prefix="hours", week=self.instance.hours)
        self.special_days = schedule_forms.SpecialDayFormSet(
            data, prefix="special", initial=schedule_forms.special_day_initial(self.instance.special_days))

    def _parts(self) -> list:
        return [self.week, self.special_days]

    def sections(self) -> list[dict]:
        return [{"template": "directory/editor/_week.html", "form": self.week},
                {"template": "directory/editor/_special_days.html", "formset": self.special_days}]

    def clean(self):
        cleaned = super().clean()
        self.instance.hours = self.week.cleaned_week()
        self.instance.special_days = self.special_days.items()
        return cleaned


class ServiceGuideForm(EditorialForm):
    class Meta:
        model = ServiceGuide
        fields = ["jurisdiction", "service_type"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = ServiceType.objects.filter(is_active=True).order_by("name")


class PermitGuideForm(_WithSections, EditorialForm):
    parts_error = _("Some fee lines need correcting: see the messages below.")

    class Meta:
        model = PermitGuide
        fields = ["jurisdiction", "slug", "kind", "department", "processing_days", "apply_url"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            jurisdiction__in=self.fields["jurisdiction"].queryset).select_related("jurisdiction")
        self.fees = schedule_forms.FeeFormSet(self.data if self.is_bound else None, prefix="fees",
                                              initial=schedule_forms.fee_initial(self.instance.fees))

    def _parts(self) -> list:
        return [self.fees]

    def sections(self) -> list[dict]:
        return [{"template": "directory/editor/_fees.html", "formset": self.fees}]

    def clean(self):
        cleaned = super().clean()
        self.instance.fees = self.fees.items()
        return cleaned


EDITABLES = [
    Editable(key="service-guide", model="directory.ServiceGuide", form_class=ServiceGuideForm,
             label=_("Service guide"), label_plural=_("Service guides"), order=60, list_related=("service_type",)),
    Editable(key="permit", model="directory.PermitGuide", form_class=PermitGuideForm,
             label=_("Permit or license guide"), label_plural=_("Permit and license guides"), order=61),
    Editable(key="department", model="directory.DepartmentProfile", form_class=DepartmentProfileForm,
             label=_("Department profile"), label_plural=_("Department profiles"), order=62,
             list_related=("department",)),
]
