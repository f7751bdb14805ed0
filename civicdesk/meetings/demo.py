"""Demo meetings for a city pack: two coming up (one with RSVPs and a waiting list), two held (agenda, minutes,
recording). Made through the services, as staff would; idempotent (a meeting with the same English title in
the jurisdiction is left alone)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from . import services
from .models import Meeting

#: Names and addresses of the demo residents who RSVP (example.org: nobody real gets mail).
DEMO_RSVPS = [("Lena Ortiz", "lena.ortiz@example.org", "es"), ("Sam Carter", "sam.carter@example.org", "en"),
              ("Priya Nair", "priya.nair@example.org", "en"), ("Tom Becker", "tom.becker@example.org", "en")]


def _agenda_pdf(title: str, items: list[str]) -> bytes:
    """A one-page agenda as a real PDF, made with the same renderer as the monthly reports."""
    from django.utils.html import escape
    from weasyprint import HTML

    rows = "".join(f"<li>{escape(item)}</li>" for item in items)
    return HTML(string=f"<html lang='en'><head><title>{escape(title)}</title></head><body>"
                       f"<h1>{escape(title)}</h1><ol>{rows}</ol></body></html>").write_pdf()


def _specs(now: dt.datetime):
    day = dt.timedelta(days=1)

    def at(days: int, hour: int, tz) -> dt.datetime:
        local = (now + days * day).astimezone(tz)
        return local.replace(hour=hour, minute=0, second=0, microsecond=0)

    return [
        {"kind": Meeting.Kind.TOWN_HALL, "days": 6, "hour": 18, "hours": 2, "capacity": 3, "rsvps": DEMO_RSVPS,
         "title": {"en": "Town hall: the 2027 budget", "es": "Asamblea: el presupuesto de 2027"},
         "body": {"en": "The mayor and department heads present next year's budget and answer your questions. "
                        "Interpretation in Spanish is available.",
                  "es": "La alcaldesa y los jefes de departamento presentan el presupuesto del próximo año y "
                        "responden a sus preguntas. Hay interpretación al español."},
         "address": "City Hall, Council Chambers, 100 N Main St", "place": True,
         "online_url": "https://video.riverbend.example.gov/townhall",
         "agenda": ["Welcome", "Budget overview", "Questions from residents", "Next steps"]},
        {"kind": Meeting.Kind.COUNCIL, "days": 13, "hour": 19, "hours": 2, "capacity": None, "rsvps": DEMO_RSVPS[:1],
         "title": {"en": "City council regular session", "es": "Sesión ordinaria del concejo municipal"},
         "body": {"en": "Regular session of the city council. Public comment at the start of the meeting.",
                  "es": "Sesión ordinaria del concejo. Comentarios del público al inicio."},
         "address": "City Hall, Council Chambers, 100 N Main St", "place": True,
         "online_url": "https://video.riverbend.example.gov/council",
         "agenda": ["Call to order", "Public comment", "Consent agenda", "Street resurfacing contract"]},
        {"kind": Meeting.Kind.COUNCIL, "days": -20, "hour": 19, "hours": 2, "capacity": None, "rsvps": [],
         "title": {"en": "City council regular session (November)", "es": "Sesión ordinaria del concejo (noviembre)"},
         "body": {"en": "Regular session of the city council.", "es": "Sesión ordinaria del concejo municipal."},
         "address": "City Hall, Council Chambers, 100 N Main St", "place": True, "online_url": "",
         "minutes": {"en": "Present: all seven members.\nThe street resurfacing plan passed 6 to 1.\n"
                           "Public comment: four residents spoke about Oak Street potholes.",
                     "es": "Presentes: los siete concejales.\nEl plan de repavimentación se aprobó 6 a 1.\n"
                           "Comentarios: cuatro vecinos hablaron de los baches de Oak Street."},
         "recording_url": "https://video.riverbend.example.gov/recordings/council-november",
         "agenda": ["Call to order", "Public comment", "Street resurfacing plan", "Adjourn"]},
        {"kind": Meeting.Kind.WORKSHOP, "days": -45, "hour": 10, "hours": 3, "capacity": 25, "rsvps": [],
         "title": {"en": "Workshop: planting street trees", "es": "Taller: plantar árboles en la calle"},
         "body": {"en": "Hands-on workshop with the parks crew.", "es": "Taller práctico con el equipo de parques."},
         "address": "Riverside Park pavilion", "place": False, "online_url": "",
         "minutes": {"en": "22 residents attended; 40 trees were adopted.",
                     "es": "Asistieron 22 vecinos; se adoptaron 40 árboles."},
         "recording_url": "", "agenda": []},
    ], at


def seed(*, jurisdiction, author, now: dt.datetime, centre: tuple[float, float]) -> int:
    """Create the demo meetings of `jurisdiction`; returns how many were created."""
    specs, at = _specs(now)
    tz = jurisdiction.tz
    made = 0
    for spec in specs:
        if Meeting.objects.filter(jurisdiction=jurisdiction, title_en=spec["title"]["en"]).exists():
            continue
        starts = at(spec["days"], spec["hour"], tz)
        meeting = Meeting(jurisdiction=jurisdiction, kind=spec["kind"], title_en=spec["title"]["en"],
                          title_es=spec["title"]["es"], body_en=spec["body"]["en"], body_es=spec["body"]["es"],
                          address=spec["address"], online_url=spec["online_url"], starts_at=starts,
                          ends_at=starts + dt.timedelta(hours=spec["hours"]), capacity=spec["capacity"],
                          lat=centre[0] if spec["place"] else None, long=centre[1] if spec["place"] else None,
                          minutes_en=spec.get("minutes", {}).get("en", ""),
                          minutes_es=spec.get("minutes", {}).get("es", ""),
                          recording_url=spec.get("recording_url", ""))
        services.save_meeting(meeting, user=author)
        services.publish(meeting, user=author, now=now - dt.timedelta(days=60))
        meeting.refresh_from_db()
        if spec["agenda"]:
            pdf = _agenda_pdf(spec["title"]["en"], spec["agenda"])
            services.add_document(meeting, upload=SimpleUploadedFile("agenda.pdf", pdf), kind="agenda",
                                  title="Agenda", user=author)
        for name, email, language in spec["rsvps"]:
            rsvp = services.request_email_rsvp(meeting, name=name, email=email, language=language,
                                               client="demo", now=now)
            services.confirm_rsvp(rsvp, now=now)
        made += 1
    return made
