""""This affects me too": each resident counts once, and only on open public requests."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest, Support
from civicdesk.testing.world import IN_EAST_ELM


@pytest.fixture
def request_(world) -> ServiceRequest:
    return services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                   description="Tag on the bus shelter")


def support_url(request) -> str:
    return reverse("servicerequests:support", args=[request.public_id])


def supporters(request) -> int:
    request.refresh_from_db(fields=["supporters_count"])
    return request.supporters_count


def test_it_counts_an_anonymous_resident_once_per_session(client, request_):
    first = client.post(support_url(request_), follow=True)
    assert first.redirect_chain == [(f"/requests/{request_.public_id}/", 302)]
    assert "Thank you: we have counted you as affected." in first.content.decode()
    assert "<dd>2</dd>" in first.content.decode()  # the reporter and this resident
    assert supporters(request_) == 1

    again = client.post(support_url(request_), follow=True)
    assert "You have already said this affects you." in again.content.decode()
    assert supporters(request_) == 1
    assert Support.objects.filter(request=request_).count() == 1


def test_it_counts_each_different_visitor(request_):
    for _ in range(3):
        Client().post(support_url(request_))
    assert supporters(request_) == 3


def test_it_counts_a_signed_in_resident_once_across_devices(world, request_):
    for _ in range(2):
        device = Client()
        device.force_login(world.alice)
        device.post(support_url(request_))
    assert supporters(request_) == 1
    assert Support.objects.get(request=request_).user == world.alice


def test_it_adds_a_public_entry_to_the_history(client, request_):
    client.post(support_url(request_))
    html = client.get(reverse("servicerequests:track", args=[request_.public_id])).content.decode()
    assert "Another resident reported this problem too." in html


def test_it_refuses_a_closed_request_with_a_message(client, world, request_):
    services.transition(request_, world.statuses["fixed"], user=world.bob)
    response = client.post(support_url(request_), follow=True)
    assert response.status_code == 200
    assert "This request is already closed." in response.content.decode()
    assert supporters(request_) == 0 and not Support.objects.exists()


def test_it_404s_for_a_private_request(client, request_):
    request_.is_private = True
    request_.save(update_fields=["is_private"])
    assert client.post(support_url(request_)).status_code == 404
    assert supporters(request_) == 0


def test_it_only_accepts_post(client, request_):
    assert client.get(support_url(request_)).status_code == 405
    assert supporters(request_) == 0


def test_it_needs_the_csrf_token(request_):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(support_url(request_)).status_code == 403
    assert supporters(request_) == 0


def test_it_stops_fresh_sessions_from_one_address_inflating_a_request(request_, settings):
    answers = [Client(REMOTE_ADDR="203.0.113.77").post(support_url(request_)) for _ in range(10)]
    assert [a.status_code for a in answers].count(302) == settings.SUPPORTS_PER_CLIENT_PER_REQUEST_PER_DAY
    refused = answers[-1]
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Many people on this connection have already said this affects them." in refused.content.decode()
    assert supporters(request_) == settings.SUPPORTS_PER_CLIENT_PER_REQUEST_PER_DAY
    assert Client(REMOTE_ADDR="198.51.100.3").post(support_url(request_)).status_code == 302
    assert supporters(request_) == settings.SUPPORTS_PER_CLIENT_PER_REQUEST_PER_DAY + 1


def test_it_limits_how_many_requests_one_address_supports_in_an_hour(world, settings):
    settings.SUPPORTS_PER_CLIENT_PER_HOUR = 4
    requests = [services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                        description=f"Tag number {n}") for n in range(6)]
    statuses = [Client(REMOTE_ADDR="203.0.113.78").post(support_url(r)).status_code for r in requests]
    assert statuses == [302, 302, 302, 302, 429, 429]
    assert sum(supporters(r) for r in requests) == 4
