"""Forms of the configuration and migration pages: an upload, a new source, and one row of the mapping."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.catalog.models import ServiceType

from .models import CatalogueSource, ServiceMapping

MAX_UPLOAD = 20 * 1024 * 1024


def _limited(upload):
    if upload is not None and upload.size > MAX_UPLOAD:
        raise forms.ValidationError(_("The file is larger than 20 MB."))
    return upload


class ConfigUploadForm(forms.Form):
    file = forms.FileField(label=_("Configuration file (JSON, from “Export”)"),
                           widget=forms.ClearableFileInput(attrs={"class": "usa-file-input", "accept": ".json"}))

    def clean_file(self):
        return _limited(self.cleaned_data["file"])


class SourceForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(label=_("Jurisdiction moving over"), queryset=None,
                                          widget=forms.Select(attrs={"class": "usa-select"}))
    name = forms.SlugField(label=_("Short name of the old system"), max_length=40,
                           help_text=_("Letters, digits and hyphens, e.g. seeclickfix or old-311."),
                           widget=forms.TextInput(attrs={"class": "usa-input"}))
    endpoint = forms.URLField(label=_("Open311 endpoint of the old system"), required=False,
                              help_text=_("Where its services.json is, e.g. https://old.example.gov/open311/v2/. "
                                          "Leave empty to upload a CSV file instead."),
                              widget=forms.URLInput(attrs={"class": "usa-input"}))
    api_key = forms.CharField(label=_("API key (if the old server asks for one)"), required=False, max_length=200,
                              widget=forms.PasswordInput(attrs={"class": "usa-input", "autocomplete": "off"}))
    remote_jurisdiction = forms.CharField(label=_("jurisdiction_id on the old server (if it serves several)"),
                                          required=False, max_length=120,
                                          widget=forms.TextInput(attrs={"class": "usa-input"}))
    csv_file = forms.FileField(label=_("Or a catalogue CSV file"), required=False,
                               widget=forms.ClearableFileInput(attrs={"class": "usa-file-input", "accept": ".csv"}))

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions

    def clean_csv_file(self):
        return _limited(self.cleaned_data.get("csv_file"))

    def clean(self):
        data = super().clean()
        if bool(data.get("endpoint")) == bool(data.get("csv_file")):
            raise forms.ValidationError(_("Give either the old system's Open311 endpoint or a CSV file, not both."))
        return data


class MappingForm(forms.ModelForm):
    """One incoming service: what to do with it, the type here, the code of a new type and the department."""

    class Meta:
        model = ServiceMapping
        fields = ["action", "service_type", "new_code", "department"]
        widgets = {"action": forms.Select(attrs={"class": "usa-select"}),
                   "service_type": forms.Select(attrs={"class": "usa-select"}),
                   "new_code": forms.TextInput(attrs={"class": "usa-input"}),
                   "department": forms.Select(attrs={"class": "usa-select"})}

    def __init__(self, *args, source: CatalogueSource, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = ServiceType.objects.order_by("code")
        self.fields["department"].queryset = source.jurisdiction.departments.order_by("name")

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == ServiceMapping.Action.EXISTING and not data.get("service_type"):
            self.add_error("service_type", _("Choose the service type it maps to."))
        if action == ServiceMapping.Action.NEW:
            code = data.get("new_code")
            if not code:
                self.add_error("new_code", _("Give the new service type a code."))
            elif not self.instance.service_type_id and ServiceType.objects.filter(code__iexact=code).exists():
                self.add_error("new_code", _("A service type with this code exists already: map to it instead."))
        if action == ServiceMapping.Action.NEW and not data.get("department"):
            self.add_error("department", _("Choose the department that works these requests."))
        return data


MappingFormSet = forms.modelformset_factory(ServiceMapping, form=MappingForm, extra=0, can_delete=False)


class TableUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=[("statuses", _("Statuses and transitions")),
                                                                      ("routing_rules", _("Routing rules"))],
                             widget=forms.Select(attrs={"class": "usa-select"}))
    jurisdiction = forms.ModelChoiceField(label=_("Jurisdiction"), queryset=None,
                                          widget=forms.Select(attrs={"class": "usa-select"}))
    file = forms.FileField(label=_("CSV file"),
                           widget=forms.ClearableFileInput(attrs={"class": "usa-file-input", "accept": ".csv"}))

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions

    def clean_file(self):
        return _limited(self.cleaned_data["file"])
