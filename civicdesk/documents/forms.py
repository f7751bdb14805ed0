"""Forms of the document library: the public filters, and the staff forms for a document and a new version."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from civicdesk.editorial.forms import EditorialForm

from .models import Document

SELECT = {"class": "usa-select"}
INPUT = {"class": "usa-input"}
FILE = {"class": "usa-file-input",
        "accept": ".pdf,.docx,.odt,.xlsx,.ods,.csv,.jpg,.jpeg,.png,application/pdf,text/csv,image/jpeg,image/png"}


class LibraryFilterForm(forms.Form):
    """The library's filters, all optional, read from the query string so every view is a link."""

    SHOW = [("in_force", _("In force now")), ("all", _("All, including past ones"))]

    kind = forms.ChoiceField(label=_("Kind"), required=False, widget=forms.Select(attrs=SELECT))
    department = forms.ChoiceField(label=_("Department"), required=False, widget=forms.Select(attrs=SELECT))
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None,
                                  widget=forms.Select(attrs=SELECT))
    show = forms.ChoiceField(label=_("Show"), choices=SHOW, required=False, widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, departments, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any kind")), *Document.Kind.choices]
        self.fields["department"].choices = [("", _("Any department")),
                                             *[(str(d.pk), d.name) for d in departments]]
        self.fields["year"].choices = [("", _("Any year")), *[(str(y), str(y)) for y in years]]


class DocumentForm(EditorialForm):
    """A document's details for the editorial editor: per-language title and summary (added by the base form
    for every site language, the title required in the default one) and the document's own fields."""

    class Meta:
        model = Document
        fields = ["jurisdiction", "kind", "department", "language", "topics", "effective_from", "effective_until"]
        widgets = {
            "jurisdiction": forms.Select(attrs=SELECT), "department": forms.Select(attrs=SELECT),
            "kind": forms.Select(attrs=SELECT), "topics": forms.TextInput(attrs=INPUT),
            "effective_from": forms.DateInput(attrs={**INPUT, "type": "date"}, format="%Y-%m-%d"),
            "effective_until": forms.DateInput(attrs={**INPUT, "type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        from civicdesk.jurisdictions.models import Department

        self.fields["language"] = forms.ChoiceField(
            label=_("Language of the document"), choices=settings.LANGUAGES, widget=forms.Select(attrs=SELECT),
            initial=self.instance.language or settings.LANGUAGE_CODE,
            help_text=_("Its text is searched in this language."))
        jurisdictions = self.fields["jurisdiction"].queryset
        self.fields["department"].queryset = Department.objects.filter(
            jurisdiction__in=jurisdictions).order_by("name")

    def clean(self):
        data = super().clean()
        department, jurisdiction = data.get("department"), data.get("jurisdiction")
        if department and jurisdiction and department.jurisdiction_id != jurisdiction.pk:
            self.add_error("department", _("Choose a department of the same jurisdiction."))
        start, end = data.get("effective_from"), data.get("effective_until")
        if start and end and end < start:
            self.add_error("effective_until", _("The end of the period in force must be on or after its start."))
        return data


class NewDocumentForm(DocumentForm):
    """A new document: its details and its first file."""

    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs=FILE),
                           help_text=_("PDF, Word (.docx), OpenDocument text (.odt), a spreadsheet (.xlsx, .ods, "
                                       ".csv), or for a zoning map a JPEG or PNG image."))
    change_note = forms.CharField(label=_("Note about this file"), max_length=300, required=False,
                                  widget=forms.TextInput(attrs=INPUT))


class VersionForm(forms.Form):
    """A new version of a document's file."""

    file = forms.FileField(label=_("New file"), widget=forms.ClearableFileInput(attrs=FILE))
    change_note = forms.CharField(label=_("What changed"), max_length=300,
                                  widget=forms.TextInput(attrs=INPUT),
                                  help_text=_("Residents see this note beside the version."))
