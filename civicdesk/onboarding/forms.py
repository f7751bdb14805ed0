"""Forms of the boundary upload (file, then the name attribute) and of the checklist's test email."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .access import jurisdictions_for
from .geofiles import MAX_FILE_BYTES
from .models import BoundaryUpload


class BoundaryUploadForm(forms.Form):
    """Step 1: the file, what it holds, and for which jurisdiction."""

    file = forms.FileField(label=_("Boundary file"), help_text=_(
        "GeoJSON (.geojson, .json), KML (.kml, .kmz) or a shapefile zipped with its .shx, .dbf and .prj files "
        "(.zip), in any projection the file names; at most 50 MB."))
    kind = forms.ChoiceField(label=_("What the file holds"), choices=BoundaryUpload.Kind.choices,
                             widget=forms.RadioSelect)
    jurisdiction = forms.ModelChoiceField(
        label=_("Jurisdiction"), queryset=None, required=False,
        help_text=_("Whose districts or areas these are; for a jurisdiction boundary, the jurisdiction to replace "
                    "(leave empty to add new jurisdictions named in the file)."))
    replace = forms.BooleanField(label=_("Replace boundaries that already exist"), required=False, help_text=_(
        "Without this, a feature named like an existing boundary is refused rather than replacing it."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["jurisdiction"].queryset = jurisdictions_for(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB; boundary files are much smaller."))
        return upload

    def clean(self):
        data = super().clean()
        kind, jurisdiction = data.get("kind"), data.get("jurisdiction")
        if kind in {"district", "area"} and jurisdiction is None:
            self.add_error("jurisdiction", _("Choose the jurisdiction these districts or areas belong to."))
        if kind == "jurisdiction" and jurisdiction is None and not self.user.is_superuser:
            self.add_error("jurisdiction", _("Choose your jurisdiction: only a site administrator adds new ones."))
        return data


class NameFieldForm(forms.Form):
    """Step 2: which of the file's attributes holds the names."""

    name_field = forms.ChoiceField(label=_("Attribute that holds the names"))

    def __init__(self, *args, attributes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name_field"].choices = [(a, a) for a in attributes]
