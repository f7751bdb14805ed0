"""The search box: what a resident typed, the kind of page they want, and the page of results."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import registry, services

MAX_QUERY = 200


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search this site"), max_length=MAX_QUERY, required=False, strip=True,
                        help_text=_("Services, news and notices, meetings, surveys, forums, open data and reports. "
                                    "To follow a request, use its tracking number on the home page."),
                        widget=forms.SearchInput(attrs={"autocomplete": "off", "class": "usa-input"}),
                        error_messages={"max_length": _("Use at most %(limit_value)d characters.")})
    kind = forms.CharField(required=False)
    #: "Search for exactly what I typed": no spelling correction.
    exact = forms.BooleanField(required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=services.MAX_PAGE)

    def clean_q(self) -> str:
        value = self.cleaned_data["q"]
        if "\x00" in value:
            raise forms.ValidationError(_("Use letters, numbers and punctuation only."))
        return value

    def clean_kind(self) -> str:
        kind = self.cleaned_data["kind"]
        if kind and kind not in dict(registry.kinds()):
            return ""  # an old link to a kind that no longer exists: search everything rather than refuse
        return kind
