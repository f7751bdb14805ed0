"""The staff form for writing a service notice."""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.catalog.models import ServiceType
from civicdesk.jurisdictions.models import District, Jurisdiction

from .models import MAX_AREA_BYTES, NoticeTemplate, ServiceNotice, area_shape

SELECT = {"class": "usa-select"}
INPUT = {"class": "usa-input"}
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
TEXT_FIELDS = [f"{name}_{code}" for code in LANGUAGE_CODES for name in ("title", "body")]


def _local_datetime(label, required: bool) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=required, input_formats=[LOCAL_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(format=LOCAL_FORMAT, attrs={**INPUT, "type": "datetime-local"}))


def _label_text_fields(form) -> None:
    """Title and message once per language; the first language is required (the fallback for others)."""
    names = dict(settings.LANGUAGES)
    for index, code in enumerate(LANGUAGE_CODES):
        title, body = form.fields[f"title_{code}"], form.fields[f"body_{code}"]
        title.label = _("Title (%(language)s)") % {"language": names[code]}
        body.label = _("Message (%(language)s)") % {"language": names[code]}
        title.widget.attrs.update({**INPUT, "lang": code})
        body.widget.attrs.update({"class": "usa-textarea", "rows": 5, "lang": code})
        title.required = body.required = index == 0
        if index:
            title.help_text = _("Optional: residents reading in this language see the first language's "
                                "text while it is empty.")


class NoticeForm(forms.ModelForm):
    """Everything staff write about a notice. Times are read in the jurisdiction's own time zone.

    The affected area is GeoJSON text: the map's drawing tool fills it, and without JavaScript staff
    paste it or choose districts instead.
    """

    starts_at = _local_datetime(_("Starts"), required=True)
    ends_at = _local_datetime(_("Ends"), required=False)
    area = forms.CharField(
        label=_("Affected area as GeoJSON (optional)"), required=False, max_length=MAX_AREA_BYTES,
        widget=forms.Textarea(attrs={"class": "usa-textarea cd-geojson", "rows": 4, "spellcheck": "false"}),
        help_text=_('Filled in when you draw on the map. Without the map, paste a GeoJSON Polygon or '
                    'MultiPolygon in longitude, latitude, or choose districts below. With neither, the notice '
                    'covers the whole jurisdiction.'))

    class Meta:
        model = ServiceNotice
        fields = ["jurisdiction", "kind", "severity", *TEXT_FIELDS, "starts_at", "ends_at", "area", "districts",
                  "service_types"]
        widgets = {
            "jurisdiction": forms.Select(attrs=SELECT),
            "kind": forms.Select(attrs=SELECT),
            "severity": forms.Select(attrs=SELECT),
            "districts": forms.CheckboxSelectMultiple,
            "service_types": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "districts": _("The notice covers these districts, together with any area drawn on the map."),
            "service_types": _("A resident reporting one of these in the area is told you already know. "
                               "Choose none for every kind of problem."),
        }

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        _label_text_fields(self)
        jurisdiction_ids = [j.pk for j in jurisdictions]
        self.fields["jurisdiction"].queryset = Jurisdiction.objects.filter(pk__in=jurisdiction_ids)
        self.fields["jurisdiction"].empty_label = None
        if self.instance.pk:
            self.fields["jurisdiction"].disabled = True
        districts = District.objects.filter(jurisdiction_id__in=jurisdiction_ids).select_related("jurisdiction")
        self.fields["districts"].queryset = districts
        several = len(jurisdiction_ids) > 1
        self.fields["districts"].label_from_instance = (lambda d: str(d)) if several else (lambda d: d.name)
        self.fields["service_types"].queryset = ServiceType.objects.public().order_by("name")
        self.fields["service_types"].label_from_instance = lambda t: t.name
        if self.instance.pk and self.instance.area:
            self.initial["area"] = json.dumps(self.instance.area)

    def text_fields(self):
        """(title, body) bound fields per language, for the template."""
        return [(self[f"title_{code}"], self[f"body_{code}"]) for code in LANGUAGE_CODES]

    def clean_area(self):
        text = (self.cleaned_data.get("area") or "").strip()
        if not text:
            return None
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise ValidationError(_("The affected area is not valid GeoJSON text (%(problem)s). Draw it on the "
                                    "map again, or clear it and choose districts.")
                                  % {"problem": exc.args[0] if exc.args else exc}) from exc
        area_shape(value)
        return value

    def clean(self):
        data = super().clean()
        jurisdiction = data.get("jurisdiction") or (self.instance.jurisdiction if self.instance.pk else None)
        if jurisdiction is None:
            return data
        for name in ("starts_at", "ends_at"):
            if data.get(name):
                data[name] = _in_time_zone(data[name], jurisdiction.tz)
        wrong = [d.name for d in data.get("districts") or [] if d.jurisdiction_id != jurisdiction.pk]
        if wrong:
            self.add_error("districts", _("These districts are not in %(name)s: %(list)s.")
                           % {"name": jurisdiction.name, "list": ", ".join(wrong)})
        return data

    def changed_fields(self) -> list[str]:
        return list(self.changed_data)


def _in_time_zone(value, tz):
    """The wall-clock time staff typed, read in the jurisdiction's time zone instead of the server's."""
    naive = timezone.make_naive(value, timezone.get_current_timezone())
    return timezone.make_aware(naive, tz)


class NoticeTemplateForm(forms.ModelForm):
    """A notice template: its name and short name, kind, severity, and title and message per language."""

    class Meta:
        model = NoticeTemplate
        fields = ["jurisdiction", "name", "slug", "kind", "severity", *TEXT_FIELDS]
        widgets = {
            "jurisdiction": forms.Select(attrs=SELECT), "kind": forms.Select(attrs=SELECT),
            "severity": forms.Select(attrs=SELECT), "name": forms.TextInput(attrs=INPUT),
            "slug": forms.TextInput(attrs=INPUT),
        }
        help_texts = {"slug": _("Letters, numbers and hyphens; how the configuration file knows this template.")}

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        _label_text_fields(self)
        self.fields["jurisdiction"].queryset = Jurisdiction.objects.filter(pk__in=[j.pk for j in jurisdictions])
        self.fields["jurisdiction"].empty_label = None
        if self.instance.pk:
            self.fields["jurisdiction"].disabled = True

    def text_fields(self):
        """(title, body) bound fields per language, for the template."""
        return [(self[f"title_{code}"], self[f"body_{code}"]) for code in LANGUAGE_CODES]

    def clean(self):
        data = super().clean()
        jurisdiction = data.get("jurisdiction") or (self.instance.jurisdiction if self.instance.pk else None)
        slug = data.get("slug")
        if jurisdiction and slug and NoticeTemplate.objects.filter(jurisdiction=jurisdiction, slug=slug).exclude(
                pk=self.instance.pk).exists():
            self.add_error("slug", _("Another template of %(name)s already has this short name.")
                           % {"name": jurisdiction.name})
        return data
