"""The acknowledgement and status emails (see receivers.py), sent by the real worker to a real SMTP server."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from civicdesk.notifications.models import Delivery
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.fixtures import run_worker
from civicdesk.testing.world import IN_WEST_ELM


def submit_on_the_web(client, *, email: str, name: str = "Zed", **headers) -> ServiceRequest:
    response = client.post(reverse("intake:details", args=["pothole"]), {
        "lat": str(IN_WEST_ELM[0]), "long": str(IN_WEST_ELM[1]), "address": "12 Oak Street", "address_id": "A1",
        "description": "Deep hole by the bus stop", "attribute_depth": "deep", "name": name, "email": email,
    }, **headers)
    assert response.status_code == 302
    return ServiceRequest.objects.get(contact_email=email)


def text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def in_spanish(msgid: str) -> str:
    """What the Spanish catalogue (civicdesk/locale/es) says for `msgid`; the translators own the wording."""
    with translation.override("es"):
        translated = translation.gettext(msgid)
    assert translated != msgid, f"no Spanish translation for {msgid!r}"
    return translated


def test_it_emails_the_tracking_number_and_link_after_a_web_report(client, tworld, smtp_server):
    request = submit_on_the_web(client, email="zed@example.org")
    assert smtp_server.messages == []  # nothing is sent inside the web request

    run_worker()

    [message] = smtp_server.wait_for(1)
    body = text(message)
    assert message["To"] == "zed@example.org"
    assert message["Subject"] == f"We received your request {request.public_id}"
    assert body.startswith("Hello Zed,")
    assert "Thank you for reporting “Pothole” to Town of Elm." in body
    assert f"Your tracking number is: {request.public_id}" in body
    assert "Location: 12 Oak Street" in body
    assert "your request has been sent to Public Works." in body
    assert f"{settings.SITE_URL}/requests/{request.public_id}/" in body
    assert "If this is an emergency, call 911." in body
    delivery = Delivery.objects.get(event="request.received", request=request)
    assert delivery.status == Delivery.Status.SENT


def test_it_writes_to_a_spanish_speaker_in_spanish(client, tworld, smtp_server):
    client.cookies["django_language"] = "es"
    request = submit_on_the_web(client, email="ana@example.org", name="Ana")
    assert request.language == "es"

    run_worker()

    [message] = smtp_server.wait_for(1)
    body = text(message)
    # Content stored per language is Spanish already: the service type's name.
    assert "“Bache”" in body and "Pothole" not in body
    # The fixed wording comes from the Spanish catalogue.
    assert message["Subject"] == in_spanish("We received your request %(id)s") % {"id": request.public_id}
    assert in_spanish("Your tracking number is:") + f" {request.public_id}" in body
    assert in_spanish("Follow its progress at:") + f" {settings.SITE_URL}/requests/{request.public_id}/" in body
    # Language-independent parts.
    assert message["To"] == "ana@example.org" and "Ana" in body


def test_it_sends_nothing_when_the_reporter_left_no_email(client, tworld, smtp_server):
    response = client.post(reverse("intake:details", args=["graffiti"]), {
        "lat": str(IN_WEST_ELM[0]), "long": str(IN_WEST_ELM[1]), "description": "Tag on the wall"})
    assert response.status_code == 302

    run_worker()

    assert smtp_server.messages == []
    assert not Delivery.objects.filter(event="request.received").exists()


def test_it_emails_a_public_status_change_with_the_public_message(tworld, smtp_server):
    request = services.submit_request(service_type=tworld.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                      attributes={"depth": "deep"}, contact_email="zed@example.org")
    services.transition(request, tworld.statuses["in_progress"], user=tworld.bob,
                        message="A crew is booked for Tuesday morning.")
    services.transition(request, tworld.statuses["investigating"], user=tworld.bob,
                        message="Internal: waiting on the gas company", public=False)

    run_worker()

    acknowledgement, status = smtp_server.wait_for(2)
    assert smtp_server.messages[2:] == []  # the private change is not sent
    assert acknowledgement["Subject"] == f"We received your request {request.public_id}"
    assert status["Subject"] == f"Request {request.public_id} is now: In progress"
    body = text(status)
    assert f"Your request {request.public_id} (Pothole) is now: In progress." in body
    assert "A crew is booked for Tuesday morning." in body
    assert "gas company" not in body
    assert f"{settings.SITE_URL}/requests/{request.public_id}/" in body


def test_it_writes_a_status_change_in_the_reporters_language(tworld, smtp_server):
    request = services.submit_request(service_type=tworld.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                      attributes={"depth": "deep"}, contact_email="ana@example.org", language="es")
    services.transition(request, tworld.statuses["in_progress"], user=tworld.bob, message="Cuadrilla el martes.")

    run_worker()

    _, status = smtp_server.wait_for(2)
    # The status name is stored per language; the subject's wording comes from the catalogue.
    assert status["Subject"] == in_spanish("Request %(id)s is now: %(status)s") % {
        "id": request.public_id, "status": "En curso"}
    assert "Cuadrilla el martes." in text(status)
