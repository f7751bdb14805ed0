"""The shared load helpers give the answers the one-request code paths give: places, routing, SLA due times."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np

from civicdesk.catalog.models import RoutingRule
from civicdesk.catalog.services import route
from civicdesk.datasets.bulk import NO_TIME
from civicdesk.datasets.services import Locator, RouteCache, SlaClock, StatusBook
from civicdesk.jurisdictions.models import Holiday
from civicdesk.jurisdictions.services import locate
from civicdesk.testing.world import square

UTC = dt.timezone.utc


def test_it_locates_many_points_as_locate_does_one(world):
    rng = random.Random(1)
    points = [(rng.uniform(-1, 11), rng.uniform(-1, 11)) for _ in range(400)] + [(3.0, 3.0), (2.0, 2.0), (4.0, 3.5)]
    found = Locator().locate_many([lat for lat, _ in points], [long for _, long in points])
    for (lat, long), (jurisdiction_id, district_id) in zip(points, found):
        where = locate(lat, long)
        assert jurisdiction_id == (where.jurisdiction.pk if where.jurisdiction else None)
        assert district_id == (where.district.pk if where.district else None)


def test_it_draws_random_points_inside_the_jurisdiction_only(world):
    points = Locator().random_points(world.county, 200, random.Random(2))
    assert len(points) == 200
    assert all(locate(lat, long).jurisdiction == world.county for lat, long, _ in points)


def test_it_routes_each_case_as_route_does_even_with_drawn_areas(world):
    corner = RoutingRule.objects.create(jurisdiction=world.elm, name="Corner potholes", order=5,
                                        department=world.sanitation, area=square(3.5, 3.5, 4, 4))
    corner.service_types.add(world.pothole)
    cache = RouteCache([world.elm, world.county])
    rng = random.Random(3)
    for _ in range(200):
        lat, long = rng.uniform(2, 4), rng.uniform(2, 4)
        where = locate(lat, long)
        for service_type in (world.pothole, world.garbage, world.graffiti):
            decision = route(jurisdiction=where.jurisdiction, service_type=service_type, lat=lat, long=long,
                             district_id=where.district.pk)
            cached = cache.decide(jurisdiction_id=where.jurisdiction.pk, service_type=service_type,
                                  district_id=where.district.pk, lat=lat, long=long)
            assert (cached.department_id, cached.team_id, cached.rule_id, cached.note) == (
                decision.department_id, decision.team_id, decision.rule.pk if decision.rule else None, decision.note)


def test_it_gives_the_calendars_own_sla_due_times(world):
    Holiday.objects.create(jurisdiction=world.elm, date=dt.date(2026, 7, 3), name="Independence Day (observed)")
    world.elm.business_hours = {"mon": ["08:30", "17:00"], "tue": ["08:30", "17:00"], "wed": ["08:30", "17:00"],
                                "thu": ["08:30", "17:00"], "fri": ["08:30", "12:00"]}
    world.elm.save()
    start = dt.datetime(2026, 3, 1, tzinfo=UTC).timestamp()  # spans the change to daylight saving time
    clock = SlaClock([world.elm], start=start, end=start + 200 * 86400)
    calendar = world.elm.calendar()
    rng = random.Random(4)
    moments = [int(start + rng.uniform(0, 200 * 86400)) for _ in range(600)]  # whole seconds, as loads use
    moments += [dt.datetime(2026, 7, 2, 22, 0, tzinfo=UTC).timestamp(),  # 5 PM, before the holiday
                dt.datetime(2026, 3, 6, 17, 0, tzinfo=UTC).timestamp()]  # Friday noon closing, exactly
    for moment in moments:
        for hours in (1, 3.5, 8, 40, 480):
            expected = calendar.add_business_hours(dt.datetime.fromtimestamp(moment, UTC), hours).timestamp()
            assert clock.due(world.elm.pk, moment, hours) == expected
    assert clock.due(world.elm.pk, moments[0], None) is None
    before_range = start - 30 * 86400  # outside the listed days: the calendar answers
    assert clock.due(world.elm.pk, before_range, 8) == calendar.add_business_hours(
        dt.datetime.fromtimestamp(before_range, UTC), 8).timestamp()


def test_it_gives_many_due_times_and_routes_at_once_as_it_gives_each(world):
    """The importer converts a batch with due_many() and decide_many(): the same answers as one by one."""
    corner = RoutingRule.objects.create(jurisdiction=world.elm, name="Corner potholes", order=5,
                                        department=world.sanitation, area=square(3.5, 3.5, 4, 4))
    corner.service_types.add(world.pothole)
    start = dt.datetime(2026, 3, 1, tzinfo=UTC).timestamp()
    clock = SlaClock([world.elm, world.county], start=start, end=start + 100 * 86400)
    rng = random.Random(5)
    count = 300
    jurisdictions = np.array([rng.choice([world.elm.pk, world.county.pk]) for _ in range(count)], dtype=np.int64)
    # Some moments before the listed days (the calendar answers), some rows without an SLA (hours 0).
    requested = np.array([int(start + rng.uniform(-20, 100) * 86400) for _ in range(count)], dtype=np.int64)
    hours = np.array([rng.choice([0.0, 1.0, 8.0, 16.0, 72.0]) for _ in range(count)])
    due = clock.due_many(jurisdictions, requested, hours).tolist()
    for n in range(count):
        one = clock.due(int(jurisdictions[n]), int(requested[n]), float(hours[n]))
        assert due[n] == (NO_TIME if one is None else int(one))
    types = [world.pothole, world.garbage, world.graffiti]
    type_index = np.array([rng.randrange(3) for _ in range(count)], dtype=np.int64)
    lats, longs = np.array([rng.uniform(2, 4) for _ in range(count)]), np.array([rng.uniform(2, 4) for _ in range(count)])
    places = Locator([world.elm]).locate_many(lats.tolist(), longs.tolist())
    elm = np.full(count, world.elm.pk, dtype=np.int64)
    districts = np.array([district for _, district in places], dtype=object)
    cache = RouteCache([world.elm])
    decisions, chosen = cache.decide_many(elm, types, type_index, districts, lats, longs)
    fresh = RouteCache([world.elm])
    for n in range(count):
        one = fresh.decide(jurisdiction_id=world.elm.pk, service_type=types[type_index[n]], district_id=districts[n],
                           lat=float(lats[n]), long=float(longs[n]))
        assert decisions[chosen[n]] == one


def test_it_maps_a_plain_closed_to_fixed_and_knows_the_initial_status(world):
    book = StatusBook.load()
    assert book.initial.code == "submitted"
    assert book.first_closed().code == "fixed"
    assert "in_progress" in book.open_codes() and "submitted" not in book.open_codes()
