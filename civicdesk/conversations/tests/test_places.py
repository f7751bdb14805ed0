"""The "where" step's readers: shared map links, named places, addresses found inside a sentence."""

from __future__ import annotations

import pytest

from civicdesk.conversations.places import find_address, is_map_link, landmark, shared_location
from civicdesk.jurisdictions.models import AddressPoint


@pytest.mark.parametrize("text", [
    "geo:41.8781,-87.6298?z=17",
    "here https://maps.google.com/?q=41.8781,-87.6298",
    "https://www.google.com/maps/search/?api=1&query=41.8781%2C-87.6298",
    "https://www.google.com/maps/place/Somewhere/@41.8781,-87.6298,17z/data=x",
    "https://maps.apple.com/?ll=41.8781,-87.6298&q=Dropped%20Pin",
    "https://www.openstreetmap.org/?mlat=41.8781&mlon=-87.6298#map=17/41.8781/-87.6298",
    "https://www.openstreetmap.org/#map=18/41.8781/-87.6298",
])
def test_it_reads_coordinates_from_shared_location_links(text):
    assert shared_location(text) == (41.8781, -87.6298)


@pytest.mark.parametrize("text", ["440 W Market St", "https://example.org/?q=41.8,-87.6", "geo:0,0",
                                  "https://maps.google.com/?q=91.5,200"])
def test_it_finds_no_location_where_there_is_none(text):
    assert shared_location(text) is None


def test_it_knows_a_map_link_it_cannot_read():
    assert is_map_link("https://maps.app.goo.gl/AbCdEf") and not is_map_link("https://example.org/")


def test_it_takes_a_named_place_only_when_one_matches(world):
    library = AddressPoint.objects.create(address_id="L1", number="", street="Riverside Library",
                                          full_address="Riverside Library", jurisdiction=world.elm, lat=3.1, long=2.9)
    AddressPoint.objects.create(address_id="P1", number="", street="Elm Park North", full_address="Elm Park North",
                                jurisdiction=world.elm, lat=3.2, long=2.9)
    AddressPoint.objects.create(address_id="P2", number="", street="Elm Park South", full_address="Elm Park South",
                                jurisdiction=world.elm, lat=3.3, long=2.9)
    assert landmark("riverside library") == library
    assert landmark("graffiti behind the Riverside Library") == library
    assert landmark("elm park") is None  # two named places: no guess
    assert landmark("oak") is None


def test_it_finds_the_address_inside_a_sentence_without_guessing(world):
    found = find_address("Streetlight out in front of 14 Oak Street since Monday")
    assert (found.point.address_id, found.label) == ("A2", "14 Oak Street")
    unsure = find_address("somewhere near 13 Oak Street")
    assert unsure.point is None and [label for _, label in unsure.candidates] == ["12 Oak Street", "14 Oak Street"]
    assert find_address("no address here").point is None
