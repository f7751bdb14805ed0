"""The staff console's meetings: who may write, publish and read the RSVP lists; every change audited;
documents checked by their content."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civicdesk.meetings import services
from civicdesk.meetings.models import Meeting, MeetingDocument
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified

from .helpers import make_meeting

pytestmark = pytest.mark.django_db

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def form_data(world, **overrides) -> dict:
    data = {"jurisdiction": world.elm.pk, "kind": "council", "title_en": "Regular council session",
            "title_es": "Sesión ordinaria", "body_en": "Agenda below.", "body_es": "", "minutes_en": "",
            "minutes_es": "", "starts_at": "2027-03-02T18:00", "ends_at": "2027-03-02T20:00",
            "address": "1 Elm Square", "lat": "3.0", "long": "2.5", "online_url": "", "rsvp_enabled": "on",
            "capacity": "40", "recording_url": ""}
    data.update(overrides)
    return data


def test_it_lets_staff_write_a_draft_read_in_the_jurisdictions_time_zone_and_audits_it(world, client):
    login_verified(client, world.bob)
    response = client.post("/meetings/staff/new/", form_data(world))
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get()
    assert meeting.published_at is None
    assert meeting.local_starts().hour == 18 and meeting.local_starts().tzname() == "CST"
    assert meeting.audit_entries().filter(action="meeting.created", actor=world.bob).exists()
    response = client.post(f"/meetings/staff/{meeting.pk}/", form_data(world, capacity="50", publish="1"))
    meeting.refresh_from_db()
    assert meeting.capacity == 50 and meeting.published_at is None  # staff cannot publish
    assert meeting.audit_entries().filter(action="meeting.changed").exists()
    history = client.get(f"/meetings/staff/{meeting.pk}/").content.decode()
    assert "Written" in history and "Changed" in history and "meeting.created" not in history


def test_it_lets_a_supervisor_publish_and_cancel(world, client):
    seats = seat_people(world)
    login_verified(client, seats.supervisor)
    client.post("/meetings/staff/new/", form_data(world, publish="1"))
    meeting = Meeting.objects.get()
    assert meeting.published_at is not None
    assert meeting.audit_entries().filter(action="meeting.published", actor=seats.supervisor).exists()
    client.post(f"/meetings/staff/{meeting.pk}/cancel/")
    meeting.refresh_from_db()
    assert meeting.cancelled_at is not None


def test_it_explains_bad_input_and_saves_nothing(world, client):
    login_verified(client, world.bob)
    response = client.post("/meetings/staff/new/", form_data(world, address="", ends_at="2027-03-02T17:00",
                                                             capacity="0"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Give an address, an online link, or both." in body
    assert "The end must be after the start." in body
    assert not Meeting.objects.exists()


def test_it_keeps_meetings_to_the_seats_that_may_see_them(world, client):
    meeting = make_meeting(world)
    seats = seat_people(world)
    login_verified(client, world.dave)  # Maple County: not Elm's meetings
    assert client.get(f"/meetings/staff/{meeting.pk}/").status_code == 404
    assert client.get(f"/meetings/staff/{meeting.pk}/rsvps/").status_code == 404
    login_verified(client, seats.contractor)
    assert client.get("/meetings/staff/").status_code == 403
    login_verified(client, seats.agent)
    assert client.get(f"/meetings/staff/{meeting.pk}/rsvps/").status_code == 200
    assert client.post("/meetings/staff/new/", form_data(world)).status_code == 403
    login_verified(client, world.bob)  # staff may not change a published meeting
    assert client.post(f"/meetings/staff/{meeting.pk}/", form_data(world)).status_code == 403
    client.logout()
    assert client.get("/meetings/staff/").status_code == 302


def test_it_shows_names_on_the_rsvp_list_to_staff_only(world, client, django_assert_max_num_queries):
    meeting = make_meeting(world, capacity=1)
    for name in ("Pangolin First", "Pangolin Second"):
        rsvp = services.request_email_rsvp(meeting, name=name, email=f"{name.split()[1].lower()}@example.org",
                                           language="en", client="8.8.8.8")
        services.confirm_rsvp(rsvp)
    login_verified(client, world.bob)
    with django_assert_max_num_queries(20):
        response = client.get(f"/meetings/staff/{meeting.pk}/rsvps/")
    body = response.content.decode()
    assert "Pangolin First" in body and "second@example.org" in body
    assert response["Cache-Control"] == "private, no-store"
    assert "Pangolin" not in client.get(f"/meetings/{meeting.pk}/").content.decode()


def test_it_lists_meetings_with_counts_in_a_few_queries(world, client, django_assert_max_num_queries):
    for number in range(5):
        make_meeting(world, title_en=f"Session {number}")
    login_verified(client, world.bob)
    with django_assert_max_num_queries(20):
        response = client.get("/meetings/staff/")
    assert response.content.decode().count("0 coming, 0 waiting") == 5


def test_it_publishes_a_pdf_agenda_and_refuses_a_disguised_file(world, client):
    meeting = make_meeting(world, publish=False)
    login_verified(client, world.bob)
    ok = client.post(f"/meetings/staff/{meeting.pk}/documents/", {
        "kind": "agenda", "title": "Agenda", "file": SimpleUploadedFile("agenda.pdf", PDF, "application/pdf")})
    assert ok.status_code == 302
    document = MeetingDocument.objects.get()
    assert document.content_type == "application/pdf" and document.size == len(PDF)
    assert meeting.audit_entries().filter(action="meeting.document_added").exists()
    bad = client.post(f"/meetings/staff/{meeting.pk}/documents/", {
        "kind": "agenda", "title": "Evil", "file": SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf",
                                                                      "application/pdf")})
    assert bad.status_code == 400
    assert "This file is not a document we can publish." in bad.content.decode()
    truncated = client.post(f"/meetings/staff/{meeting.pk}/documents/", {
        "kind": "agenda", "title": "Half", "file": SimpleUploadedFile("half.pdf", PDF[:40], "application/pdf")})
    assert "damaged or incomplete" in truncated.content.decode()
    assert MeetingDocument.objects.count() == 1
    services.publish(meeting, user=None)
    served = client.get(document.get_absolute_url())
    assert served["Content-Type"] == "application/pdf" and served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == PDF
    remove = f"/meetings/staff/{meeting.pk}/documents/{document.pk}/remove/"
    assert client.post(remove).status_code == 403  # published: a supervisor's call
    login_verified(client, seat_people(world).supervisor)
    client.post(remove)
    assert not MeetingDocument.objects.exists()
    assert meeting.audit_entries().filter(action="meeting.document_removed").exists()


def test_it_shows_script_in_every_free_text_field_as_text(world, client):
    script = "<script>alert('tapircanary')</script>"
    meeting = make_meeting(world, title_en=script, body_en=script, minutes_en=script, address=script)
    rsvp = services.request_email_rsvp(meeting, name=script, email="tapir@example.org", language="en",
                                       client="6.6.6.6")
    services.confirm_rsvp(rsvp)
    login_verified(client, seat_people(world).supervisor)
    client.post(f"/meetings/staff/{meeting.pk}/documents/", {
        "kind": "minutes", "title": script, "file": SimpleUploadedFile("m.pdf", PDF, "application/pdf")})
    for url in (f"/meetings/{meeting.pk}/", "/meetings/", f"/meetings/staff/{meeting.pk}/",
                f"/meetings/staff/{meeting.pk}/rsvps/", "/meetings/staff/"):
        body = client.get(url).content.decode()
        assert "tapircanary" in body, url
        assert "<script>alert('tapircanary')" not in body, url
