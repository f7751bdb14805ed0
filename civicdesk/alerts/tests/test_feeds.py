"""The RSS and Atom feeds: valid XML, the right items, public fields only, clear errors."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from django.urls import reverse

from civicdesk.servicerequests import services as requests
from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM

from .helpers import pothole

ATOM = "{http://www.w3.org/2005/Atom}"


def rss_items(client, **params):
    response = client.get(reverse("alerts:feed_rss"), params)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    return [{child.tag: child.text for child in item} for item in channel.findall("item")]


def make_requests(world):
    near = pothole(world, contact_email="reporter@example.org", contact_name="Rita Reporter",
                   contact_phone="555-0199")
    requests.transition(near, world.statuses["fixed"], user=world.bob)
    east = requests.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                   description="Tag on the bridge")
    private = requests.submit_request(service_type=world.records, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                      description="Copies of permits", reporter=world.alice)
    return near, east, private


def test_it_lists_new_and_closed_requests_in_a_circle(client, world):
    near, _, private = make_requests(world)
    items = rss_items(client, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1], radius=500)
    assert [i["guid"] for i in items] == [f"{near.public_id}:closed", f"{near.public_id}:new"]
    assert items[1]["title"] == "New: Pothole at 12 Oak Street"
    assert items[0]["title"] == "Closed: Pothole at 12 Oak Street"
    assert items[1]["link"] == f"http://testserver/requests/{near.public_id}/"
    assert items[1]["description"] == "Deep hole by the bus stop"
    feed = client.get(reverse("alerts:feed_rss"), {"lat": IN_WEST_ELM[0], "long": IN_WEST_ELM[1], "radius": 500})
    raw = feed.content.decode()
    assert "reporter@example.org" not in raw and "Rita" not in raw and "555-0199" not in raw
    assert private.public_id not in raw


def test_it_filters_by_district_type_and_event(client, world):
    near, east, _ = make_requests(world)
    assert [i["guid"] for i in rss_items(client, district=world.east.pk)] == [f"{east.public_id}:new"]
    assert rss_items(client, district=world.east.pk, service_code="pothole") == []
    west = {"lat": IN_WEST_ELM[0], "long": IN_WEST_ELM[1], "radius": 5000}
    assert [i["guid"] for i in rss_items(client, **west, service_code=["pothole", "graffiti"], events="new")] == [
        f"{near.public_id}:new"]
    assert rss_items(client, **west, service_code="graffiti") == []
    assert [i["guid"] for i in rss_items(client, **west, events="closed")] == [f"{near.public_id}:closed"]


def test_it_serves_atom_with_the_same_items(client, world):
    near, _, _ = make_requests(world)
    response = client.get(reverse("alerts:feed_atom"), {"lat": IN_WEST_ELM[0], "long": IN_WEST_ELM[1],
                                                        "radius": 500})
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}id").text for e in entries] == [f"{near.public_id}:closed", f"{near.public_id}:new"]
    assert entries[1].find(f"{ATOM}link").get("href") == f"http://testserver/requests/{near.public_id}/"


def test_it_answers_bad_parameters_with_a_clear_400(client, world):
    def error(**params) -> str:
        response = client.get(reverse("alerts:feed_rss"), params)
        assert response.status_code == 400
        return response.content.decode()

    assert "Give lat, long and radius (in meters), or a district id." in error()
    assert "Give lat, long and radius (in meters), or a district id." in error(lat=3, long=2.5)
    assert "lat: Enter a number." in error(lat="north", long=2.5, radius=500)
    assert "radius: Ensure this value is less than or equal to 5000." in error(lat=3, long=2.5, radius=9000)
    assert "district: There is no district with this id." in error(district=999999)
    assert "not both" in error(district=world.west.pk, lat=3, long=2.5, radius=500)
    assert "service_code: Select a valid choice. records is not one of the available choices." in error(
        district=world.west.pk, service_code="records")
    assert "events: Select a valid choice." in error(district=world.west.pk, events="all")


def test_it_reads_a_full_feed_with_few_queries(client, world, django_assert_max_num_queries):
    for index in range(12):
        request = pothole(world, description=f"Hole {index}")
        requests.transition(request, world.statuses["fixed"], user=world.bob)
    with django_assert_max_num_queries(4):
        items = rss_items(client, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1], radius=500)
    assert len(items) == 24
