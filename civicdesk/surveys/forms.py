"""Forms of the survey pages: staff builder forms (every text in each language the site offers) and the
resident's email form."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import validate_slug
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.formengine.models import Question
from civicdesk.formengine.text import languages

from .models import Survey

LANGUAGE_NAMES = dict(settings.LANGUAGES)


class TranslatedFieldsMixin:
    """Adds one field per site language for a staff-entered text (`<name>__<code>`), the default language's
    required when the text is; `texts(name)` gives back the {code: text} map."""

    def add_texts(self, name: str, label: str, *, required: bool = True, initial: dict | None = None,
                  long: bool = False, max_length: int = 2000) -> None:
        initial = initial or {}
        for index, code in enumerate(languages()):
            widget = forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}) if long else \
                forms.TextInput(attrs={"class": "usa-input"})
            self.fields[f"{name}__{code}"] = forms.CharField(
                label=f"{label} ({LANGUAGE_NAMES[code]})", required=required and index == 0, max_length=max_length,
                widget=widget, initial=initial.get(code, ""))

    def texts(self, name: str) -> dict:
        return {code: self.cleaned_data.get(f"{name}__{code}", "").strip() for code in languages()
                if self.cleaned_data.get(f"{name}__{code}", "").strip()}

    def text_fields(self, name: str) -> list:
        return [self[f"{name}__{code}"] for code in languages()]


class NewSurveyForm(TranslatedFieldsMixin, forms.Form):
    jurisdiction = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Jurisdiction"), empty_label=None)
    slug = forms.CharField(label=gettext_lazy("Web address (letters, numbers and hyphens)"), max_length=80,
                           validators=[validate_slug], widget=forms.TextInput(attrs={"class": "usa-input"}))

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions
        self.fields["jurisdiction"].widget.attrs["class"] = "usa-select"
        self.add_texts("title", _("Title"), max_length=200)

    @property
    def text_fields_title(self) -> list:
        return self.text_fields("title")

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        if Survey.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("Another survey already uses this web address."))
        return slug


class SurveySettingsForm(TranslatedFieldsMixin, forms.Form):
    opens_at = forms.DateTimeField(label=gettext_lazy("Opens (leave empty to open when published)"), required=False,
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "usa-input"},
                                                              format="%Y-%m-%dT%H:%M"))
    closes_at = forms.DateTimeField(label=gettext_lazy("Closes (leave empty to stay open)"), required=False,
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "usa-input"},
                                                               format="%Y-%m-%dT%H:%M"))
    respondents = forms.ChoiceField(label=gettext_lazy("Who may answer"), choices=Survey.Respondents.choices,
                                    widget=forms.RadioSelect)
    is_published = forms.BooleanField(label=gettext_lazy("Published (people can see it)"), required=False)

    def __init__(self, *args, survey: Survey, **kwargs):
        kwargs.setdefault("initial", {"opens_at": survey.opens_at, "closes_at": survey.closes_at,
                                      "respondents": survey.respondents, "is_published": survey.is_published})
        super().__init__(*args, **kwargs)
        self.add_texts("title", _("Title"), initial=survey.form.title, max_length=200)
        self.add_texts("description", _("Introduction"), required=False, initial=survey.form.description, long=True)
        self.add_texts("thank_you", _("Thank-you text"), required=False, initial=survey.thank_you, long=True)


class SectionForm(TranslatedFieldsMixin, forms.Form):
    def __init__(self, *args, section=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_texts("title", _("Section title"), required=False, initial=section.title if section else None,
                       max_length=200)
        self.add_texts("description", _("Section introduction"), required=False,
                       initial=section.description if section else None, long=True)


#: Option rows shown in the question form (empty ones are ignored).
OPTION_ROWS = 8


class QuestionForm(TranslatedFieldsMixin, forms.Form):
    """A question with its options and condition. The condition offers the single- and multiple-choice
    questions before it, and their options as "question: option" pairs."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind of question"), choices=Question.Kind.choices)
    section = forms.TypedChoiceField(label=gettext_lazy("Section"), coerce=int)
    required = forms.BooleanField(label=gettext_lazy("An answer is required"), required=False)
    scale_max = forms.IntegerField(label=gettext_lazy("Rating scale: highest rating (2 to 10)"), min_value=2,
                                   max_value=10, initial=5, widget=forms.NumberInput(attrs={"class": "usa-input usa-input--small"}))
    min_value = forms.DecimalField(label=gettext_lazy("Number: smallest allowed"), required=False,
                                   widget=forms.NumberInput(attrs={"class": "usa-input usa-input--small"}))
    max_value = forms.DecimalField(label=gettext_lazy("Number: largest allowed"), required=False,
                                   widget=forms.NumberInput(attrs={"class": "usa-input usa-input--small"}))
    condition = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Show this question only if the answer to an earlier question is (or includes)"),
        required=False, coerce=int, widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Leave all unticked to always show it. Tick options of one question only."))

    def __init__(self, *args, survey: Survey, question: Question | None = None, **kwargs):
        sections = survey.form.ordered_sections()
        before = []
        for section in sections:
            for candidate in section.questions_list:
                if question is not None and candidate.pk == question.pk:
                    break
                before.append(candidate)
            else:
                continue
            break
        self.condition_options = {choice.pk: (candidate, choice) for candidate in before
                                  if candidate.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE)
                                  for choice in candidate.choices.all()}
        if question is not None:
            kwargs.setdefault("initial", {
                "kind": question.kind, "section": question.section_id, "required": question.required,
                "scale_max": question.scale_max, "min_value": question.min_value, "max_value": question.max_value,
                "condition": [c.pk for c in question.condition_choices.all()]})
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "usa-select"
        self.fields["section"].widget.attrs["class"] = "usa-select"
        self.fields["section"].choices = [(s.pk, _("Section %(number)s") % {"number": n} + (f": {s}" if s.title else ""))
                                          for n, s in enumerate(sections, start=1)]
        self.fields["condition"].choices = [(pk, f"{q}: {c}") for pk, (q, c) in self.condition_options.items()]
        self.add_texts("text", _("Question"), initial=question.text if question else None, max_length=500)
        self.add_texts("help_text", _("Hint"), required=False, initial=question.help_text if question else None,
                       max_length=500)
        existing = list(question.choices.all()) if question else []
        for row in range(OPTION_ROWS):
            self.add_texts(f"option{row}", _("Option %(number)s") % {"number": row + 1}, required=False,
                           initial=existing[row].text if row < len(existing) else None, max_length=200)

    def clean(self):
        cleaned = super().clean()
        picked = [self.condition_options[pk] for pk in cleaned.get("condition", []) if pk in self.condition_options]
        if len({question.pk for question, _choice in picked}) > 1:
            self.add_error("condition", _("Tick options of one question only."))
        cleaned["condition_question"] = picked[0][0] if picked else None
        cleaned["condition_choices"] = [choice for _question, choice in picked]
        return cleaned

    @property
    def text_fields_text(self) -> list:
        return self.text_fields("text")

    @property
    def text_fields_help_text(self) -> list:
        return self.text_fields("help_text")

    def options(self) -> list[dict]:
        return [self.texts(f"option{row}") for row in range(OPTION_ROWS)]

    def option_rows(self) -> list[list]:
        return [self.text_fields(f"option{row}") for row in range(OPTION_ROWS)]


