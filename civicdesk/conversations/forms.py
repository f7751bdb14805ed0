"""Forms of the staff queues: answer a resident, file a report for them, discard an email report."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .kinds import reportable_types


class AgentReplyForm(forms.Form):
    text = forms.CharField(label=_("Your answer"), max_length=480, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Sent to the resident as it is. Keep it short: 160 characters is one text."))


class FileReportForm(forms.Form):
    """The report as the agent files it: the kind, the address (matched with the never-guess rules), the text."""

    service_type = forms.ModelChoiceField(label=_("Kind of problem"), queryset=None, empty_label=None)
    address = forms.CharField(label=_("Address"), max_length=255, required=False,
                              help_text=_("Leave empty to keep the address the resident already confirmed."))
    description = forms.CharField(label=_("Description"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, jurisdiction=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = reportable_types(jurisdiction).order_by("name")


class DiscardForm(forms.Form):
    reason = forms.CharField(label=_("Why discard it?"), max_length=255,
                             help_text=_("For example: spam, not a city matter, already reported as 7KQ4-M2XD."))
