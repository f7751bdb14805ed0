"""The staff form for a jurisdiction's embed theme and allowed sites."""

from __future__ import annotations

from django import forms

from .models import EmbedSettings


class EmbedSettingsForm(forms.ModelForm):
    """Validated by EmbedSettings.clean(): colour contrast (WCAG AA), the allowed sites and the logo address."""

    class Meta:
        model = EmbedSettings
        fields = ["primary_color", "text_on_primary_color", "link_color", "text_color", "background_color", "font",
                  "logo_url", "allowed_origins"]
        widgets = {
            **{name: forms.TextInput(attrs={"class": "usa-input usa-input--small", "maxlength": 7,
                                            "autocomplete": "off", "spellcheck": "false"})
               for name in ("primary_color", "text_on_primary_color", "link_color", "text_color", "background_color")},
            "font": forms.Select(attrs={"class": "usa-select"}),
            "logo_url": forms.TextInput(attrs={"class": "usa-input", "inputmode": "url", "spellcheck": "false"}),
            "allowed_origins": forms.Textarea(attrs={"class": "usa-textarea", "rows": 4, "spellcheck": "false"}),
        }
