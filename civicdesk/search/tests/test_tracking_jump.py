"""The search box reads a tracking number: a public request opens at once; a private or unknown one gets the
same plain message, so a search never tells whether a private request exists."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_EAST_ELM


def report(world, **overrides):
    data = dict(service_type=world.pothole, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1], attributes={"depth": "deep"},
                description="Hole next to the library steps", contact_name="Zed Quimby",
                contact_email="zed.quimby@example.org")
    data.update(overrides)
    return services.submit_request(**data)


def test_it_jumps_to_a_public_requests_tracking_page(client, world):
    request = report(world)
    track = reverse("servicerequests:track", args=[request.public_id])
    for typed in (request.public_id, request.public_id.lower().replace("-", " "), request.public_id.replace("-", "")):
        response = client.get("/search/", {"q": typed})
        assert response.status_code == 302 and response["Location"] == track, typed
    assert client.get("/search/suggest.json", {"q": request.public_id}).json()["suggestions"][0]["url"] == track


def test_it_says_no_request_has_a_private_or_unknown_number_alike(client, world):
    private = report(world)
    private.is_private = True
    private.save()
    unknown = "7KQ4-M2XD" if private.public_id != "7KQ4-M2XD" else "7KQ4-M2XE"
    pages = []
    for number in (private.public_id, unknown):
        response = client.get("/search/", {"q": number})
        assert response.status_code == 200
        html = response.content.decode()
        assert f"No request has the tracking number {number}. Check it and try again." in html
        assert "Hole next to the library steps" not in html and "Zed Quimby" not in html
        pages.append(html.replace(number, "NUMBER"))
    assert client.get("/search/suggest.json", {"q": private.public_id}).json()["suggestions"] == []


def test_it_reads_an_eight_letter_word_as_a_word(client, world):
    html = client.get("/search/", {"q": "painting"}).content.decode()  # "PA1NT1NG" would be a valid id
    assert "No request has the tracking number" not in html and "No results" in html


def test_it_says_it_in_spanish(client, world):
    html = client.get("/search/", {"q": "7KQ4-M2XD"}, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Ninguna solicitud tiene el número de seguimiento 7KQ4-M2XD." in html
