"""Forms of the records pages: the staff console's actions on a request and the public log's search."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from .models import ExemptionReason, Outcome, ResponsiveDocument

TEXTAREA = {"class": "usa-textarea", "rows": 4}


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search the requests"), max_length=200, required=False,
                        widget=forms.TextInput(attrs={"class": "usa-input", "type": "search"}))
    before = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)


class AcknowledgeForm(forms.Form):
    message = forms.CharField(label=gettext_lazy("Message to the requester (optional)"), max_length=5000,
                              required=False, widget=forms.Textarea(attrs=TEXTAREA))


class ClarifyForm(forms.Form):
    message = forms.CharField(label=gettext_lazy("What should the requester clarify? (they read this)"),
                              max_length=5000, widget=forms.Textarea(attrs=TEXTAREA))


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=gettext_lazy("Business days"), min_value=1, max_value=365,
                              widget=forms.NumberInput(attrs={"class": "usa-input usa-input--small"}))
    reason = forms.CharField(label=gettext_lazy("Reason (the requester reads it)"), max_length=5000,
                             widget=forms.Textarea(attrs=TEXTAREA))


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Responsive document"),
                           widget=forms.ClearableFileInput(attrs={"class": "usa-file-input"}))


class MarkForm(forms.Form):
    treatment = forms.ChoiceField(label=gettext_lazy("Treatment"), choices=ResponsiveDocument.Treatment.choices,
                                  widget=forms.Select(attrs={"class": "usa-select"}))
    exemption = forms.ModelChoiceField(label=gettext_lazy("Exemption (the legal reason)"), required=False,
                                       queryset=ExemptionReason.objects.none(),
                                       widget=forms.Select(attrs={"class": "usa-select"}))
    redacted = forms.FileField(label=gettext_lazy("Redacted version"), required=False,
                               widget=forms.ClearableFileInput(attrs={"class": "usa-file-input"}))
    in_public_log = forms.BooleanField(label=gettext_lazy("Public in the log once released"), required=False,
                                       widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}))

    def __init__(self, *args, jurisdiction, document=None, **kwargs):
        if document is not None:
            kwargs.setdefault("initial", {"treatment": document.treatment, "exemption": document.exemption_id,
                                          "in_public_log": document.in_public_log})
            kwargs.setdefault("prefix", f"d{document.pk}")
        super().__init__(*args, **kwargs)
        self.fields["exemption"].queryset = ExemptionReason.objects.filter(jurisdiction=jurisdiction, is_active=True)


class SummaryForm(forms.Form):
    summary = forms.CharField(label=gettext_lazy("Public summary (shown in the public log; no names or contacts)"),
                              max_length=2000, widget=forms.Textarea(attrs=TEXTAREA))


class ReleaseForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), widget=forms.RadioSelect,
                                choices=[(o.value, o.label) for o in Outcome if o != Outcome.WITHDRAWN])
    message = forms.CharField(label=gettext_lazy("Message to the requester (optional)"), max_length=5000,
                              required=False, widget=forms.Textarea(attrs=TEXTAREA))
