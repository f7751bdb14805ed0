"""Pages with personal data say Cache-Control: private, no-store; public pages stay cacheable."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.servicerequests import services
from civicdesk.testing.auth import login_verified
from civicdesk.testing.world import IN_WEST_ELM


def pothole(world):
    return services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                   attributes={"depth": "deep"}, contact_email="rita@example.org",
                                   contact_phone="217-555-0148")


def test_it_keeps_every_staff_page_out_of_caches(client, world):
    request = pothole(world)
    login_verified(client, world.bob)
    for url in [reverse("staff:queues"), reverse("staff:detail", args=[request.public_id]),
                reverse("staff:intake"), reverse("staff:detail", args=["ZZZZ-ZZZZ"])]:
        response = client.get(url)
        assert response["Cache-Control"] == "private, no-store", url
    posted = client.post(reverse("staff:add_note", args=[request.public_id]), {"message": "Checked"})
    assert posted.status_code == 302 and posted["Cache-Control"] == "private, no-store"


def test_it_keeps_account_pages_out_of_caches(client, world):
    client.force_login(world.alice)
    for url in [reverse("accounts:my_requests"), reverse("subscriptions:preferences"), reverse("accounts:login")]:
        assert client.get(url)["Cache-Control"] == "private, no-store", url


def test_it_keeps_the_staff_sign_in_redirect_out_of_caches(client, world):
    response = client.get(reverse("staff:queues"))
    assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"


def test_it_leaves_public_pages_cacheable(client, world):
    request = pothole(world)
    response = client.get(request.get_absolute_url())
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
