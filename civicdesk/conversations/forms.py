"""Forms of the staff queues: answer a resident, file a report for them, discard an email report."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.intake.forms import ServiceQuestionsMixin

from .kinds import reportable_types


class AgentReplyForm(forms.Form):
    text = forms.CharField(label=_("Your answer"), max_length=480, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Sent to the resident as it is. Keep it short: 160 characters is one text."))


class FileReportForm(ServiceQuestionsMixin, forms.Form):
    """The report as the agent files it: the kind, the address (matched with the never-guess rules), the text,
    and the chosen kind's questions (`attribute_<code>` fields, asked as the resident's report form asks them).

    The kind posted (else the initial one) decides which questions are on the form. The screen posts back
    `asked_for`, the kind whose questions it showed: when the agent changed the kind, the form comes back
    with the new kind's questions to answer instead of filing without them.
    """

    service_type = forms.ModelChoiceField(label=_("Kind of problem"), queryset=None, empty_label=None)
    address = forms.CharField(label=_("Address"), max_length=255, required=False,
                              help_text=_("Leave empty to keep the address the resident already confirmed."))
    description = forms.CharField(label=_("Description"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, jurisdiction=None, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = reportable_types(jurisdiction).order_by("name")
        self.fields["service_type"].queryset = kinds
        chosen = str((self.data if self.is_bound else self.initial).get("service_type") or "")
        self.chosen_type = kinds.filter(pk=chosen).first() if chosen.isdigit() else None
        self.attribute_names = []
        if self.chosen_type is not None:
            self.add_question_fields(self.chosen_type)

    def clean(self):
        data = super().clean()
        shown = str(self.data.get("asked_for") or "")
        if self.chosen_type is not None and self.attribute_names and shown != str(self.chosen_type.pk):
            raise forms.ValidationError(_("This kind of problem has its own questions: answer them below."))
        return data


class DiscardForm(forms.Form):
    reason = forms.CharField(label=_("Why discard it?"), max_length=255,
                             help_text=_("For example: spam, not a city matter, already reported as 7KQ4-M2XD."))
