"""Forms of the public register (its filters; what a type publishes) and of the licence renewal."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from civicdesk.formengine.models import Question
from civicdesk.formengine.text import pick
from civicdesk.jurisdictions.models import District

from .registers import Filters

SELECT = {"class": "usa-select"}
DATE = {"class": "usa-input", "type": "date"}
STATES = [("", gettext_lazy("Any status")), ("valid", gettext_lazy("Valid")), ("expired", gettext_lazy("Expired")),
          ("revoked", gettext_lazy("Revoked"))]


class RegisterFilterForm(forms.Form):
    """The register's filters (GET): type, status, issued between, district. Unknown values are refused with
    words, and an invalid form filters nothing."""

    type = forms.ChoiceField(label=gettext_lazy("Permit or licence"), required=False, widget=forms.Select(attrs=SELECT))
    state = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=STATES,
                              widget=forms.Select(attrs=SELECT))
    issued_from = forms.DateField(label=gettext_lazy("Issued on or after"), required=False,
                                  widget=forms.DateInput(attrs=DATE))
    issued_to = forms.DateField(label=gettext_lazy("Issued on or before"), required=False,
                                widget=forms.DateInput(attrs=DATE))
    district = forms.TypedChoiceField(label=gettext_lazy("District"), required=False, coerce=int, empty_value=None,
                                      widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, types: list, districts: list[District], **kwargs):
        super().__init__(*args, **kwargs)
        self.types = {t.slug: t for t in types}
        self.fields["type"].choices = [("", gettext_lazy("Every type"))] + [(t.slug, str(t)) for t in types]
        self.fields["district"].choices = [("", gettext_lazy("Every district"))] + [(d.pk, d.name) for d in districts]

    def filters(self) -> Filters:
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(type=self.types.get(data["type"]), state=data["state"], issued_from=data["issued_from"],
                       issued_to=data["issued_to"], district=data["district"])


class RegisterSettingsForm(forms.Form):
    """What a type's public register publishes (staff console)."""

    enabled = forms.BooleanField(label=gettext_lazy("List issued permits in the public register"), required=False)
    show_place = forms.BooleanField(label=gettext_lazy("Publish the place (address and map)"), required=False)
    place_question = forms.TypedChoiceField(label=gettext_lazy("Question giving the place"), required=False,
                                            coerce=int, empty_value=None, widget=forms.Select(attrs=SELECT))
    show_dates = forms.BooleanField(label=gettext_lazy("Publish the issue and expiry dates"), required=False)
    show_status = forms.BooleanField(label=gettext_lazy("Publish the status (valid, expired, revoked)"),
                                     required=False)
    show_holder = forms.BooleanField(
        label=gettext_lazy("Publish the holder's name: only where the law makes it public, e.g. business licences"),
        required=False)
    public_questions = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Answers published"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Never choose a question asking for a name, a phone number or an email address."))

    def __init__(self, *args, application_type, register, **kwargs):
        self.questions = {q.pk: q for q in application_type.form.questions_in_order()}
        kwargs.setdefault("initial", {
            "enabled": register.enabled, "show_place": register.show_place, "show_dates": register.show_dates,
            "show_status": register.show_status, "show_holder": register.show_holder,
            "place_question": register.place_question_id,
            "public_questions": [q.pk for q in register.public_questions.all()] if register.pk else []})
        super().__init__(*args, **kwargs)
        places = [(pk, pick(q.text)) for pk, q in self.questions.items()
                  if q.kind in (Question.Kind.MAP_PIN, Question.Kind.TEXT)]
        self.fields["place_question"].choices = [("", gettext_lazy("None"))] + places
        self.fields["public_questions"].choices = [(pk, pick(q.text)) for pk, q in self.questions.items()
                                                   if q.kind != Question.Kind.MAP_PIN]

    def values(self) -> dict:
        data = self.cleaned_data
        return {"enabled": data["enabled"], "show_place": data["show_place"], "show_dates": data["show_dates"],
                "show_status": data["show_status"], "show_holder": data["show_holder"],
                "place_question": self.questions.get(data["place_question"]),
                "public_questions": [self.questions[pk] for pk in data["public_questions"]]}
