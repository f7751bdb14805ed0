"""formengine.forms.SectionForm: typed answers, required questions and conditions checked on the server."""

from __future__ import annotations

import pytest

from civicdesk.formengine.forms import SectionForm
from civicdesk.surveys.tests.helpers import choice, park_survey, questions

pytestmark = pytest.mark.django_db


def _section(survey, index):
    return survey.form.ordered_sections()[index]


def test_it_requires_a_required_question(world):
    survey = park_survey(world)
    form = SectionForm({}, section=_section(survey, 0))
    assert not form.is_valid()
    q = questions(survey)
    assert "How often do you visit" in form.errors[q["often"].field_name][0]


def test_it_requires_a_conditional_question_only_when_it_applies(world):
    survey = park_survey(world)
    q = questions(survey)
    weekly = SectionForm({q["often"].field_name: choice(q["often"], 1)}, section=_section(survey, 0))
    assert not weekly.is_valid()
    assert q["doing"].field_name in weekly.errors
    never = SectionForm({q["often"].field_name: choice(q["often"], 4), q["doing"].field_name: [choice(q["doing"], 1)]},
                        section=_section(survey, 0))
    assert never.is_valid(), never.errors
    # The answer to a question that does not apply is dropped.
    assert never.stored() == {q["often"].field_name: choice(q["often"], 4)}


def test_it_refuses_an_option_of_another_question(world):
    survey = park_survey(world)
    q = questions(survey)
    form = SectionForm({q["often"].field_name: choice(q["dog"], 1)}, section=_section(survey, 0))
    assert not form.is_valid()


def test_it_accepts_a_ranking_only_as_a_permutation(world):
    survey = park_survey(world)
    q = questions(survey)
    base = {q["rating"].field_name: "4", q["dog"].field_name: choice(q["dog"], 2)}
    name = q["ranking"].field_name
    twice = SectionForm({**base, f"{name}_0": "1", f"{name}_1": "1", f"{name}_2": "2"}, section=_section(survey, 1))
    assert not twice.is_valid()
    assert "different number from 1 to 3" in twice.errors[name][0]
    good = SectionForm({**base, f"{name}_0": "2", f"{name}_1": "3", f"{name}_2": "1"}, section=_section(survey, 1))
    assert good.is_valid(), good.errors
    ids = [str(c.pk) for c in q["ranking"].choices.order_by("position")]
    assert good.stored()[name] == {ids[0]: 2, ids[1]: 3, ids[2]: 1}
    assert good.stored()[q["rating"].field_name] == 4


def test_it_checks_number_bounds_and_dates(world):
    survey = park_survey(world)
    q = questions(survey)
    base = {q["rating"].field_name: "4", q["dog"].field_name: choice(q["dog"], 2)}
    form = SectionForm({**base, q["household"].field_name: "99", q["last_visit"].field_name: "not a date"},
                       section=_section(survey, 1))
    assert not form.is_valid()
    assert set(form.errors) == {q["household"].field_name, q["last_visit"].field_name}


def test_it_takes_a_map_answer_as_a_point_or_an_address(world):
    survey = park_survey(world)
    q = questions(survey)
    earlier = {q["dog"].field_name: choice(q["dog"], 1)}
    name = q["where"].field_name
    half = SectionForm({f"{name}_0": "2.5"}, section=_section(survey, 2), earlier=earlier)
    assert not half.is_valid()
    assert "both the latitude and the longitude" in half.errors[name][0]
    words = SectionForm({f"{name}_2": "Behind the library"}, section=_section(survey, 2), earlier=earlier)
    assert words.is_valid(), words.errors
    assert words.stored()[name] == {"lat": None, "long": None, "address": "Behind the library"}
    point = SectionForm({f"{name}_0": "2.5", f"{name}_1": "3.5"}, section=_section(survey, 2), earlier=earlier)
    assert point.is_valid() and point.stored()[name]["lat"] == 2.5
    empty = SectionForm({}, section=_section(survey, 2), earlier=earlier)
    assert not empty.is_valid()


def test_it_renders_every_label_and_hint_in_spanish(world, client):
    from django.template.loader import render_to_string
    from django.utils import translation

    survey = park_survey(world)
    with translation.override("es"):
        html = render_to_string("formengine/section_fields.html", {"form": SectionForm(section=_section(survey, 0))})
    assert "¿Con qué frecuencia visita el parque Riverside?" in html
    assert "Responda solo si su respuesta" in html
    assert 'data-show-if="q' in html
