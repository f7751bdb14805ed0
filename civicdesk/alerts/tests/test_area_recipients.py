"""area_recipients(): who hears about a service notice drawn on the map or given as districts."""

from __future__ import annotations

from shapely.geometry import Point, box

from civicdesk.alerts.services import area_recipients
from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM

from .helpers import live


def emails(**kwargs) -> set[str]:
    pairs = list(area_recipients(**kwargs))
    assert {scope for _, scope in pairs} <= {"area"}
    return {recipient.email for recipient, _ in pairs}


def test_it_finds_circles_and_districts_that_meet_a_drawn_area(world):
    live("west-circle@example.org", radius_m=500)
    live("east-circle@example.org", lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1], radius_m=500)
    # Centre about 330 m west of the notice's edge (0.003°): a 500 m circle reaches it, a 100 m one does not.
    live("reaching@example.org", lat=IN_WEST_ELM[0], long=2.497, radius_m=500)
    live("short@example.org", lat=IN_WEST_ELM[0], long=2.497, radius_m=100)
    live("west@example.org", district=world.west)
    live("east@example.org", district=world.east)
    notice = box(2.5, 2.9, 2.6, 3.1)  # lon/lat, inside West Elm
    assert emails(geometry=notice) == {"west-circle@example.org", "reaching@example.org", "west@example.org"}


def test_it_finds_subscribers_of_given_districts(world):
    live("west@example.org", district=world.west)
    live("east@example.org", district=world.east)
    live("east-circle@example.org", lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1], radius_m=500)
    assert emails(district_ids=[world.east.pk]) == {"east@example.org", "east-circle@example.org"}


def test_it_filters_by_service_type_and_event(world):
    live("all@example.org")
    live("potholes@example.org", types=[world.pothole])
    live("graffiti@example.org", types=[world.graffiti])
    live("closures@example.org", notify_new=False)
    here = Point(IN_WEST_ELM[1], IN_WEST_ELM[0]).buffer(0.001)
    assert emails(geometry=here, service_type_ids=[world.pothole.pk]) == {
        "all@example.org", "potholes@example.org", "closures@example.org"}
    assert emails(geometry=here, event="new") == {"all@example.org", "potholes@example.org",
                                                  "graffiti@example.org"}
    assert len(emails(geometry=here)) == 4  # a notice reaches every subscription in the area


def test_it_skips_stopped_and_unconfirmed_subscriptions_and_gives_their_language(world):
    live("stopped@example.org", is_active=False)
    live("ana@example.org", language="es")
    from civicdesk.alerts.models import AreaSubscription

    AreaSubscription.objects.create(email="pending@example.org", lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                    radius_m=500)
    [(recipient, scope)] = list(area_recipients(district_ids=[world.west.pk]))
    assert (recipient.email, recipient.language, scope) == ("ana@example.org", "es", "area")
    assert list(area_recipients()) == []


def test_it_texts_account_holders_who_chose_text_messages_with_a_verified_mobile(world):
    from django.utils import timezone

    from civicdesk.subscriptions.models import NotificationPreference

    live("alice@example.org", user=world.alice)
    live("bob@example.org", user=world.bob)
    live("guest@example.org")
    NotificationPreference.objects.create(user=world.alice, channels="both", phone="+15551230001",
                                          phone_verified_at=timezone.now())
    NotificationPreference.objects.create(user=world.bob, channels="none")
    found = {r.email or r.phone: r for r, _ in area_recipients(district_ids=[world.west.pk])}
    assert (found["alice@example.org"].phone, found["alice@example.org"].channels) == (
        "+15551230001", frozenset({"email", "sms"}))
    assert found["bob@example.org"].channels == frozenset({"email"})  # the subscription is the consent
    assert (found["guest@example.org"].phone, found["guest@example.org"].channels) == ("", frozenset({"email"}))
