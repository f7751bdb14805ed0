"""Survey results for staff: counts, charts with tables, cross-tabs by district, free-text moderation,
CSV and JSON downloads without personal data."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from civicdesk.formengine import services as engine
from civicdesk.formengine.models import Answer
from civicdesk.surveys.demo import add_responses
from civicdesk.testing.auth import login_verified

from .helpers import choice, park_survey, questions

pytestmark = pytest.mark.django_db


def _with_comment(survey, text, district):
    q = questions(survey)
    return engine.save_response(survey.form, {q["often"].field_name: choice(q["often"], 4), q["why"].field_name: text,
                                              q["rating"].field_name: 2, q["dog"].field_name: choice(q["dog"], 2)},
                                language="en", district=district)


def test_it_shows_counts_charts_tables_and_crosstabs_in_few_queries(world, client, django_assert_max_num_queries):
    survey = park_survey(world)
    add_responses(survey, 30)
    login_verified(client, world.bob)
    with django_assert_max_num_queries(80):
        page = client.get(reverse("surveys_staff:results", args=[survey.pk]))
    body = page.content.decode()
    assert "30 responses." in body
    assert body.count("<svg") >= 5 and body.count('data-testid="crosstab"') == 4
    assert "West Elm" in body and "East Elm" in body
    q = questions(survey)
    rows = list(csv.reader(io.StringIO(client.get(reverse("surveys_staff:question_csv", args=[survey.pk, q["dog"].pk]))
                                      .content.decode())))
    assert rows[0] == ["answer", "responses"] and sum(int(r[1]) for r in rows[1:]) == 30


def test_it_hides_and_shows_a_written_answer_audited(world, client):
    survey = park_survey(world)
    _with_comment(survey, "<script>alert('hiddencanary')</script>", world.west)
    answer = Answer.objects.get(text__contains="hiddencanary")
    login_verified(client, world.bob)
    body = client.get(reverse("surveys_staff:results", args=[survey.pk])).content.decode()
    assert "&lt;script&gt;alert(&#x27;hiddencanary&#x27;)" in body and "<script>alert('hiddencanary')" not in body
    client.post(reverse("surveys_staff:answer_visibility", args=[survey.pk, answer.pk]), {"hide": "1"})
    answer.refresh_from_db()
    assert answer.hidden_at is not None
    assert answer.audit_entries().get().actor == world.bob
    exported = client.get(reverse("surveys_staff:export_csv", args=[survey.pk])).content.decode()
    assert "hiddencanary" not in exported
    client.post(reverse("surveys_staff:answer_visibility", args=[survey.pk, answer.pk]), {"hide": "0"})
    answer.refresh_from_db()
    assert answer.hidden_at is None


def test_it_downloads_every_response_without_personal_data(world, client):
    survey = park_survey(world)
    add_responses(survey, 5)
    _with_comment(survey, "=HYPERLINK(\"http://evil\")", world.east)
    login_verified(client, world.bob)
    exported = client.get(reverse("surveys_staff:export_csv", args=[survey.pk])).content.decode()
    rows = list(csv.reader(io.StringIO(exported)))
    assert len(rows) == 7 and rows[0][:4] == ["response", "submitted_at", "language", "district"]
    assert "'=HYPERLINK" in exported  # a formula is never run by a spreadsheet
    data = json.loads(client.get(reverse("surveys_staff:export_json", args=[survey.pk])).content)
    assert len(data["responses"]) == 6
    assert not any("@" in json.dumps(row) for row in data["responses"])
    assert survey.audit_entries().filter(action="survey.exported").count() == 2


def test_it_refuses_moderating_an_answer_of_another_survey(world, client):
    survey = park_survey(world)
    other = park_survey(world, slug="other")
    _with_comment(other, "elsewhere", None)
    answer = Answer.objects.get(text="elsewhere")
    login_verified(client, world.bob)
    client.post(reverse("surveys_staff:answer_visibility", args=[survey.pk, answer.pk]), {"hide": "1"})
    answer.refresh_from_db()
    assert answer.hidden_at is None
