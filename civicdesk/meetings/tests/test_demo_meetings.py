"""The Riverbend demo shows upcoming and past meetings with an agenda, minutes, a recording and RSVPs;
loading them twice adds nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from civicdesk.cities.riverbend import Riverbend, _DemoWorld
from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.jurisdictions.services import clear_caches
from civicdesk.meetings.models import Meeting, MeetingDocument, Rsvp


@pytest.mark.django_db
def test_it_shows_upcoming_and_past_meetings_with_their_papers(client, settings):
    settings.CITY_PACK = "civicdesk.cities.riverbend.Riverbend"
    Riverbend().seed_demo(requests=0)
    clear_caches()
    now = timezone.now()
    assert Meeting.objects.published().upcoming(now).count() == 2
    assert Meeting.objects.published().past(now).count() == 2
    full = Meeting.objects.get(title_en="Town hall: the 2027 budget")
    assert full.places_left() == 0 and full.waiting_count() == 1
    assert MeetingDocument.objects.filter(kind="agenda", content_type="application/pdf").count() == 3
    assert Rsvp.objects.filter(status="confirmed").count() == 4

    archive = client.get("/meetings/").content.decode()
    assert "Town hall: the 2027 budget" in archive and "City council regular session" in archive
    held = Meeting.objects.get(title_en="City council regular session (November)")
    page = client.get(held.get_absolute_url()).content.decode()
    assert "The street resurfacing plan passed 6 to 1." in page and "Watch the recording" in page
    assert client.get(held.documents.get().get_absolute_url()).status_code == 200
    assert "Lena Ortiz" not in client.get(full.get_absolute_url()).content.decode()
    assert "BEGIN:VEVENT" in client.get("/meetings/feed/riverbend.ics").content.decode()

    demo = _DemoWorld(jurisdictions={"riverbend": Jurisdiction.objects.get(slug="riverbend")})
    assert Riverbend()._seed_meetings(demo, now) == 0
    assert Meeting.objects.count() == 4
