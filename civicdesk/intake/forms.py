"""Forms of the resident web report flow."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext, gettext_lazy as _

from civicdesk.catalog.models import ServiceAttribute, ServiceType
from civicdesk.catalog.services import questions
from civicdesk.lib.contact_details import find_contact_details
from civicdesk.lib import phones


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked later by lib.media."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "accept": "image/jpeg,image/png,image/webp,image/heic,image/heif,video/mp4,video/webm",
            "class": "usa-file-input",
        }))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class LocationForm(forms.Form):
    """Where the problem is: a pin (lat/long set by the map) or a typed address."""

    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    long = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    address = forms.CharField(
        label=_("Street address"), required=False, max_length=255,
        help_text=_("For example 120 Main Street."),
        # dir="auto": an address typed in Latin letters reads left to right on an Arabic page, one in Arabic right to left.
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "street-address", "dir": "auto"}),
    )
    address_id = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def clean(self):
        data = super().clean()
        if [self._errors.pop(name) for name in ("lat", "long") if name in self._errors]:
            # The map fills these hidden inputs, so their errors would show nowhere: say it at the top.
            raise forms.ValidationError(_("The location is not a valid map position."))
        has_pin = data.get("lat") is not None and data.get("long") is not None
        if not has_pin and not data.get("address") and not data.get("address_id"):
            raise forms.ValidationError(_("Tell us where the problem is: type an address, or choose the place on the map."))
        return data


def _attribute_field(attribute: ServiceAttribute) -> forms.Field:
    # The message names the question so it still makes sense when read out alone by a screen reader.
    common = {"label": attribute.description, "required": attribute.required,
              "help_text": attribute.datatype_description,
              "error_messages": {"required": gettext("Please answer “%(q)s”.") % {"q": attribute.description}}}
    kind = attribute.datatype
    choices = [(v.key, v.name) for v in attribute.values.all()]
    if kind == ServiceAttribute.Datatype.SINGLE:
        return forms.ChoiceField(choices=[("", _("Choose one"))] + choices,
                                 widget=forms.Select(attrs={"class": "usa-select"}), **common)
    if kind == ServiceAttribute.Datatype.MULTI:
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if kind == ServiceAttribute.Datatype.NUMBER:
        return forms.DecimalField(widget=forms.NumberInput(attrs={"class": "usa-input"}), **common)
    if kind == ServiceAttribute.Datatype.DATETIME:
        return forms.DateTimeField(widget=forms.DateTimeInput(attrs={"class": "usa-input", "type": "datetime-local"}),
                                   input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"], **common)
    if kind == ServiceAttribute.Datatype.TEXT:
        return forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 3}),
                               **common)
    return forms.CharField(max_length=255, widget=forms.TextInput(attrs={"class": "usa-input"}), **common)


class ServiceQuestionsMixin:
    """A form that asks a kind of problem's questions (its variable attributes) as `attribute_<code>` fields.

    Call `add_question_fields(service_type)` in `__init__`; `attribute_answers()` gives what submit_request
    takes. Used by the resident's report form and by staff forms that file a request (insights).
    """

    def add_question_fields(self, service_type: ServiceType) -> None:
        self.attribute_names = []
        # The cached questions (catalog.services.questions): a report's form sends no query for them.
        for attribute in [question for question in questions(service_type) if question.variable]:
            name = f"attribute_{attribute.code}"
            self.fields[name] = _attribute_field(attribute)
            self.attribute_names.append(name)

    def attribute_fields(self):
        return [self[name] for name in self.attribute_names]

    def attribute_answers(self) -> dict:
        """Answers keyed by attribute code, as strings (lists for multi-choice), for submit_request."""
        answers = {}
        for name in self.attribute_names:
            value = self.cleaned_data.get(name)
            if value in (None, "", []):
                continue
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            answers[name.removeprefix("attribute_")] = value if isinstance(value, list) else str(value)
        return answers


class ReportForm(ServiceQuestionsMixin, LocationForm):
    """The details of a report: description, the category's questions, photos and contact details."""

    description = forms.CharField(
        label=_("Describe the problem"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 4}),
        help_text=_("What is wrong, and anything that helps the crew find it."),
    )
    media = MultipleFileField(
        label=_("Photos or a video (optional)"), required=False,
        help_text=_("Up to 5 photos (JPEG, PNG, WebP or HEIC) or one short MP4 or WebM video."),
    )
    name = forms.CharField(label=_("Your name"), required=False, max_length=120,
                           widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "name"}))
    email = forms.EmailField(label=_("Email"), required=False, max_length=254,
                             widget=forms.EmailInput(attrs={"class": "usa-input", "autocomplete": "email"}),
                             help_text=_("We send your tracking number and updates here."))
    phone = forms.CharField(label=_("Phone"), required=False, max_length=32,
                            error_messages={"max_length": _("That phone number is too long. Enter one number, "
                                                            "like 217-555-0142.")},
                            widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "tel",
                                                          "type": "tel"}))
    not_emergency = forms.BooleanField(
        label=_("I confirm this is not an emergency: no one is in danger."), required=False,
        widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
    )

    contact_details_ok = forms.BooleanField(
        label=_("Send my description as it is. I understand the email address or phone number in it is hidden "
                "from the public but seen by city staff."), required=False,
        widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
    )

    def __init__(self, *args, service_type: ServiceType, **kwargs):
        super().__init__(*args, **kwargs)
        self.service_type = service_type
        self.add_question_fields(service_type)
        for name, required, message in [
            ("name", service_type.requires_name, _("Please give your name for this kind of request.")),
            ("email", service_type.requires_email, _("Please give your email address for this kind of request.")),
            ("phone", service_type.requires_phone, _("Please give your phone number for this kind of request.")),
        ]:
            self.fields[name].required = required
            self.fields[name].error_messages["required"] = message

    def contact_details_in_description(self) -> bool:
        """True when the (valid) description holds an email address or phone number the resident has not
        yet agreed to send as it is: the details step then warns before submitting."""
        if self.cleaned_data.get("contact_details_ok"):
            return False
        return bool(find_contact_details(self.cleaned_data.get("description", "")))

    def clean_phone(self) -> str:
        """The number as it is stored (E.164), or a message saying why it cannot be a phone number."""
        try:
            return phones.normalise(self.cleaned_data.get("phone", ""))
        except phones.PhoneError as exc:
            raise forms.ValidationError(str(exc)) from None

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Show errors from submit_request() next to the field they are about."""
        field_map = {"location": None, "email": "email", "phone": "phone", "name": "name",
                     "description": "description", "media": "media", "service_code": None}
        for key, messages in errors.items():
            if key.startswith("attribute[") and key.endswith("]"):
                field = "attribute_" + key[len("attribute["):-1]
                field = field if field in self.fields else None
            else:
                field = field_map.get(key)
            for message in messages:
                self.add_error(field, message)
