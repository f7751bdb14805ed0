"""Forms for preferences, phone verification and following a request."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import NotificationPreference


class PreferencesForm(forms.Form):
    channels = forms.ChoiceField(label=_("Send me updates by"), choices=NotificationPreference.Channels.choices,
                                 widget=forms.RadioSelect,
                                 help_text=_("Text messages need a confirmed mobile number."))
    language = forms.ChoiceField(label=_("Language of messages"), choices=settings.LANGUAGES,
                                 widget=forms.Select(attrs={"class": "usa-select"}))


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=32, help_text=_(
        "We will text you a 6-digit code to confirm it. Message and data rates may apply."),
        widget=forms.TextInput(attrs={"class": "usa-input", "type": "tel", "autocomplete": "tel"}))


class CodeForm(forms.Form):
    code = forms.CharField(label=_("6-digit code"), max_length=12, help_text=_(
        "The code in the text message we just sent you."),
        widget=forms.TextInput(attrs={"class": "usa-input usa-input--small", "inputmode": "numeric",
                                      "autocomplete": "one-time-code", "spellcheck": "false"}))

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Enter the 6 digits from the text message, like 123456."))
        return code


class FollowForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"), help_text=_(
        "We will email you a link to confirm. We never show your address to anyone."),
        error_messages={"required": _("Enter your email address so we can send you updates."),
                        "invalid": _("Enter a valid email address, like name@example.com.")},
        widget=forms.EmailInput(attrs={"class": "usa-input", "autocomplete": "email"}))
