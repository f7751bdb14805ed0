"""The details step warns a resident who types their email or phone number into the description."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.world import IN_WEST_ELM

URL = reverse("intake:details", args=["pothole"])


def report(**overrides) -> dict:
    data = {"lat": str(IN_WEST_ELM[0]), "long": str(IN_WEST_ELM[1]), "address": "12 Oak Street", "address_id": "A1",
            "description": "Deep hole by the bus stop, text me on 217 555 0133", "attribute_depth": "deep",
            "name": "", "email": "", "phone": ""}
    data.update(overrides)
    return data


def test_it_warns_before_sending_a_description_with_a_phone_number(client, world):
    response = client.post(URL, report())
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="contact-warning"' in html
    assert "Your description includes an email address or phone number" in html
    assert 'name="contact_details_ok"' in html
    assert "text me on 217 555 0133" in html  # kept in the form to edit
    assert ServiceRequest.objects.count() == 0


def test_it_sends_the_report_once_the_resident_continues(client, world):
    response = client.post(URL, report(contact_details_ok="on"))
    assert response.status_code == 302
    request = ServiceRequest.objects.get()
    assert request.description.endswith("217 555 0133")
    assert request.public_description().endswith("text me on [phone removed]")


def test_it_sends_the_report_once_the_resident_edits_the_description(client, world):
    response = client.post(URL, report(description="Deep hole by the bus stop, 2 ft wide, 300 ft from Route 66"))
    assert response.status_code == 302
    assert ServiceRequest.objects.get().description.endswith("Route 66")


def test_it_warns_in_spanish(client, world):
    response = client.post(URL, report(description="Bache hondo, escríbame a ana@example.org"),
                           HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert 'data-testid="contact-warning"' in response.content.decode()
    assert ServiceRequest.objects.count() == 0
