"""The manage page from the emailed link: change the area or choices, stop and start again; the list page."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.alerts import services
from civicdesk.alerts.models import AreaSubscription
from civicdesk.testing.world import IN_WEST_ELM

from .helpers import live


def test_it_changes_a_subscription(client, world):
    subscription = live("zoe@example.org", radius_m=500)
    url = reverse("alerts:manage", args=[subscription.token])
    page = client.get(url).content.decode()
    assert "within 500 m of" in page and "zoe@example.org" in page

    response = client.post(url, {"action": "save", "lat": "", "long": "", "address": "14 Oak Street",
                                 "radius_m": "2000", "district": "", "events": ["closed"], "frequency": "daily",
                                 "service_types": [str(world.pothole.pk)]})
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.lat, subscription.long, subscription.radius_m) == (3.2, 3.5, 2000)
    assert subscription.place_name == "14 Oak Street"
    assert (subscription.notify_new, subscription.notify_closed, subscription.frequency) == (False, True, "daily")
    assert list(subscription.service_types.all()) == [world.pothole]
    assert subscription.max_lat > 3.2 + 0.017  # the stored box follows the new circle (2 km ≈ 0.018°)


def test_it_stops_and_starts_again(client, world):
    subscription = live("zoe@example.org")
    url = reverse("alerts:manage", args=[subscription.token])
    client.post(url, {"action": "stop"})
    subscription.refresh_from_db()
    assert not subscription.is_active
    assert "This alert is stopped" in client.get(url).content.decode()

    client.post(url, {"action": "save", "lat": str(IN_WEST_ELM[0]), "long": str(IN_WEST_ELM[1]), "address": "",
                      "radius_m": "500", "district": "", "events": ["new"], "frequency": "immediate"})
    subscription.refresh_from_db()
    assert subscription.is_live()


def test_it_shows_errors_and_keeps_the_subscription(client, world):
    subscription = live("zoe@example.org", radius_m=500)
    response = client.post(reverse("alerts:manage", args=[subscription.token]), {
        "action": "save", "lat": "", "long": "", "address": "", "radius_m": "500", "district": "",
        "events": [], "frequency": "weekly"})
    page = response.content.decode()
    assert "Choose a place on the map, type an address, or pick a district." in page
    assert "Choose what to hear about" in page and "Select a valid choice." in page
    subscription.refresh_from_db()
    assert subscription.radius_m == 500 and subscription.notify_new and subscription.frequency == "immediate"


def test_it_answers_404_to_an_unknown_token(client, world):
    assert client.get(reverse("alerts:manage", args=["no-such-token"])).status_code == 404


def test_it_lists_the_alerts_of_an_address_from_a_signed_link(client, world):
    mine = live("zoe@example.org", district=world.east)
    live("other@example.org", district=world.west)
    page = client.get(reverse("alerts:mine", args=[services.my_alerts_code("zoe@example.org")])).content.decode()
    assert "East Elm" in page and reverse("alerts:manage", args=[mine.token]) in page
    assert "West Elm" not in page
    assert client.get(reverse("alerts:mine", args=["zoe@example.org"])).status_code == 404
    assert AreaSubscription.objects.count() == 2
