"""Shared set-up for survey tests: the demo park survey in the test world's Elm jurisdiction."""

from __future__ import annotations

from civicdesk.formengine.models import Question
from civicdesk.surveys.demo import build_park_survey
from civicdesk.surveys.models import Survey


def park_survey(world, **kwargs) -> Survey:
    return build_park_survey(world.elm, user=world.bob, **kwargs)


def questions(survey: Survey) -> dict[str, Question]:
    """The park survey's questions by a short name."""
    names = ["often", "doing", "why", "rating", "ranking", "household", "last_visit", "dog", "where", "dog_comment"]
    return dict(zip(names, survey.form.questions_in_order()))


def choice(question: Question, position: int) -> int:
    """The id of the question's option at `position` (1 = first)."""
    return question.choices.order_by("position")[position - 1].pk
