from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), max_length=5000,
                           help_text=_("Public: everyone can read it. Never post anyone's personal details. You can "
                                       "use Markdown; links are plain text for accounts younger than a week."),
                           widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 4}))
    official = forms.BooleanField(label=_("This is the city's official reply"), required=False,
                                  widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}))
