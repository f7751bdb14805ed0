"""The forms residents and staff post with."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MARKDOWN_HELP = _("You can use Markdown: *italic*, **bold**, lists, > quotes. Links and images are shown as plain "
                  "text for accounts younger than a week.")


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150, widget=forms.TextInput(attrs={"class": "usa-input"}))
    body = forms.CharField(label=_("Message"), max_length=10000, help_text=MARKDOWN_HELP,
                           widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 8}))


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), max_length=10000, help_text=MARKDOWN_HELP,
                           widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 6}))
    official = forms.BooleanField(label=_("This is the city's official answer"), required=False,
                                  widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}))
