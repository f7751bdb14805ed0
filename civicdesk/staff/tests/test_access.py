"""access: which seat sees and may change which request, stated once and used everywhere."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from civicdesk.servicerequests import services
from civicdesk.staff import access

from .people import file_requests, seat_people


@pytest.fixture
def cast(world):
    return seat_people(world), file_requests(world)


def visible(user) -> set[str]:
    return set(access.requests_visible_to(user).values_list("public_id", flat=True))


def test_it_shows_staff_their_department_and_their_jurisdictions_triage(world, cast):
    _, reqs = cast
    assert visible(world.bob) == {reqs.pothole.public_id, reqs.triage.public_id}
    assert visible(world.carol) == {reqs.garbage.public_id, reqs.triage.public_id}


def test_it_shows_staff_of_another_jurisdiction_nothing_of_it(world, cast):
    _, reqs = cast
    assert visible(world.dave) == {reqs.county.public_id}


def test_it_shows_agents_and_admins_their_whole_jurisdiction(world, cast):
    seats, reqs = cast
    elm = {reqs.pothole.public_id, reqs.garbage.public_id, reqs.triage.public_id}
    assert visible(seats.agent) == elm
    assert visible(seats.admin) == elm


def test_it_shows_contractors_only_what_is_assigned_to_them(world, cast):
    seats, reqs = cast
    assert visible(seats.contractor) == set()
    services.assign(reqs.pothole, user=seats.supervisor, assignee=seats.contractor)
    assert visible(seats.contractor) == {reqs.pothole.public_id}


def test_it_shows_superusers_everything_and_residents_nothing(world, cast):
    seats, reqs = cast
    assert len(visible(seats.root)) == 4
    assert visible(world.alice) == set()


def test_it_never_lets_a_contractor_see_contact_details(world, cast):
    seats, reqs = cast
    services.assign(reqs.pothole, user=seats.supervisor, assignee=seats.contractor)
    assert access.can(seats.contractor, "view", reqs.pothole)
    assert not access.can(seats.contractor, "see_contact", reqs.pothole)
    assert access.can(world.bob, "see_contact", reqs.pothole)


def test_it_lets_agents_move_requests_but_not_close_them(world, cast):
    seats, reqs = cast
    assert access.can(seats.agent, "transition", reqs.pothole)
    assert not access.can(seats.agent, "close", reqs.pothole)
    assert access.can(world.bob, "close", reqs.pothole)


def test_it_keeps_reassigning_and_merging_for_supervisors(world, cast):
    seats, reqs = cast
    assert access.can(world.bob, "assign", reqs.pothole) and not access.can(world.bob, "reassign", reqs.pothole)
    assert access.can(seats.supervisor, "reassign", reqs.pothole)
    assert not access.can(world.bob, "merge", reqs.pothole) and access.can(seats.supervisor, "merge", reqs.pothole)


def test_it_raises_404_for_an_invisible_request_and_403_for_a_forbidden_write(world, cast):
    seats, reqs = cast
    with pytest.raises(Http404):
        access.get_request_for_staff(world.carol, reqs.pothole.public_id)
    with pytest.raises(PermissionDenied):
        access.get_request_for_staff(world.bob, reqs.pothole.public_id, "merge")
    with pytest.raises(PermissionDenied):
        access.get_request_for_staff(world.alice, reqs.pothole.public_id)
    found = access.get_request_for_staff(world.bob, reqs.pothole.public_id.lower().replace("-", " "))
    assert found.pk == reqs.pothole.pk


def test_it_keeps_every_queue_inside_what_the_user_may_see(world, cast):
    from civicdesk.staff import services as queues

    seats, reqs = cast
    services.assign(reqs.garbage, user=seats.supervisor, assignee=seats.contractor)
    services.transfer(reqs.county, department=world.public_works, user=world.dave, reason="Town street")
    people = [world.bob, world.carol, world.dave, world.alice, *vars(seats).values()]
    for person in people:
        allowed = visible(person)
        for key in queues.QUEUE_KEYS:
            found = set(queues.queue(person, key).values_list("public_id", flat=True))
            assert found <= allowed, (person, key)
