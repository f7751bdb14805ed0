"""jurisdictions.services.nearest_address: the address point nearest a pin, within a distance, however many
points lie around it."""

from __future__ import annotations

import math
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.jurisdictions.models import AddressPoint
from civicdesk.jurisdictions.services import nearest_address
from civicdesk.lib import geo

# A block in the mid-west, away from the test world's places (which lie near 3°N 2.5°E).
PIN = (40.11562, -88.24183)


def _point(address_id: str, lat: float, long: float, label: str) -> AddressPoint:
    return AddressPoint(address_id=address_id, number="1", street="Tower Row", full_address=label, lat=lat, long=long)


def _offset(metres_north: float, metres_east: float) -> tuple[float, float]:
    lat = PIN[0] + metres_north / 111_195
    return lat, PIN[1] + metres_east / (111_195 * math.cos(math.radians(PIN[0])))


def test_it_finds_the_house_beside_the_pin_behind_a_tower_of_six_hundred_units(db):
    tower = _offset(-55, 0)  # south of the pin: first in the (lat, long) index, as in the table
    # The tower's units are stored first, as an address file lists them: a look-up that read the first few
    # hundred rows of the box and measured them in Python never saw the house.
    AddressPoint.objects.bulk_create([_point(f"TWR-{unit}", *tower, f"1 Tower Row, Unit {unit}")
                                      for unit in range(600)])
    AddressPoint.objects.bulk_create([_point("HOUSE-9f2", *_offset(12, 14), "3 Tower Row")])
    with CaptureQueriesContext(connection) as captured:
        found = nearest_address(*PIN)
    assert found.full_address == "3 Tower Row"
    assert len(captured) == 1


def test_it_agrees_with_measuring_every_point(db):
    rng = random.Random(41)
    AddressPoint.objects.bulk_create([
        _point(f"RND-{i}", *_offset(rng.uniform(-90, 90), rng.uniform(-90, 90)), f"{i} Tower Row")
        for i in range(400)])
    points = list(AddressPoint.objects.filter(address_id__startswith="RND-"))
    for _ in range(40):
        pin = _offset(rng.uniform(-70, 70), rng.uniform(-70, 70))
        within = [(geo.distance_m(*pin, p.lat, p.long), p.full_address) for p in points]
        within = sorted(d for d in within if d[0] <= 25)
        found = nearest_address(*pin, within_m=25)
        if not within:
            assert found is None
        else:
            assert found is not None
            assert geo.distance_m(*pin, found.lat, found.long) == pytest.approx(within[0][0], abs=1e-6)


def test_it_finds_nothing_beyond_the_distance(db):
    AddressPoint.objects.bulk_create([_point("FAR-1", *_offset(80, 0), "9 Tower Row")])
    assert nearest_address(*PIN, within_m=75) is None
    assert nearest_address(*PIN, within_m=85).full_address == "9 Tower Row"
