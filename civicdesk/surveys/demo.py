"""The demo survey: a park survey with conditional questions in English and Spanish, open, with responses.

Used by the Riverbend demo (civicdesk/cities/riverbend.py) and by tests that need a realistic survey.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from civicdesk.formengine import services as engine
from civicdesk.formengine.models import Question

from . import services
from .models import Survey

K = Question.Kind


def _t(en: str, es: str) -> dict:
    return {"en": en, "es": es}


def build_park_survey(jurisdiction, *, slug: str = "riverside-park", user=None,
                      respondents: str = Survey.Respondents.ANONYMOUS) -> Survey:
    """A published, open survey of three sections. Conditions: what people do in the park only for visitors,
    what keeps them away only for those who never go, and the whole third section (where a dog park should go)
    only for those who want one."""
    survey = services.create_survey(jurisdiction=jurisdiction, slug=slug, user=user,
                                     title=_t("Riverside Park: what should change?", "Parque Riverside: ¿qué debería cambiar?"))
    services.update_survey(survey, user=user, title=survey.form.title,
                           description=_t("Five minutes of your time helps us plan next year's park work.",
                                          "Cinco minutos de su tiempo nos ayudan a planificar las obras del parque del próximo año."),
                           thank_you=_t("We will publish what we learned in the spring.",
                                        "Publicaremos lo que aprendimos en la primavera."),
                           opens_at=timezone.now() - dt.timedelta(days=7), closes_at=timezone.now() + dt.timedelta(days=60),
                           respondents=respondents, is_published=False)
    first = survey.form.sections.get()
    services.update_section(survey, first, user=user, title=_t("You and the park", "Usted y el parque"), description={})
    often = services.save_question(
        survey, user=user, section=first, kind=K.SINGLE, required=True, help_text={},
        text=_t("How often do you visit Riverside Park?", "¿Con qué frecuencia visita el parque Riverside?"),
        choices=[_t("Every week", "Cada semana"), _t("Every month", "Cada mes"), _t("A few times a year", "Algunas veces al año"),
                 _t("Never", "Nunca")])
    visits = list(often.choices.all())
    services.save_question(
        survey, user=user, section=first, kind=K.MULTIPLE, required=True, help_text=_t("Tick all that apply.", "Marque todas las que correspondan."),
        text=_t("What do you do there?", "¿Qué hace allí?"), condition_question=often, condition_choices=visits[:3],
        choices=[_t("Walk or run", "Caminar o correr"), _t("Play with children", "Jugar con niños"),
                 _t("Sports", "Deportes"), _t("Picnics", "Pícnics")])
    services.save_question(
        survey, user=user, section=first, kind=K.TEXT, required=False, help_text={},
        text=_t("What keeps you from visiting?", "¿Qué le impide visitarlo?"), condition_question=often,
        condition_choices=visits[3:])
    second = services.add_section(survey, user=user, title=_t("Improvements", "Mejoras"))
    services.save_question(
        survey, user=user, section=second, kind=K.RATING, required=True, scale_max=5,
        help_text=_t("1 = very unhappy, 5 = very happy.", "1 = muy insatisfecho, 5 = muy satisfecho."),
        text=_t("How happy are you with the park today?", "¿Qué tan satisfecho está con el parque hoy?"))
    services.save_question(
        survey, user=user, section=second, kind=K.RANKING, required=False,
        help_text=_t("1 = most important.", "1 = lo más importante."),
        text=_t("Put these improvements in order", "Ordene estas mejoras"),
        choices=[_t("Better lighting", "Mejor iluminación"), _t("A new playground", "Un nuevo parque infantil"),
                 _t("Restrooms", "Baños")])
    services.save_question(
        survey, user=user, section=second, kind=K.NUMBER, required=False, help_text={}, min_value=1, max_value=20,
        text=_t("How many people live in your household?", "¿Cuántas personas viven en su hogar?"))
    services.save_question(
        survey, user=user, section=second, kind=K.DATE, required=False, help_text={},
        text=_t("When did you last visit the park?", "¿Cuándo visitó el parque por última vez?"))
    dog = services.save_question(
        survey, user=user, section=second, kind=K.SINGLE, required=True, help_text={},
        text=_t("Should the city build a dog park?", "¿Debería la ciudad construir un parque para perros?"),
        choices=[_t("Yes", "Sí"), _t("No", "No")])
    third = services.add_section(survey, user=user, title=_t("The dog park", "El parque para perros"))
    yes = dog.choices.order_by("position").first()
    services.save_question(
        survey, user=user, section=third, kind=K.MAP_PIN, required=True, help_text={},
        text=_t("Where should the dog park go?", "¿Dónde debería estar el parque para perros?"),
        condition_question=dog, condition_choices=[yes])
    services.save_question(
        survey, user=user, section=third, kind=K.TEXT, required=False, help_text={},
        text=_t("Anything else about the dog park?", "¿Algo más sobre el parque para perros?"),
        condition_question=dog, condition_choices=[yes])
    services.update_survey(survey, user=user, title=survey.form.title, description=survey.form.description,
                           thank_you=survey.thank_you, opens_at=survey.opens_at, closes_at=survey.closes_at,
                           respondents=respondents, is_published=True)
    return survey


COMMENTS = ["More benches near the river, please.", "The lights by the north gate are out.",
            "Keep the big oak trees.", "Más sombra en el parque infantil.", "Water fountains that work!"]


def add_responses(survey: Survey, count: int, *, seed: int = 13) -> int:
    """Store `count` plausible responses (random but repeatable), spread over the jurisdiction's districts."""
    rng = random.Random(seed)
    districts = list(survey.jurisdiction.districts.all()) or [None]
    questions = survey.form.questions_in_order()
    by_kind = {}
    for q in questions:
        by_kind.setdefault(q.kind, []).append(q)
    often, doing, dog = by_kind[K.SINGLE][0], by_kind[K.MULTIPLE][0], by_kind[K.SINGLE][1]
    why = by_kind[K.TEXT][0]
    rating, ranking, number, date, pin = (by_kind[K.RATING][0], by_kind[K.RANKING][0], by_kind[K.NUMBER][0],
                                          by_kind[K.DATE][0], by_kind[K.MAP_PIN][0])
    made = 0
    for _n in range(count):
        visit = rng.choice(list(often.choices.all()))
        answers = {often.field_name: visit.pk, rating.field_name: rng.randint(1, 5),
                   dog.field_name: rng.choice(list(dog.choices.all())).pk}
        if visit.position < 4:
            answers[doing.field_name] = sorted({c.pk for c in rng.sample(list(doing.choices.all()), rng.randint(1, 3))})
        elif rng.random() < 0.7:
            answers[why.field_name] = rng.choice(COMMENTS)
        if rng.random() < 0.8:
            order = rng.sample(range(1, 4), 3)
            answers[ranking.field_name] = {str(c.pk): r for c, r in zip(ranking.choices.all(), order)}
        if rng.random() < 0.6:
            answers[number.field_name] = str(rng.randint(1, 6))
        if rng.random() < 0.5:
            answers[date.field_name] = (timezone.localdate() - dt.timedelta(days=rng.randint(1, 200))).isoformat()
        answers[pin.field_name] = {"lat": None, "long": None, "address": rng.choice(["Riverside Park north lawn",
                                                                                       "Behind the tennis courts"])}
        engine.save_response(survey.form, answers, language=rng.choice(["en", "en", "es"]),
                             district=rng.choice(districts))
        made += 1
    return made
