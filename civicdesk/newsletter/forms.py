"""Forms: subscribing to the newsletter, and the staff compose form."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.meetings.forms import label_per_language
from civicdesk.meetings.models import Meeting
from civicdesk.notices.models import ServiceNotice

from .models import Issue

INPUT = {"class": "usa-input"}
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
TEXT_FIELDS = [f"{name}_{code}" for code in LANGUAGE_CODES for name in ("subject", "intro", "links")]
#: How far back published notices and news are offered for an issue.
NOTICE_DAYS = 60


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254,
                             widget=forms.EmailInput(attrs={**INPUT, "autocomplete": "email"}),
                             help_text=_("We email you a link to confirm. We never share your address."))


class IssueForm(forms.ModelForm):
    """Subject, introduction and links per language; news, notices and meetings picked from what is published."""

    class Meta:
        model = Issue
        fields = ["jurisdiction", *TEXT_FIELDS, "notices", "meetings"]
        widgets = {"jurisdiction": forms.Select(attrs={"class": "usa-select"}),
                   "notices": forms.CheckboxSelectMultiple, "meetings": forms.CheckboxSelectMultiple}

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        label_per_language(self, {"subject": _("Subject (%(language)s)"),
                                  "intro": _("Introduction (%(language)s)"), "links": _("Links (%(language)s)")},
                           rows=4)
        for code in LANGUAGE_CODES:
            self.fields[f"links_{code}"].help_text = _('One link per line: "Text | https://…", for example a '
                                                       "survey.")
        ids = [j.pk for j in jurisdictions]
        self.fields["jurisdiction"].queryset = Jurisdiction.objects.filter(pk__in=ids)
        self.fields["jurisdiction"].empty_label = None
        now = timezone.now()
        self.fields["notices"].queryset = (ServiceNotice.objects.published()
                                           .filter(jurisdiction_id__in=ids,
                                                   starts_at__gte=now - dt.timedelta(days=NOTICE_DAYS))
                                           .order_by("kind", "-starts_at"))
        self.fields["notices"].label_from_instance = lambda n: f"{n.get_kind_display()}: {n.title}"
        self.fields["notices"].label = _("News and service notices")
        self.fields["meetings"].queryset = (Meeting.objects.published().upcoming(now)
                                            .filter(jurisdiction_id__in=ids, cancelled_at__isnull=True)
                                            .order_by("starts_at"))
        self.fields["meetings"].label = _("Upcoming meetings")

    def text_fields(self):
        return [(self[f"subject_{c}"], self[f"intro_{c}"], self[f"links_{c}"]) for c in LANGUAGE_CODES]

    def clean(self):
        data = super().clean()
        for code in LANGUAGE_CODES:
            for line in (data.get(f"links_{code}") or "").splitlines():
                url = line.rpartition("|")[2].strip()
                if line.strip() and not url.startswith(("https://", "http://")):
                    self.add_error(f"links_{code}", _('Each link line needs a web address after "|", starting '
                                                      'with https://: "%(line)s"') % {"line": line.strip()[:80]})
                    break
        return data
