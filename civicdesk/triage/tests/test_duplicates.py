"""Duplicate candidates: open public requests of the same type close by, nearest first."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civicdesk.servicerequests import services
from civicdesk.triage.services import duplicate_candidates, nearest_open


def report(world, lat, long, service_type=None, **extra):
    service_type = service_type or world.pothole
    attributes = {"depth": "deep"} if service_type == world.pothole else {}
    return services.submit_request(service_type=service_type, lat=lat, long=long, attributes=attributes, **extra)


def test_it_offers_open_requests_of_the_same_type_within_the_radius_nearest_first(world):
    far = report(world, 3.0003, 3.5)    # about 33 m
    near = report(world, 3.0001, 3.5)   # about 11 m
    report(world, 3.001, 3.5)           # about 111 m: outside 50 m
    found = duplicate_candidates(service_type=world.pothole, lat=3.0, long=3.5)
    assert [r for r, _ in found] == [near, far]
    assert 10 < found[0][1] < 12


def test_it_skips_other_types_closed_private_and_merged_requests(world):
    closed = report(world, 3.0001, 3.5)
    services.transition(closed, world.statuses["fixed"])
    private = report(world, 3.0001, 3.5)
    private.is_private = True
    private.save()
    original = report(world, 3.0002, 3.5)
    merged = report(world, 3.0001, 3.5)
    merged.duplicate_of = original
    merged.save()
    report(world, 3.0001, 3.5, service_type=world.garbage, contact_email="a@example.org")
    assert [r for r, _ in duplicate_candidates(service_type=world.pothole, lat=3.0, long=3.5)] == [original]


def test_it_uses_the_radius_of_the_service_type(world):
    world.pothole.duplicate_radius_m = 200
    world.pothole.save()
    wide = report(world, 3.001, 3.5)
    assert [r for r, _ in duplicate_candidates(service_type=world.pothole, lat=3.0, long=3.5)] == [wide]


def test_it_offers_nothing_when_the_type_turns_the_check_off(world):
    report(world, 3.0, 3.5, service_type=world.graffiti)
    assert duplicate_candidates(service_type=world.graffiti, lat=3.0, long=3.5) == []


def test_it_notes_possible_duplicates_for_staff_on_submission(world):
    first = report(world, 3.0001, 3.5)
    second = report(world, 3.0, 3.5)
    routed = second.timeline.get(kind="routed")
    assert routed.data["possible_duplicates"] == [first.public_id]


def test_it_finds_the_nearest_at_a_busy_spot_however_old_loading_only_a_few_rows(world):
    world.pothole.duplicate_radius_m = 200
    world.pothole.save()
    nearest = report(world, 3.00002, 3.5)   # about 2 m, and the oldest
    nearest.requested_at = timezone.now() - dt.timedelta(days=30)
    nearest.save(update_fields=["requested_at"])
    others = [report(world, 3.0003 + i * 0.00001, 3.5) for i in range(12)]  # 33-46 m, all newer
    with CaptureQueriesContext(connection) as captured:
        found = duplicate_candidates(service_type=world.pothole, lat=3.0, long=3.5, limit=3)
    assert [r for r, _ in found] == [nearest, others[0], others[1]]
    assert found[0][0].status.code and found[0][0].service_type.code == "pothole"  # loaded with the requests
    # The nearest limit + 2 ids and points, then only the three requests within the radius.
    assert len(captured) == 2
    assert "LIMIT 5" in captured[0]["sql"]
    with CaptureQueriesContext(connection) as captured:
        numbers = nearest_open(service_type=world.pothole, lat=3.0, long=3.5, limit=3)
    assert [public_id for _, public_id, _ in numbers] == [r.public_id for r, _ in found]
    assert [round(d) for _, _, d in numbers] == [round(d) for _, d in found]
    assert len(captured) == 1  # what a submission asks: the tracking numbers, one statement


def test_it_reads_one_statement_and_loads_nothing_where_nothing_lies_within_the_radius(world):
    # Inside the look-up's box (its corner) but beyond the 50 m radius: found by the box, dropped by distance.
    corner = report(world, 3.0 + 45 / 111_320, 3.5 + 45 / 111_320)
    assert corner.pk
    with CaptureQueriesContext(connection) as captured:
        assert duplicate_candidates(service_type=world.pothole, lat=3.0, long=3.5) == []
    assert len(captured) == 1


def test_it_leaves_out_the_request_being_checked(world):
    first = report(world, 3.0001, 3.5)
    second = report(world, 3.0002, 3.5)
    found = duplicate_candidates(service_type=world.pothole, lat=3.0001, long=3.5, exclude_id=first.pk)
    assert [r for r, _ in found] == [second]
