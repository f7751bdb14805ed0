"""Forms of the insights pages: filters, a subscription, and the proactive request."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicdesk.catalog.models import ServiceType
from civicdesk.intake.forms import ServiceQuestionsMixin
from civicdesk.jurisdictions.models import Department, District, Jurisdiction

SELECT = {"class": "usa-select"}

STATES = [("active", _("New and ongoing")), ("new", _("New only")), ("resolved", _("Resolved")), ("all", _("All"))]


class InsightFilterForm(forms.Form):
    """The list page's filters, read from the query string; every field is optional. The choices are the
    departments, kinds of problem and districts of the hotspots the viewer can see (`visible`)."""

    department = forms.ModelChoiceField(label=_("Department"), required=False, queryset=Department.objects.none(),
                                        empty_label=_("Any department"), widget=forms.Select(attrs=SELECT))
    service_type = forms.ModelChoiceField(label=_("Kind of problem"), required=False,
                                          queryset=ServiceType.objects.none(), empty_label=_("Any kind"),
                                          widget=forms.Select(attrs=SELECT))
    district = forms.ModelChoiceField(label=_("District"), required=False, queryset=District.objects.none(),
                                      empty_label=_("Any district"), widget=forms.Select(attrs=SELECT))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATES, widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, visible, **kwargs):
        super().__init__(*args, **kwargs)
        jurisdictions = visible.values("jurisdiction_id")
        self.fields["department"].queryset = Department.objects.filter(jurisdiction__in=jurisdictions)\
            .select_related("jurisdiction")
        self.fields["department"].label_from_instance = lambda d: f"{d.name} ({d.jurisdiction.name})"
        # Every public kind, and the private kinds only where the viewer sees a hotspot of them.
        self.fields["service_type"].queryset = ServiceType.objects.filter(
            Q(is_private=False) | Q(pk__in=visible.values("service_type_id"))).order_by("name")
        self.fields["service_type"].label_from_instance = lambda t: t.name
        self.fields["district"].queryset = District.objects.filter(jurisdiction__in=jurisdictions)\
            .select_related("jurisdiction")

    def apply(self, queryset):
        """`queryset` narrowed by the filters (status: new and ongoing unless asked otherwise); nothing when a
        filter is not one of the choices (the page shows the field's error)."""
        if not self.is_bound:
            return queryset.filter(status__in=["new", "ongoing"])
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        for name in ("department", "service_type", "district"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        state = data.get("status") or "active"
        if state == "active":
            queryset = queryset.filter(status__in=["new", "ongoing"])
        elif state != "all":
            queryset = queryset.filter(status=state)
        return queryset


class SubscriptionForm(forms.Form):
    """Subscribe to new hotspots in a jurisdiction, optionally of one department or one kind of problem."""

    jurisdiction = forms.ModelChoiceField(label=_("Jurisdiction"), queryset=Jurisdiction.objects.none(),
                                          widget=forms.Select(attrs=SELECT))
    department = forms.ModelChoiceField(label=_("Department"), required=False, queryset=Department.objects.none(),
                                        empty_label=_("Every department"), widget=forms.Select(attrs=SELECT))
    service_type = forms.ModelChoiceField(label=_("Kind of problem"), required=False,
                                          queryset=ServiceType.objects.none(), empty_label=_("Every kind"),
                                          widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, jurisdictions, **kwargs):
        kwargs.setdefault("auto_id", "subscribe_%s")
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions
        if len(jurisdictions) == 1:
            self.fields["jurisdiction"].empty_label = None
        self.fields["department"].queryset = Department.objects.filter(jurisdiction__in=jurisdictions)\
            .select_related("jurisdiction")
        self.fields["department"].label_from_instance = lambda d: f"{d.name} ({d.jurisdiction.name})"
        self.fields["service_type"].queryset = ServiceType.objects.filter(is_active=True, is_private=False)\
            .order_by("name")
        self.fields["service_type"].label_from_instance = lambda t: t.name

    def clean(self):
        data = super().clean()
        department, jurisdiction = data.get("department"), data.get("jurisdiction")
        if department and jurisdiction and department.jurisdiction_id != jurisdiction.pk:
            self.add_error("department", _("Choose a department of that jurisdiction."))
        return data


class ProactiveWorkForm(ServiceQuestionsMixin, forms.Form):
    """The staff-originated request filed from a hotspot: a description (prefilled) and the kind of problem's
    questions, as residents answer them."""

    description = forms.CharField(label=_("Description of the work"), max_length=5000,
                                  widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 4}))

    def __init__(self, *args, service_type: ServiceType, **kwargs):
        kwargs.setdefault("auto_id", "work_%s")
        super().__init__(*args, **kwargs)
        self.add_question_fields(service_type)
