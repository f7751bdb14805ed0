"""Forms of the records pages: the staff console's actions on a request and the public log's search."""

from __future__ import annotations

from django import forms
from django.core.validators import validate_slug
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.applications.forms import Texts

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
        # Reasons in use, and the one the document already cites even if it has since been taken out of use.
        in_use = Q(is_active=True) | Q(pk=document.exemption_id) if document is not None and document.exemption_id \
            else Q(is_active=True)
        self.fields["exemption"].queryset = ExemptionReason.objects.filter(in_use, jurisdiction=jurisdiction)


class SummaryForm(forms.Form):
    summary = forms.CharField(label=gettext_lazy("Public summary (shown in the public log; no names or contacts)"),
                              max_length=2000, widget=forms.Textarea(attrs=TEXTAREA))


class ReleaseForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), widget=forms.RadioSelect,
                                choices=[(o.value, o.label) for o in Outcome if o != Outcome.WITHDRAWN])
    message = forms.CharField(label=gettext_lazy("Message to the requester (optional)"), max_length=5000,
                              required=False, widget=forms.Textarea(attrs=TEXTAREA))


SMALL = {"class": "usa-input usa-input--small"}


def _whole(label, name: str, **kwargs) -> forms.IntegerField:
    from .services import POLICY_RANGES

    low, high = POLICY_RANGES[name]
    return forms.IntegerField(label=label, min_value=low, max_value=high, widget=forms.NumberInput(attrs=SMALL),
                              **kwargs)


class PolicyForm(forms.Form):
    """A records type's policy: whole numbers in the ranges of services.POLICY_RANGES."""

    max_extensions = _whole(gettext_lazy("Extensions allowed per request"), "max_extensions")
    max_extension_days = _whole(gettext_lazy("Longest extension (business days)"), "max_extension_days")
    link_days = _whole(gettext_lazy("A download link works for (calendar days)"), "link_days")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.help_text = _("A whole number from %(low)s to %(high)s.") % {"low": field.min_value,
                                                                               "high": field.max_value}


class ExemptionForm(Texts, forms.Form):
    """An exemption reason: its code (new reasons only), its label in each site language, the statute, its
    position and whether it is in use."""

    code = forms.CharField(label=gettext_lazy("Code (letters, numbers and hyphens)"), max_length=40,
                           validators=[validate_slug], widget=forms.TextInput(attrs={"class": "usa-input"}))
    citation = forms.CharField(label=gettext_lazy("Statute"), max_length=200,
                               widget=forms.TextInput(attrs={"class": "usa-input"}))
    position = forms.IntegerField(label=gettext_lazy("Position in the list (0 comes first)"), min_value=0,
                                  max_value=999, widget=forms.NumberInput(attrs=SMALL))
    is_active = forms.BooleanField(label=gettext_lazy("In use (offered when marking documents)"), required=False,
                                   widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}))

    def __init__(self, *args, jurisdiction, reason: ExemptionReason | None = None, **kwargs):
        self.jurisdiction = jurisdiction
        if reason is not None:
            kwargs.setdefault("initial", {"code": reason.code, "citation": reason.citation,
                                          "position": reason.position, "is_active": reason.is_active})
        else:
            kwargs.setdefault("initial", {"is_active": True, "position": 0})
        super().__init__(*args, **kwargs)
        self.add_texts("label", _("Reason"), initial=reason.label if reason else None, max_length=300)
        if reason is not None:
            del self.fields["code"]  # documents and messages already quote it

    def clean_code(self):
        code = self.cleaned_data["code"].lower()
        if ExemptionReason.objects.filter(jurisdiction=self.jurisdiction, code=code).exists():
            raise forms.ValidationError(_("Another exemption reason already uses this code."))
        return code
