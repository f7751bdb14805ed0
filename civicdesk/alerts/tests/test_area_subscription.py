"""The AreaSubscription model: stored boxes, what it covers, the database's rules."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from civicdesk.alerts.models import AreaSubscription
from civicdesk.lib import geo
from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM

from .helpers import live


def test_it_stores_the_box_of_its_circle_or_district(world):
    circle = live("a@example.org", radius_m=1000)
    assert (circle.min_lat, circle.max_lat, circle.min_long, circle.max_long) == pytest.approx(
        geo.bbox(IN_WEST_ELM[0], IN_WEST_ELM[1], 1000))
    district = live("b@example.org", district=world.east)
    assert (district.min_lat, district.max_lat, district.min_long, district.max_long) == (2, 4, 3, 4)


def test_it_covers_points_by_distance_or_district(world):
    circle = live("a@example.org", radius_m=100)
    assert circle.covers(IN_WEST_ELM[0] + 0.0008, IN_WEST_ELM[1], None)  # about 89 m
    assert not circle.covers(IN_WEST_ELM[0] + 0.001, IN_WEST_ELM[1], None)  # about 111 m
    east = live("b@example.org", district=world.east)
    assert east.covers(*IN_EAST_ELM, world.east.pk)
    assert not east.covers(*IN_EAST_ELM, world.west.pk)


def test_it_describes_its_area_in_words(world):
    assert live("a@example.org", radius_m=250, place_name="12 Oak Street").describe_area() == \
        "within 250 m of 12 Oak Street"
    assert live("b@example.org", district=world.west).describe_area() == "West Elm"


def test_it_refuses_a_radius_out_of_bounds_or_no_event(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaSubscription.objects.create(email="a@example.org", lat=3, long=2.5, radius_m=50_000)
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaSubscription.objects.create(email="a@example.org", lat=3, long=2.5, radius_m=500, notify_new=False,
                                        notify_closed=False)


def test_it_refuses_both_a_circle_and_a_district(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaSubscription.objects.create(email="a@example.org", lat=3, long=2.5, radius_m=500, district=world.west)
