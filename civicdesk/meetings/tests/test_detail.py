"""A meeting's page: details, documents and minutes, RSVP by account or by emailed link (no JavaScript needed);
nobody's name or address ever shows to the public."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicdesk.meetings import services
from civicdesk.meetings.models import Meeting, Rsvp
from civicdesk.notifications.models import Delivery

from .helpers import make_meeting, verified

pytestmark = pytest.mark.django_db


def link_token_in(delivery: Delivery) -> str:
    return delivery.body_text.split("/meetings/rsvp/")[1].split("/")[0]


def test_it_shows_the_meeting_in_its_time_zone_with_map_and_calendar_link(world, client):
    meeting = make_meeting(world, online_url="https://video.example.org/elm")
    body = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Budget town hall" in body and "1 Elm Square" in body
    assert 'id="meeting-map"' in body and 'id="meeting-place"' in body
    assert f"/meetings/{meeting.pk}.ics" in body
    assert meeting.local_starts().tzname() in body  # CST or CDT
    assert "https://video.example.org/elm" in body
    assert "meeting_public_comments" not in body  # the block is there for the comments include, empty


def test_it_hides_drafts(world, client):
    assert client.get(f"/meetings/{make_meeting(world, publish=False).pk}/").status_code == 404


def test_it_takes_an_rsvp_by_email_and_confirms_it_from_the_link(world, client):
    meeting = make_meeting(world, capacity=10)
    response = client.post(f"/meetings/{meeting.pk}/rsvp/", {"name": "Rosa Resident", "email": "rosa@example.org"})
    assert response.status_code == 302
    assert "Check your email" in client.get(response["Location"]).content.decode()
    rsvp = Rsvp.objects.get(meeting=meeting)
    assert rsvp.status == "pending"
    token = link_token_in(Delivery.objects.get(key__startswith=f"meeting-rsvp:{rsvp.pk}:link"))
    page = client.get(f"/meetings/rsvp/{token}/")  # a mail scanner's GET changes nothing
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    rsvp.refresh_from_db()
    assert rsvp.status == "pending"
    client.post(f"/meetings/rsvp/{token}/", {"action": "confirm"})
    client.post(f"/meetings/rsvp/{token}/", {"action": "confirm"})
    rsvp.refresh_from_db()
    assert rsvp.status == "confirmed"
    assert Delivery.objects.filter(key__startswith=f"meeting-rsvp:{rsvp.pk}:confirmed").count() == 1
    client.post(f"/meetings/rsvp/{token}/", {"action": "cancel"})
    rsvp.refresh_from_db()
    assert rsvp.status == "cancelled"


def test_it_shows_an_expired_page_for_an_unknown_link(world, client):
    response = client.get("/meetings/rsvp/not-a-real-token/")
    assert response.status_code == 404
    assert "This link has expired" in response.content.decode()


def test_it_explains_a_missing_name_or_bad_address(world, client):
    meeting = make_meeting(world)
    response = client.post(f"/meetings/{meeting.pk}/rsvp/", {"name": "", "email": "not-an-address"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and "Error:" in body
    assert not Rsvp.objects.exists()


def test_it_answers_429_when_the_address_was_sent_too_many_links(world, client, settings):
    settings.MEETING_RSVP_EMAILS_PER_ADDRESS_PER_HOUR = 1
    meeting = make_meeting(world)
    client.post(f"/meetings/{meeting.pk}/rsvp/", {"name": "A", "email": "a@example.org"})
    response = client.post(f"/meetings/{meeting.pk}/rsvp/", {"name": "A", "email": "a@example.org"})
    assert response.status_code == 429 and "Retry-After" in response
    assert "Too many RSVP emails" in response.content.decode()


def test_it_lets_a_verified_resident_rsvp_and_cancel_in_one_click(world, client):
    meeting = make_meeting(world, capacity=1)
    waiting = services.request_email_rsvp(meeting, name="W", email="w@example.org", language="en", client="9.9.9.9")
    client.force_login(verified(world.alice))
    client.post(f"/meetings/{meeting.pk}/rsvp/")
    assert Rsvp.objects.get(meeting=meeting, user=world.alice).status == "confirmed"
    services.confirm_rsvp(waiting)
    waiting.refresh_from_db()
    assert waiting.status == "waiting"
    page = client.get(f"/meetings/{meeting.pk}/")
    assert "You have a place." in page.content.decode() and page["Cache-Control"] == "private, no-store"
    client.post(f"/meetings/{meeting.pk}/rsvp/cancel/")
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert Delivery.objects.filter(key__startswith=f"meeting-rsvp:{waiting.pk}:promoted", address="w@example.org"
                                   ).count() == 1


def test_it_never_shows_who_is_coming_to_the_public(world, client):
    meeting = make_meeting(world)
    rsvp = services.request_email_rsvp(meeting, name="Wombatcanary Person", email="wombatcanary@example.org",
                                       language="en", client="9.9.9.9")
    services.confirm_rsvp(rsvp)
    for url in ("/meetings/", f"/meetings/{meeting.pk}/", f"/meetings/{meeting.pk}.ics", "/meetings/feed/elm.ics"):
        assert "wombatcanary" not in client.get(url).content.decode().lower()


def test_it_shows_minutes_documents_and_the_recording_after_the_meeting(world, client):
    meeting = make_meeting(world, starts_at=timezone.now() - dt.timedelta(days=2),
                           minutes_en="<b>Motion</b> carried 5 to 2.", recording_url="https://video.example.org/rec")
    body = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "This meeting has taken place." in body
    assert "&lt;b&gt;Motion&lt;/b&gt; carried 5 to 2." in body
    assert "https://video.example.org/rec" in body
    assert 'name="email"' not in body


def test_it_shows_description_html_as_text(world, client):
    meeting = make_meeting(world, body_en="<img src=x onerror=alert('koalacanary')>")
    body = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "<img src=x" not in body and "&lt;img src=x onerror=alert(&#x27;koalacanary&#x27;)&gt;" in body


def test_it_speaks_spanish(world, client):
    meeting = make_meeting(world, capacity=5)
    body = client.get(f"/meetings/{meeting.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Asamblea sobre el presupuesto" in body and "Quedan 5 plazas." in body
    assert "Confirmar asistencia por correo" in body and "Añadir a mi calendario (.ics)" in body
    archive = client.get("/meetings/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Reuniones y asambleas vecinales" in archive and "Asamblea vecinal" in archive


@pytest.mark.parametrize("kind", Meeting.Kind.values)
def test_it_shows_every_kind_of_meeting_on_every_surface(world, client, kind):
    meeting = make_meeting(world, kind=kind)
    label = meeting.get_kind_display()
    assert label in client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert label in client.get(f"/meetings/?kind={kind}").content.decode()
    assert label in client.get(f"/meetings/{meeting.pk}.ics").content.decode()
