"""Forms of the flag button, the moderators' decisions and the word filter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BlockedWord, Flag, ModerationAct


class FlagForm(forms.Form):
    reason = forms.ChoiceField(label=_("What is wrong with it?"), choices=Flag.Reason.choices,
                               widget=forms.RadioSelect)
    note = forms.CharField(label=_("Anything to add (optional)"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}))


#: The queue's buttons, as verbs (ModerationAct's labels say what was done, for the record).
DECISIONS = [(ModerationAct.Action.APPROVE, _("Approve")), (ModerationAct.Action.HIDE, _("Hide")),
             (ModerationAct.Action.RESTORE, _("Restore")), (ModerationAct.Action.DISMISS, _("Dismiss the flags")),
             (ModerationAct.Action.WARN, _("Warn the author"))]


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=DECISIONS)
    reason = forms.CharField(label=_("Reason shown to the author"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2, "class": "usa-textarea"}))


class SuspendForm(forms.Form):
    DURATIONS = [("1", _("1 day")), ("7", _("7 days")), ("30", _("30 days")), ("", _("Until lifted"))]
    days = forms.ChoiceField(label=_("For how long"), choices=DURATIONS, required=False,
                             widget=forms.Select(attrs={"class": "usa-select"}))
    reason = forms.CharField(label=_("Reason shown to the resident"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2, "class": "usa-textarea"}))


class BlockedWordForm(forms.Form):
    phrase = forms.CharField(label=_("Word or phrase"), max_length=100,
                             widget=forms.TextInput(attrs={"class": "usa-input"}))
    action = forms.ChoiceField(label=_("What happens to a post with it"), choices=BlockedWord.Action.choices,
                               widget=forms.Select(attrs={"class": "usa-select"}))
