"""Forms of the notifications app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UnsubscribeForm(forms.Form):
    """What an unsubscribe link's owner wants to stop: this kind of message, or everything on the channel."""

    what = forms.ChoiceField(
        label=_("What do you want to stop?"), widget=forms.RadioSelect, initial="scope",
        choices=[("scope", _("Only these messages")), ("everything", _("Every message from us to this address"))])
