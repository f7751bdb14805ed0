"""Forms of the editorial console: the base form content apps extend, workflow actions, image upload."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import access, text
from .models import Status

_LIMITS = {"line": 200, "multiline": 2000, "markdown": 50000}


class EditorialForm(forms.ModelForm):
    """Base of a content app's edit form. Declare Meta.model and Meta.fields (the model's own fields, with
    "jurisdiction"); the per-language fields of the model's `translated_fields` are added here as
    "<field>__<language>" for every site language, required in the default language for
    `required_translated`. Pass `user=` so the jurisdiction list is limited to the editor's own."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        model = self._meta.model
        self.language_codes = [code for code, _name in text.site_languages()]
        default = text.default_language()
        for name in model.translated_fields:
            model_field = model._meta.get_field(name)
            kind = ("markdown" if name in model.markdown_fields
                    else "multiline" if name in model.multiline_fields else "line")
            current = getattr(self.instance, name) or {}
            for language in self.language_codes:
                attrs = {"lang": language}
                if kind == "markdown":
                    widget = forms.Textarea(attrs={**attrs, "rows": 14, "class": "usa-textarea cd-markdown",
                                                   "data-markdown": "true"})
                elif kind == "multiline":
                    widget = forms.Textarea(attrs={**attrs, "rows": 3, "class": "usa-textarea"})
                else:
                    widget = forms.TextInput(attrs={**attrs, "class": "usa-input"})
                field = forms.CharField(
                    label=model_field.verbose_name, max_length=_LIMITS[kind], widget=widget,
                    required=(language == default and name in model.required_translated),
                    initial=current.get(language, ""),
                )
                field.language = language
                field.translated_name = name
                field.is_markdown = kind == "markdown"
                self.fields[f"{name}__{language}"] = field
        if "jurisdiction" in self.fields and user is not None:
            self.fields["jurisdiction"].queryset = access.jurisdictions_for(user)
            self.fields["jurisdiction"].empty_label = None

    def language_groups(self) -> list[dict]:
        """[{code, name, fields: [bound fields]}] in site-language order, for one fieldset or tab each."""
        groups = []
        for code in self.language_codes:
            fields = [self[f"{name}__{code}"] for name in self._meta.model.translated_fields]
            groups.append({"code": code, "name": text.language_name(code), "fields": fields,
                           "is_default": code == text.default_language()})
        return groups

    #: Static scripts the edit page loads for this form (progressive enhancement of its sections).
    scripts: tuple[str, ...] = ()

    def sections(self) -> list[dict]:
        """Parts of a content app's form shown after its own fields (a grid of hours, a formset of fees):
        [{"template": path, ...}], each rendered with the dict as `section`. None here."""
        return []

    def other_fields(self) -> list:
        """The bound fields that are not per-language."""
        return [self[name] for name in self.fields if "__" not in name]

    def markdown_previews(self) -> list[dict]:
        """The rendered Markdown of every Markdown field in the submitted data (the no-JavaScript preview)."""
        previews = []
        for name, field in self.fields.items():
            if getattr(field, "is_markdown", False):
                value = self.data.get(self.add_prefix(name), "") if self.is_bound else field.initial
                previews.append({"name": name, "label": field.label, "language": text.language_name(
                    field.language), "html": text.render_markdown(value or "")})
        return previews

    def m2m_values(self) -> dict:
        """{name: selected objects} of the form's many-to-many fields (what a pending change holds for them)."""
        model = self._meta.model
        return {name: list(self.cleaned_data.get(name) or []) for name in self.fields
                if "__" not in name and any(f.name == name and f.many_to_many for f in model._meta.get_fields())}

    def save(self, commit: bool = True):
        obj = super().save(commit=False)
        for name in self._meta.model.translated_fields:
            value = {}
            for language in self.language_codes:
                entered = (self.cleaned_data.get(f"{name}__{language}") or "").strip()
                if entered:
                    value[language] = entered
            setattr(obj, name, value)
        if commit:
            obj.save()
            self.save_m2m()
        return obj


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", attrs={"class": "usa-input"}, **kwargs)


class ApproveForm(forms.Form):
    publish_at = forms.DateTimeField(label=_("Publish at (leave empty to publish now)"), required=False,
                                     widget=DateTimeInput())
    unpublish_at = forms.DateTimeField(label=_("Unpublish at (optional)"), required=False,
                                       widget=DateTimeInput())


class SendBackForm(forms.Form):
    comment = forms.CharField(label=_("What should change"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}))


class ListFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("Any state")), *Status.choices, ("scheduled", _("Scheduled")),
                                       ("expired", _("Expired"))])
    type = forms.ChoiceField(label=_("Type"), required=False)

    def __init__(self, *args, editables=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("Every type"))] + [(e.key, e.label_plural) for e in editables]


class ImageUploadForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(label=_("Jurisdiction"), queryset=None, empty_label=None)
    image = forms.FileField(label=_("Image (JPEG, PNG or WebP)"))
    alt_text = forms.CharField(label=_("Alt text: what the image shows"), max_length=250,
                               widget=forms.TextInput(attrs={"class": "usa-input"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = access.jurisdictions_for(user)
