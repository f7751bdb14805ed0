"""Staff forms for published datasets: a new dataset from a CSV file, its description, a new file."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import csvdata
from .models import ColumnType, Frequency, PublishedDataset

INPUT = {"class": "usa-input"}
SELECT = {"class": "usa-select"}
TEXTAREA = {"class": "usa-textarea", "rows": 4}
FILE = {"class": "usa-file-input", "accept": ".csv,text/csv"}


class CsvFileField(forms.FileField):
    """A CSV upload, refused at once when larger than csvdata.MAX_BYTES (the content is checked by the service)."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload is not None and upload.size > csvdata.MAX_BYTES:
            raise forms.ValidationError(_("The file is %(size)s MB; the limit is %(limit)s MB.") % {
                "size": f"{upload.size / 1048576:.1f}", "limit": csvdata.MAX_BYTES // 1048576})
        return upload


class DatasetForm(forms.ModelForm):
    """What a dataset is: shown in the catalogue and in /data.json."""

    class Meta:
        model = PublishedDataset
        fields = ["title", "description", "keywords", "frequency"]
        widgets = {"title": forms.TextInput(attrs=INPUT), "description": forms.Textarea(attrs=TEXTAREA),
                   "keywords": forms.TextInput(attrs=INPUT), "frequency": forms.Select(attrs=SELECT)}


class NewDatasetForm(DatasetForm):
    jurisdiction = forms.ModelChoiceField(queryset=None, label=_("Publisher"), empty_label=None,
                                          widget=forms.Select(attrs=SELECT))
    file = CsvFileField(label=_("CSV file"), widget=forms.ClearableFileInput(attrs=FILE), help_text=_(
        "UTF-8 text, the first line naming the columns, at most 5 MB and 50,000 rows."))

    class Meta(DatasetForm.Meta):
        fields = ["jurisdiction", "title", "description", "keywords", "frequency"]

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions
        self.fields["frequency"].initial = Frequency.ANNUAL


class ReplaceFileForm(forms.Form):
    file = CsvFileField(label=_("New CSV file"), widget=forms.ClearableFileInput(attrs=FILE), help_text=_(
        "Replaces every row. Columns with the same heading keep their descriptions."))


class ColumnForm(forms.Form):
    """One column's description; `pk` ties it to the column (checked against the dataset by the view)."""

    pk = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs=INPUT))
    description = forms.CharField(label=_("Meaning"), required=False, widget=forms.Textarea(
        attrs={**TEXTAREA, "rows": 2}))
    type = forms.ChoiceField(label=_("Type"), choices=ColumnType.choices, widget=forms.Select(attrs=SELECT))


ColumnFormSet = forms.formset_factory(ColumnForm, extra=0, can_delete=False)
