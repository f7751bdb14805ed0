"""formengine.services: walking sections, saving a response as rows, counting, cross-tabs and exports."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from civicdesk.formengine import services
from civicdesk.formengine.models import Answer, Response
from civicdesk.surveys.tests.helpers import choice, park_survey, questions

pytestmark = pytest.mark.django_db


def _answers(q, *, dog_yes: bool):
    answers = {q["often"].field_name: choice(q["often"], 1), q["doing"].field_name: [choice(q["doing"], 1), choice(q["doing"], 3)],
               q["rating"].field_name: 4, q["dog"].field_name: choice(q["dog"], 1 if dog_yes else 2),
               q["ranking"].field_name: {str(choice(q["ranking"], 1)): 2, str(choice(q["ranking"], 2)): 1,
                                         str(choice(q["ranking"], 3)): 3}}
    if dog_yes:
        answers[q["where"].field_name] = {"lat": 2.5, "long": 3.0, "address": ""}
    return answers


def test_it_skips_a_section_whose_questions_do_not_apply(world):
    survey = park_survey(world)
    q = questions(survey)
    sections = survey.form.ordered_sections()
    assert services.next_section(sections, 1, _answers(q, dog_yes=False)) is None
    assert services.next_section(sections, 1, _answers(q, dog_yes=True)) == 2
    assert services.previous_section(sections, 1, {}) == 0


def test_it_stores_one_row_per_answer_part(world):
    survey = park_survey(world)
    q = questions(survey)
    response = services.save_response(survey.form, _answers(q, dog_yes=True), language="es", district=world.west)
    rows = Answer.objects.filter(response=response)
    assert rows.filter(question=q["doing"]).count() == 2
    assert rows.filter(question=q["ranking"]).count() == 3
    assert rows.get(question=q["ranking"], choice_id=choice(q["ranking"], 2)).rank == 1
    assert rows.get(question=q["where"]).lat == 2.5
    assert response.language == "es" and response.district == world.west


def test_it_drops_answers_to_questions_that_do_not_apply(world):
    survey = park_survey(world)
    q = questions(survey)
    answers = {**_answers(q, dog_yes=False), q["where"].field_name: {"lat": 1, "long": 1, "address": ""},
               q["why"].field_name: "never stored"}
    response = services.save_response(survey.form, answers, language="en")
    assert not response.answers.filter(question__in=[q["where"], q["why"]]).exists()


def test_it_refuses_a_response_missing_a_required_answer_and_writes_nothing(world):
    survey = park_survey(world)
    q = questions(survey)
    answers = _answers(q, dog_yes=True)
    del answers[q["where"].field_name]
    with pytest.raises(ValidationError):
        services.save_response(survey.form, answers, language="en")
    assert Response.objects.count() == 0


def test_it_refuses_a_tampered_option_and_writes_nothing(world):
    survey = park_survey(world)
    q = questions(survey)
    answers = {**_answers(q, dog_yes=False), q["doing"].field_name: [choice(q["dog"], 1)]}
    with pytest.raises(ValidationError):
        services.save_response(survey.form, answers, language="en")
    assert Response.objects.count() == 0


def test_it_counts_cross_tabs_and_exports(world):
    survey = park_survey(world)
    q = questions(survey)
    services.save_response(survey.form, _answers(q, dog_yes=True), language="en", district=world.west)
    services.save_response(survey.form, _answers(q, dog_yes=False), language="en", district=world.east)
    responses = Response.objects.filter(form=survey.form)
    doing = services.question_results(q["doing"], responses)
    assert doing["answered"] == 2
    assert doing["rows"][0] == ("Walk or run", 2) and doing["rows"][1] == ("Play with children", 0)
    rating = services.question_results(q["rating"], responses)
    assert rating["mean"] == 4 and rating["rows"][3] == ("4", 2)
    ranking = services.question_results(q["ranking"], responses)
    assert ranking["rows"][0] == ("A new playground", 1.0, 2)
    table = services.crosstab(q["dog"], responses)
    assert table["columns"] == ["Yes", "No"]
    assert table["rows"] == [("East Elm", [0, 1]), ("West Elm", [1, 0])]
    header, rows = services.export_rows(survey.form, responses)
    rows = list(rows)
    assert len(rows) == 2 and header[:4] == ["response", "submitted_at", "language", "district"]
    assert rows[0][3] == "West Elm"
    assert "Walk or run; Sports" in rows[0]


def test_it_keeps_hidden_text_out_of_exports(world):
    survey = park_survey(world)
    q = questions(survey)
    answers = {**_answers(q, dog_yes=False), q["often"].field_name: choice(q["often"], 4),
               q["why"].field_name: "secretword-canary-31"}
    del answers[q["doing"].field_name]
    response = services.save_response(survey.form, answers, language="en")
    answer = response.answers.get(question=q["why"])
    services.hide_answer(answer, user=world.bob)
    _header, rows = services.export_rows(survey.form, Response.objects.all())
    assert "secretword-canary-31" not in str(list(rows))
    assert answer.audit_entries().get().action == "answer.hidden"


def test_it_places_a_typed_address_found_in_the_address_list(world):
    survey = park_survey(world)
    q = questions(survey)
    answers = {**_answers(q, dog_yes=True), q["where"].field_name: {"lat": None, "long": None, "address": "12 Oak Street"}}
    response = services.save_response(survey.form, answers, language="en")
    row = response.answers.get(question=q["where"])
    assert (row.lat, row.long) != (None, None) and row.text == "12 Oak Street"
    assert services.first_pin(survey.form, answers) == (row.lat, row.long)
    unknown = {**answers, q["where"].field_name: {"lat": None, "long": None, "address": "Somewhere nice"}}
    assert services.first_pin(survey.form, unknown) is None


def test_it_exports_in_batches(world, monkeypatch):
    survey = park_survey(world)
    q = questions(survey)
    for _n in range(5):
        services.save_response(survey.form, _answers(q, dog_yes=False), language="en")
    monkeypatch.setattr(services, "EXPORT_BATCH", 2)
    _header, rows = services.export_rows(survey.form, Response.objects.all())
    rows = list(rows)
    assert len(rows) == 5 and len({row[0] for row in rows}) == 5
    assert all("Walk or run; Sports" in row for row in rows)
