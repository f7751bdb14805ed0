"""Forms of "was it fixed?": the resident's answer (and its later change), staff's filter and public reply."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .services import MAX_COMMENT

SATISFACTION = [(5, _("5 – Very satisfied")), (4, _("4 – Satisfied")), (3, _("3 – Neither satisfied nor unhappy")),
                (2, _("2 – Unhappy")), (1, _("1 – Very unhappy"))]


class AnswerForm(forms.Form):
    """The first answer: fixed (required), satisfaction 1–5 (optional), a comment and whether it may be public."""

    fixed = forms.TypedChoiceField(label=_("Was the problem fixed?"), widget=forms.RadioSelect,
                                   choices=[("yes", _("Yes, it is fixed")), ("no", _("No, it is not fixed"))],
                                   coerce=lambda value: value == "yes",
                                   error_messages={"required": _("Tell us whether the problem was fixed.")})
    satisfaction = forms.TypedChoiceField(label=_("How satisfied are you with how we handled it?"),
                                          widget=forms.RadioSelect, choices=SATISFACTION, coerce=int, required=False,
                                          empty_value=None)
    comment = forms.CharField(label=_("Why? (optional)"), widget=forms.Textarea(attrs={"rows": 4}),
                              max_length=MAX_COMMENT, required=False,
                              help_text=_("Only city staff read it, unless you agree below."))
    comment_public = forms.BooleanField(
        label=_("The city may publish my comment, without my name, with its answer to it."), required=False)

    def __init__(self, *args, answered: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if answered:
            # "fixed" is given once: a changed answer keeps it (and never reopens the request again).
            del self.fields["fixed"]
        for name in ("satisfaction", "fixed"):
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "usa-radio__input"
        self.fields["comment"].widget.attrs["class"] = "usa-textarea"
        self.fields["comment_public"].widget.attrs["class"] = "usa-checkbox__input"


class PeriodForm(forms.Form):
    """The period the staff results cover (default: the last 90 days)."""

    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "usa-input"

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The start of the period must come before its end."))
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        """(first day, last day) chosen, or the last 90 days when the form is empty or invalid."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        end = data.get("end") or today
        return data.get("start") or end - dt.timedelta(days=89), end


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("Public reply (“you said, we did”)"), max_length=MAX_COMMENT,
                            widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}),
                            help_text=_("Shown on the public replies page and on the request's page. The resident's "
                                        "comment is shown with it only if they agreed; their name never is."))
