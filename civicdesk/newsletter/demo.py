"""Demo newsletter for a city pack: a few confirmed subscribers and one sent issue made of the demo news,
meetings and a survey link. Idempotent (an issue with the same English subject is left alone)."""

from __future__ import annotations

import datetime as dt

from . import services
from .models import Issue, Subscriber

DEMO_SUBSCRIBERS = [("lena.ortiz@example.org", "es"), ("sam.carter@example.org", "en"),
                    ("priya.nair@example.org", "en"), ("grace.kim@example.org", "en")]
SUBJECT = {"en": "Riverbend news: budget town hall and winter services",
           "es": "Noticias de Riverbend: asamblea del presupuesto y servicios de invierno"}


def seed(*, jurisdiction, author, now: dt.datetime) -> int:
    """Create the demo subscribers and send the demo issue; returns 1 when the issue was made, else 0."""
    from civicdesk.meetings.models import Meeting
    from civicdesk.notices.models import ServiceNotice

    for email, language in DEMO_SUBSCRIBERS:
        Subscriber.objects.get_or_create(email=email, defaults={"language": language, "confirmed_at": now})
    if Issue.objects.filter(jurisdiction=jurisdiction, subject_en=SUBJECT["en"]).exists():
        return 0
    issue = Issue(jurisdiction=jurisdiction, subject_en=SUBJECT["en"], subject_es=SUBJECT["es"],
                  intro_en="What is new at the city this month, and how to have your say.",
                  intro_es="Las novedades del mes en la ciudad y cómo dar su opinión.",
                  links_en="Tell us about snow clearing (5-minute survey) | "
                           "https://riverbend.example.gov/surveys/snow",
                  links_es="Opine sobre la limpieza de nieve (encuesta de 5 minutos) | "
                           "https://riverbend.example.gov/surveys/snow?lang=es")
    notices = ServiceNotice.objects.published().filter(jurisdiction=jurisdiction)
    meetings = Meeting.objects.published().upcoming(now).filter(jurisdiction=jurisdiction)
    services.save_issue(issue, user=author, notices=list(notices), meetings=list(meetings))
    services.send_issue(issue, user=author, now=now)
    services.deliver_issue(issue.pk)
    return 1
