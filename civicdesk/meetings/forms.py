"""Forms: the staff meeting editor and document upload, the RSVP by email, and the archive's filters."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from civicdesk.jurisdictions.models import Jurisdiction

from .models import Meeting, MeetingDocument

SELECT = {"class": "usa-select"}
INPUT = {"class": "usa-input"}
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
TEXT_FIELDS = [f"{name}_{code}" for code in LANGUAGE_CODES for name in ("title", "body", "minutes")]


def label_per_language(form: forms.BaseForm, labels: dict, *, rows: int = 5) -> None:
    """Label the modeltranslation fields `<name>_<code>` of `form` ("Title (Spanish)"), mark them with their
    language, and require only the first field named in `labels`, in the first language (the fallback).
    The first name is a one-line input, the others text areas of `rows` lines."""
    names = dict(settings.LANGUAGES)
    first = next(iter(labels))
    for index, code in enumerate(LANGUAGE_CODES):
        for name, label in labels.items():
            field = form.fields[f"{name}_{code}"]
            field.label = label % {"language": names[code]}
            field.required = name == first and index == 0
            attrs = INPUT if name == first else {"class": "usa-textarea", "rows": rows}
            field.widget.attrs.update({**attrs, "lang": code})


def _local_datetime(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, input_formats=[LOCAL_FORMAT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(format=LOCAL_FORMAT, attrs={**INPUT, "type": "datetime-local"}))


class MeetingForm(forms.ModelForm):
    """What staff write about a meeting. Times are read in the jurisdiction's time zone (the view activates it).

    The place's pin is set by clicking the map; without JavaScript staff type the coordinates or leave them
    empty (the address alone is enough)."""

    starts_at = _local_datetime(_("Starts"))
    ends_at = _local_datetime(_("Ends"))

    class Meta:
        model = Meeting
        fields = ["jurisdiction", "kind", *TEXT_FIELDS, "starts_at", "ends_at", "address", "lat", "long",
                  "online_url", "rsvp_enabled", "capacity", "recording_url"]
        widgets = {"jurisdiction": forms.Select(attrs=SELECT), "kind": forms.Select(attrs=SELECT),
                   "address": forms.TextInput(attrs=INPUT),
                   "lat": forms.NumberInput(attrs={**INPUT, "step": "any"}),
                   "long": forms.NumberInput(attrs={**INPUT, "step": "any"}),
                   "online_url": forms.URLInput(attrs=INPUT), "recording_url": forms.URLInput(attrs=INPUT),
                   "capacity": forms.NumberInput(attrs={**INPUT, "min": "1"}),
                   "rsvp_enabled": forms.CheckboxInput(attrs={"class": "usa-checkbox__input"})}

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        label_per_language(self, {"title": _("Title (%(language)s)"), "body": _("Description (%(language)s)"),
                                  "minutes": _("Minutes (%(language)s)")})
        self.fields["minutes_en"].help_text = _("After the meeting: what was decided. Plain text.")
        self.fields["jurisdiction"].queryset = Jurisdiction.objects.filter(pk__in=[j.pk for j in jurisdictions])
        self.fields["jurisdiction"].empty_label = None
        self.fields["lat"].help_text = _("Set by clicking the map, or typed. Leave both empty for no map.")

    def text_fields(self):
        """(title, description, minutes) bound fields per language, for the template."""
        return [(self[f"title_{code}"], self[f"body_{code}"], self[f"minutes_{code}"]) for code in LANGUAGE_CODES]

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if capacity is not None and capacity < 1:
            raise forms.ValidationError(_("Give at least one place, or leave it empty for no limit."))
        return capacity


class DocumentForm(forms.Form):
    """One document to publish with the meeting: a PDF, or an image of a printed page."""

    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingDocument.Kind.choices, widget=forms.Select(attrs=SELECT))
    title = forms.CharField(label=_("Title"), max_length=160, widget=forms.TextInput(attrs=INPUT))
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"),
                           widget=forms.ClearableFileInput(attrs={"class": "usa-file-input",
                                                                  "accept": "application/pdf,image/jpeg,image/png"}))


class RsvpEmailForm(forms.Form):
    """RSVP without an account: a name for the city's list and an address to confirm."""

    name = forms.CharField(label=_("Your name"), max_length=120,
                           widget=forms.TextInput(attrs={**INPUT, "autocomplete": "name"}),
                           help_text=_("Only city staff see it."))
    email = forms.EmailField(label=_("Email address"), max_length=254,
                             widget=forms.EmailInput(attrs={**INPUT, "autocomplete": "email"}),
                             help_text=_("We email you a link to confirm. Only city staff see your address."))


class ArchiveFilterForm(forms.Form):
    """The archive's filters, all optional, read from the query string so every view is a link."""

    WHEN = [("upcoming", _("Upcoming")), ("past", _("Past")), ("all", _("All"))]

    q = forms.CharField(label=_("Words in the title or description"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={**INPUT, "type": "search"}))
    when = forms.ChoiceField(label=_("When"), choices=WHEN, required=False, widget=forms.Select(attrs=SELECT))
    kind = forms.ChoiceField(label=_("Kind"), required=False, widget=forms.Select(attrs=SELECT))
    jurisdiction = forms.ChoiceField(label=_("Held by"), required=False, widget=forms.Select(attrs=SELECT))
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={**INPUT, "type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("To"), required=False,
                              widget=forms.DateInput(attrs={**INPUT, "type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any kind")), *Meeting.Kind.choices]
        self.fields["jurisdiction"].choices = [("", _("Anyone")), *[(j.slug, j.name) for j in jurisdictions]]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return data
