"""Forms of the boundary upload (file, then the name attribute), the staff import, the checklist's test text and
the invitation page."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from .access import jurisdictions_for
from .geofiles import MAX_FILE_BYTES
from .models import BoundaryUpload


class TestSmsForm(forms.Form):
    """The number the checklist's test text goes to, read as residents' numbers are and allowed by the SMS
    policy; `cleaned_data["number"]` is E.164."""

    number = forms.CharField(label=_("Mobile number for a test text"), max_length=40, help_text=_(
        "A phone you have with you, like 217-555-0142 (or +44 7700 900123 abroad)."))

    def clean_number(self) -> str:
        from civicdesk.lib.phones import PhoneError

        from .checklist import sms_test_number

        try:
            return sms_test_number(self.cleaned_data["number"])
        except PhoneError as exc:
            raise forms.ValidationError(str(exc)) from None


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


class StaffImportForm(forms.Form):
    """Step 1 of the staff import: the CSV, and the jurisdiction for rows that leave it empty."""

    file = forms.FileField(label=_("Staff list (CSV)"), help_text=_(
        "One row per seat: email, first_name, last_name, jurisdiction, department, role, language. UTF-8 (with "
        "or without a byte-order mark) or Excel's Windows CSV; at most 5,000 rows and 2 MB."))
    jurisdiction = forms.ModelChoiceField(
        label=_("Jurisdiction for rows that leave it empty"), queryset=None, required=False,
        help_text=_("Leave this empty when every row names its jurisdiction."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions_for(user)

    def clean_file(self):
        from .staff_import import MAX_FILE_BYTES as STAFF_FILE_BYTES

        upload = self.cleaned_data["file"]
        if upload.size > STAFF_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB. Split the list into smaller files."))
        return upload


class AcceptInvitationForm(SetPasswordForm):
    """The invitation page: choose a password (Django's password rules apply)."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget.attrs.update({"class": "usa-input", "autocomplete": "new-password"})
