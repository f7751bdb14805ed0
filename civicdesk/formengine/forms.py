"""One section of a form as a Django form: a field per question, conditions and required answers checked on
the server (so the form works without JavaScript), answers turned into plain JSON values.

Stored values, by question kind (what `SectionForm.stored()` returns and `services.save_response()` takes,
keyed by `Question.field_name`): single → choice id; multiple → list of choice ids; rating → int; text → str;
number → str (a decimal); date → "YYYY-MM-DD"; map_pin → {"lat", "long", "address"}; ranking → {choice id (str):
rank}.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Question
from .text import pick

TEXT_MAX = 2000
ADDRESS_MAX = 300


class MapPinField(forms.MultiValueField):
    """Latitude, longitude and an address typed in words: either a full point or an address will do."""

    widget = forms.MultiWidget(widgets=[forms.NumberInput(attrs={"step": "any"}), forms.NumberInput(attrs={"step": "any"}),
                                        forms.TextInput()])

    def __init__(self, **kwargs):
        fields = (forms.FloatField(min_value=-90, max_value=90, required=False),
                  forms.FloatField(min_value=-180, max_value=180, required=False),
                  forms.CharField(max_length=ADDRESS_MAX, required=False))
        kwargs["required"] = False
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list:
            return None
        lat, long, address = (list(data_list) + [None, None, ""])[:3]
        if lat is None and long is None and not address:
            return None
        if (lat is None) != (long is None):
            raise forms.ValidationError(gettext_lazy("Give both the latitude and the longitude, or type the address."))
        return {"lat": lat, "long": long, "address": (address or "").strip()}


class RankingField(forms.MultiValueField):
    """A number from 1 to n for each of n options, each number used once."""

    def __init__(self, *, choices: list[tuple[int, str]], **kwargs):
        self.option_ids = [pk for pk, _label in choices]
        numbers = [("", "—")] + [(str(n), str(n)) for n in range(1, len(choices) + 1)]
        fields = [forms.TypedChoiceField(choices=numbers, coerce=int, required=False) for _c in choices]
        self.widget = forms.MultiWidget(widgets=[forms.Select(choices=numbers) for _c in choices])
        kwargs["required"] = False
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        ranks = [value for value in (data_list or []) if value not in (None, "")]
        if not ranks:
            return None
        if len(ranks) != len(self.option_ids) or sorted(ranks) != list(range(1, len(self.option_ids) + 1)):
            raise forms.ValidationError(gettext_lazy(
                "Give each option a different number from 1 to %(count)s.") % {"count": len(self.option_ids)})
        return {str(pk): int(rank) for pk, rank in zip(self.option_ids, data_list)}


def field_for(question: Question) -> forms.Field:
    """The Django form field that asks `question` (never required here: SectionForm.clean decides)."""
    label = pick(question.text)
    common = {"label": label, "required": False, "help_text": pick(question.help_text)}
    choices = [(choice.pk, pick(choice.text)) for choice in question.choices.all()]
    kind = question.kind
    if kind == Question.Kind.SINGLE:
        return forms.TypedChoiceField(choices=choices, coerce=int, widget=forms.RadioSelect, **common)
    if kind == Question.Kind.MULTIPLE:
        return forms.TypedMultipleChoiceField(choices=choices, coerce=int, widget=forms.CheckboxSelectMultiple,
                                              **common)
    if kind == Question.Kind.RATING:
        scale = [(n, str(n)) for n in range(1, question.scale_max + 1)]
        return forms.TypedChoiceField(choices=scale, coerce=int, widget=forms.RadioSelect, **common)
    if kind == Question.Kind.TEXT:
        return forms.CharField(max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4, "class": "usa-textarea"}),
                               **common)
    if kind == Question.Kind.NUMBER:
        return forms.DecimalField(max_digits=14, decimal_places=2, min_value=question.min_value,
                                  max_value=question.max_value, widget=forms.NumberInput(attrs={"class": "usa-input"}),
                                  **common)
    if kind == Question.Kind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}, format="%Y-%m-%d"),
                               input_formats=["%Y-%m-%d"], **common)
    if kind == Question.Kind.MAP_PIN:
        return MapPinField(**common)
    if kind == Question.Kind.RANKING:
        return RankingField(choices=choices, **common)
    raise ValueError(f"unknown question kind {kind!r}")


def to_stored(question: Question, value):
    """A cleaned field value as the plain JSON value kept between sections (None when unanswered)."""
    if value in (None, "", [], {}):
        return None
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip() or None
    return value


def to_initial(question: Question, value):
    """A stored value as the initial value of its field (to show what was answered when going back)."""
    if value is None:
        return None
    if question.kind == Question.Kind.MAP_PIN:
        return [value.get("lat"), value.get("long"), value.get("address", "")]
    if question.kind == Question.Kind.RANKING:
        return [value.get(str(choice.pk)) for choice in question.choices.all()]
    return value


class SectionForm(forms.Form):
    """The questions of one section. `earlier` holds the stored answers of the sections before it, so
    conditions on earlier questions are evaluated on the server; conditions inside the section are evaluated
    on the posted answers (JavaScript only hides and shows them while the resident types)."""

    def __init__(self, *args, section, earlier: dict | None = None, with_map: bool = True, **kwargs):
        self.section = section
        self.with_map = with_map
        self.earlier = dict(earlier or {})
        self.questions = list(section.questions_list)
        initial = kwargs.pop("initial", None) or {}
        initial = {q.field_name: to_initial(q, initial.get(q.field_name)) for q in self.questions}
        super().__init__(*args, initial=initial, **kwargs)
        for question in self.questions:
            field = field_for(question)
            # Hint and error are named by the input itself (or by the fieldset, in the template).
            field.widget.attrs["aria-describedby"] = f"id_{question.field_name}_hint id_{question.field_name}_error"
            self.fields[question.field_name] = field

    def shown_questions(self) -> list[Question]:
        """The questions of this section that apply, given earlier answers and (once cleaned) this section's."""
        answers = dict(self.earlier)
        shown = []
        data = getattr(self, "cleaned_data", {})
        for question in self.questions:
            if question.is_shown(answers):
                shown.append(question)
                value = to_stored(question, data.get(question.field_name))
                if value is not None:
                    answers[question.field_name] = value
        return shown

    def clean(self):
        cleaned = super().clean()
        shown = {question.pk for question in self.shown_questions()}
        for question in self.questions:
            name = question.field_name
            if question.pk not in shown:
                cleaned.pop(name, None)
                self.errors.pop(name, None)
            elif question.required and name not in self.errors and to_stored(question, cleaned.get(name)) is None:
                self.add_error(name, _("Answer this question: %(question)s") % {"question": pick(question.text)})
        return cleaned

    def stored(self) -> dict:
        """This section's answers (shown questions only) as stored values, after is_valid()."""
        found = {}
        for question in self.shown_questions():
            value = to_stored(question, self.cleaned_data.get(question.field_name))
            if value is not None:
                found[question.field_name] = value
        return found

    def items(self) -> list[dict]:
        """What the template needs per question, in order: the question, its bound field, the condition hint,
        and for ranking its rows (label, input name and id, chosen number), for a map pin its three values and
        whether it gets the page's one map (the first map question does)."""
        found, has_map = [], False
        for question in self.questions:
            field = self[question.field_name]
            item = {"question": question, "field": field, "hint": condition_hint(question, self.questions)}
            values = field.value() if question.kind in (Question.Kind.RANKING, Question.Kind.MAP_PIN) else None
            values = list(values or [])
            if question.kind == Question.Kind.RANKING:
                values += [None] * (len(question.choices.all()) - len(values))
                item["rows"] = [{"label": pick(choice.text), "name": f"{field.html_name}_{i}", "id": f"{field.auto_id}_{i}",
                                 "value": "" if values[i] in (None, "") else str(values[i]),
                                 "numbers": [str(n) for n in range(1, len(question.choices.all()) + 1)]}
                                for i, choice in enumerate(question.choices.all())]
            elif question.kind == Question.Kind.MAP_PIN:
                values += [None] * (3 - len(values))
                item["values"] = ["" if value is None else value for value in values]
                # One map per page (js/map.js finds it by id): the first map question of the section gets it.
                item["map"] = self.with_map and not has_map
                has_map = True
            found.append(item)
        return found


def condition_hint(question: Question, same_section: list[Question]) -> str:
    """Words saying when a conditional question applies, shown when its condition question is on the same
    page (without JavaScript every question of the page is visible)."""
    if question.condition_question_id is None:
        return ""
    trigger = next((q for q in same_section if q.pk == question.condition_question_id), None)
    if trigger is None:
        return ""
    options = [pick(choice.text) for choice in question.condition_choices.all()]
    return _("Answer only if your answer to “%(question)s” was: %(options)s.") % {
        "question": pick(trigger.text), "options": ", ".join(f"“{option}”" for option in options)}
