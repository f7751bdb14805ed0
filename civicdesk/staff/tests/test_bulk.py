"""Bulk actions from the queue page: all selected requests change, or none does."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import TimelineEntry
from civicdesk.testing.world import IN_EAST_ELM
from civicdesk.testing.auth import login_verified

from .people import seat_people

URL = reverse("staff:bulk")


@pytest.fixture
def graffiti(world):
    return [services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                    description=f"Tag {i}") for i in range(3)]


def ids(requests) -> list[str]:
    return [r.public_id for r in requests]


def test_it_assigns_every_selected_request_to_me(client, world, graffiti):
    login_verified(client, world.bob)
    response = client.post(URL, {"ids": ids(graffiti), "action": "assign_me", "back": "queue=all"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("staff:queues") + "?queue=all"
    assert all(r.assignee_id == world.bob.pk for r in world.bob.assigned_requests.all())
    assert world.bob.assigned_requests.count() == 3
    assert "Done for 3 requests." in response.content.decode()


def test_it_changes_status_with_one_message(client, world, graffiti):
    login_verified(client, world.bob)
    client.post(URL, {"ids": ids(graffiti), "action": "status", "status": world.statuses["fixed"].pk,
                      "message": "Cleaned the whole wall"})
    assert TimelineEntry.objects.filter(message="Cleaned the whole wall", is_public=True).count() == 3


def test_it_changes_nothing_when_one_move_is_not_allowed(client, world, graffiti):
    services.transition(graffiti[1], world.statuses["fixed"], user=world.bob)
    login_verified(client, world.bob)
    before = (TimelineEntry.objects.count(), AuditEntry.objects.count())
    response = client.post(URL, {"ids": ids(graffiti), "action": "status", "status": world.statuses["fixed"].pk},
                           follow=True)
    assert "Nothing was changed" in response.content.decode()
    assert (TimelineEntry.objects.count(), AuditEntry.objects.count()) == before


def test_it_merges_the_selection_into_the_oldest(client, world, graffiti):
    seats = seat_people(world)
    login_verified(client, seats.supervisor)
    client.post(URL, {"ids": ids(graffiti), "action": "merge"})
    for duplicate in graffiti[1:]:
        duplicate.refresh_from_db()
        assert duplicate.duplicate_of_id == graffiti[0].pk


def test_it_refuses_the_whole_batch_when_one_request_is_out_of_reach(client, world, graffiti):
    other = services.submit_request(service_type=world.garbage, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                    contact_email="x@example.org")
    login_verified(client, world.bob)
    before = (TimelineEntry.objects.count(), AuditEntry.objects.count())
    assert client.post(URL, {"ids": ids(graffiti) + [other.public_id], "action": "assign_me"}).status_code == 404
    assert client.post(URL, {"ids": ids(graffiti), "action": "merge"}).status_code == 403
    assert (TimelineEntry.objects.count(), AuditEntry.objects.count()) == before


def test_it_refuses_residents(client, world, graffiti):
    login_verified(client, world.alice)
    assert client.post(URL, {"ids": ids(graffiti), "action": "assign_me"}).status_code == 403