class InviteForm(forms.Form):
    districts = forms.ModelMultipleChoiceField(queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
                                               label=gettext_lazy("Residents of these districts (people who reported a request there)"))
    subscribers = forms.BooleanField(required=False,
                                     label=gettext_lazy("Also area subscribers whose area meets these districts"))
    service_types = forms.ModelMultipleChoiceField(queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
                                                   label=gettext_lazy("People who reported these kinds of problem"))

    def __init__(self, *args, survey: Survey, **kwargs):
        from civicdesk.catalog.models import ServiceType

        super().__init__(*args, **kwargs)
        self.fields["districts"].queryset = survey.jurisdiction.districts.order_by("name")
        self.fields["service_types"].queryset = ServiceType.objects.filter(is_active=True).for_jurisdiction(
            survey.jurisdiction).distinct().order_by("name")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("districts") and not cleaned.get("service_types"):
            raise forms.ValidationError(_("Choose at least one district or kind of problem."))
        if cleaned.get("subscribers") and not cleaned.get("districts"):
            self.add_error("districts", _("Choose the districts whose area subscribers to invite."))
        return cleaned


class EmailForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Your email address"), max_length=254,
                             help_text=gettext_lazy("We email you a personal link to answer. We never show your address "
                                                    "with your answers."),
                             widget=forms.EmailInput(attrs={"class": "usa-input", "autocomplete": "email"}))
