"""Jurisdiction: boundaries, time zones, business hours and holidays."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from civicdesk.jurisdictions.models import Holiday, Jurisdiction
from civicdesk.jurisdictions.services import locate
from civicdesk.testing.world import IN_COUNTY_ONLY, IN_EAST_ELM, OUTSIDE_EVERYTHING, square


def test_it_finds_the_town_inside_the_county_and_its_district(world):
    where = locate(*IN_EAST_ELM)
    assert where.jurisdiction == world.elm and where.district == world.east
    where = locate(*IN_COUNTY_ONLY)
    assert where.jurisdiction == world.county and where.district is None
    assert locate(*OUTSIDE_EVERYTHING).jurisdiction is None


def test_it_notices_a_changed_boundary(world):
    world.elm.boundary = square(6, 6, 9, 9)
    world.elm.save()
    assert locate(*IN_COUNTY_ONLY).jurisdiction == world.elm


def test_it_skips_inactive_jurisdictions(world):
    world.elm.is_active = False
    world.elm.save()
    assert locate(*IN_EAST_ELM).jurisdiction == world.county


def test_it_validates_boundary_time_zone_and_hours(db):
    jurisdiction = Jurisdiction(name="X", slug="x", open311_id="x.example", boundary={"type": "Point"},
                                time_zone="Mars/Olympus", business_hours={"mon": ["9", "5"]})
    with pytest.raises(ValidationError) as exc:
        jurisdiction.full_clean()
    assert {"boundary", "time_zone", "business_hours"} <= set(exc.value.message_dict)


def test_it_builds_a_calendar_with_its_holidays(world):
    Holiday.objects.create(jurisdiction=world.elm, date=dt.date(2026, 12, 25), name="Christmas Day")
    calendar = world.elm.calendar()
    assert not calendar.is_open_day(dt.date(2026, 12, 25))
    assert calendar.is_open_day(dt.date(2026, 12, 24))
