"""The staff survey builder: access, creating a survey, sections, questions with options and conditions,
translations, audit, preview, and the structure lock once people answered."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.formengine import services as engine
from civicdesk.formengine.models import Question
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.surveys.models import Survey
from civicdesk.testing.auth import login_verified

from .helpers import choice, park_survey, questions

pytestmark = pytest.mark.django_db


def _question_post(section, **extra):
    data = {"kind": "single", "section": section.pk, "text__en": "Which bin day suits you?",
            "text__es": "¿Qué día de recogida le conviene?", "scale_max": 5,
            "option0__en": "Monday", "option0__es": "Lunes", "option1__en": "Friday", "option1__es": "Viernes"}
    data.update(extra)
    return data


def test_it_refuses_outsiders_and_agents(world, client):
    survey = park_survey(world)
    login_verified(client, world.mallory)
    assert client.get(reverse("surveys_staff:list")).status_code == 403
    assert client.get(reverse("surveys_staff:edit", args=[survey.pk])).status_code in (403, 404)
    StaffMembership.objects.filter(user=world.bob).update(role=StaffMembership.Role.AGENT)
    login_verified(client, world.bob)
    assert client.get(reverse("surveys_staff:list")).status_code == 403
    # Staff of another jurisdiction do not see it.
    login_verified(client, world.dave)
    assert client.get(reverse("surveys_staff:edit", args=[survey.pk])).status_code == 404


def test_it_builds_a_survey_with_a_conditional_question_and_audits_every_step(world, client):
    login_verified(client, world.bob)
    created = client.post(reverse("surveys_staff:list"), {"jurisdiction": world.elm.pk, "slug": "bin-days",
                                                          "title__en": "Bin days", "title__es": "Días de basura"})
    survey = Survey.objects.get(slug="bin-days")
    assert created["Location"] == reverse("surveys_staff:edit", args=[survey.pk])
    section = survey.form.sections.get()
    assert client.post(reverse("surveys_staff:question_add", args=[survey.pk]), _question_post(section)).status_code == 302
    first = Question.objects.get()
    assert first.text == {"en": "Which bin day suits you?", "es": "¿Qué día de recogida le conviene?"}
    assert [c.text["es"] for c in first.choices.all()] == ["Lunes", "Viernes"]
    friday = choice(first, 2)
    client.post(reverse("surveys_staff:question_add", args=[survey.pk]), {
        "kind": "text", "section": section.pk, "text__en": "Why Friday?", "scale_max": 5, "condition": [friday]})
    second = Question.objects.exclude(pk=first.pk).get()
    assert second.condition_question == first and [c.pk for c in second.condition_choices.all()] == [friday]
    client.post(reverse("surveys_staff:edit", args=[survey.pk]), {
        "title__en": "Bin days", "respondents": "anonymous", "is_published": "on", "thank_you__en": "Thanks!"})
    survey.refresh_from_db()
    assert survey.is_published and survey.thank_you == {"en": "Thanks!"}
    actions = set(AuditEntry.objects.filter(object_type="surveys.survey", object_id=str(survey.pk))
                  .values_list("action", flat=True))
    assert {"survey.created", "survey.question_added", "survey.changed"} <= actions
    preview = client.get(reverse("surveys_staff:preview", args=[survey.pk])).content.decode()
    assert "Why Friday?" in preview and "Answer only if your answer to" in preview


def test_it_shows_form_errors_in_the_error_summary(world, client):
    survey = park_survey(world)
    login_verified(client, world.bob)
    section = survey.form.sections.first()
    Question.objects.all().delete()
    page = client.post(reverse("surveys_staff:question_add", args=[survey.pk]),
                       _question_post(section, option1__en="", option1__es=""))
    body = page.content.decode()
    assert page.status_code == 200 and "needs at least two options" in body and 'data-testid="error-summary"' in body


def test_it_refuses_a_condition_on_a_later_or_unsuitable_question(world, client):
    survey = park_survey(world)
    q = questions(survey)
    login_verified(client, world.bob)
    page = client.post(reverse("surveys_staff:question", args=[survey.pk, q["often"].pk]),
                       _question_post(q["often"].section, condition=[choice(q["dog"], 1)]))
    assert page.status_code == 200  # the later question's options are not even offered
    assert Question.objects.get(pk=q["often"].pk).condition_question is None


def test_it_locks_the_structure_once_answered_but_allows_wording(world, client):
    survey = park_survey(world)
    q = questions(survey)
    engine.save_response(survey.form, {q["often"].field_name: choice(q["often"], 4), q["rating"].field_name: 3,
                                       q["dog"].field_name: choice(q["dog"], 2)}, language="en")
    login_verified(client, world.bob)
    edit = client.get(reverse("surveys_staff:edit", args=[survey.pk])).content.decode()
    assert 'data-testid="locked"' in edit
    refused = client.post(reverse("surveys_staff:question_add", args=[survey.pk]),
                          _question_post(q["often"].section))
    assert "structure" in refused.content.decode() or refused.status_code == 200
    assert Question.objects.count() == 10
    assert client.post(reverse("surveys_staff:question_delete", args=[survey.pk, q["dog"].pk])).status_code == 302
    assert Question.objects.filter(pk=q["dog"].pk).exists()
    data = {"kind": "single", "section": q["dog"].section_id, "text__en": "Should we build a dog park?",
            "scale_max": 5, "required": "on",
            "option0__en": "Yes", "option0__es": "Sí", "option1__en": "No, thanks", "option1__es": "No"}
    changed = client.post(reverse("surveys_staff:question", args=[survey.pk, q["dog"].pk]), data)
    assert changed.status_code == 302, changed.content.decode()[changed.content.decode().find("cd-error-summary"):][:600]
    assert Question.objects.get(pk=q["dog"].pk).text["en"] == "Should we build a dog park?"
    data["kind"] = "multiple"
    assert client.post(reverse("surveys_staff:question", args=[survey.pk, q["dog"].pk]), data).status_code == 200
    assert Question.objects.get(pk=q["dog"].pk).kind == "single"


def test_it_moves_a_question_but_not_above_its_condition(world, client):
    survey = park_survey(world)
    q = questions(survey)
    login_verified(client, world.bob)
    client.post(reverse("surveys_staff:question_move", args=[survey.pk, q["doing"].pk]), {"step": "up"})
    assert q["often"].section.questions.order_by("position").first() == q["often"]
    client.post(reverse("surveys_staff:question_move", args=[survey.pk, q["why"].pk]), {"step": "up"})
    order = list(q["often"].section.questions.order_by("position").values_list("pk", flat=True))
    assert order == [q["often"].pk, q["why"].pk, q["doing"].pk]


def test_it_lists_surveys_in_few_queries(world, client, django_assert_max_num_queries):
    for n in range(4):
        park_survey(world, slug=f"park-{n}")
    login_verified(client, world.bob)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("surveys_staff:list"))
    assert page.content.decode().count("Riverside Park: what should change?") == 8  # title and results link
    with django_assert_max_num_queries(8):
        assert client.get(reverse("surveys:list")).status_code == 200


def test_it_edits_and_deletes_sections(world, client):
    survey = park_survey(world)
    login_verified(client, world.bob)
    section = survey.form.ordered_sections()[2]
    url = reverse("surveys_staff:section", args=[survey.pk, section.pk])
    assert client.post(url, {"title__en": "About dogs", "title__es": "Sobre perros"}).status_code == 302
    section.refresh_from_db()
    assert section.title == {"en": "About dogs", "es": "Sobre perros"}
    client.post(url, {"delete": "1"})
    assert survey.form.sections.count() == 2
    assert {"survey.section_changed", "survey.section_deleted"} <= set(
        survey.audit_entries().values_list("action", flat=True))
    add = client.post(reverse("surveys_staff:section_add", args=[survey.pk]), {"title__en": "More"})
    assert add.status_code == 302 and survey.form.sections.count() == 3
