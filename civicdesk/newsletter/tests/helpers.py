"""Newsletter test helpers: confirmed subscribers and a draft issue with a news item and a meeting."""

from __future__ import annotations

from civicdesk.meetings.tests.helpers import make_meeting
from civicdesk.newsletter import services
from civicdesk.newsletter.models import Issue, Subscriber
from civicdesk.notices.models import ServiceNotice
from civicdesk.notices.tests.helpers import make_notice


def subscribers(count: int, *, language: str = "en", prefix: str = "reader") -> list[Subscriber]:
    from django.utils import timezone

    return [Subscriber.objects.create(email=f"{prefix}{n}@example.org", language=language,
                                      confirmed_at=timezone.now()) for n in range(count)]


def make_issue(world, *, user=None, **fields) -> Issue:
    news = make_notice(world, user=user or world.bob, kind=ServiceNotice.Kind.NEWS, area=None,
                       title_en="New library hours", title_es="Nuevo horario de la biblioteca",
                       body_en="Open until 9 p.m.", body_es="Abierta hasta las 21 h.")
    meeting = make_meeting(world)
    values = {"jurisdiction": world.elm, "subject_en": "Elm news, December", "subject_es": "Noticias de Elm, diciembre",
              "intro_en": "Hello neighbours.", "intro_es": "Hola, vecinos.",
              "links_en": "Tell us about parks | https://survey.example.org/parks",
              "links_es": "Opine sobre los parques | https://survey.example.org/parks?lang=es"}
    values.update(fields)
    return services.save_issue(Issue(**values), user=user or world.bob, notices=[news], meetings=[meeting])
