"""merge(): a duplicate closes with a link to the original, and its supporters carry over."""

from __future__ import annotations

import pytest

from civicdesk.audit.models import AuditEntry
from civicdesk.notifications.models import Delivery
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import Support
from civicdesk.testing.world import IN_EAST_ELM


def graffiti(world, text):
    return services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                   description=text)


@pytest.fixture
def pair(world):
    return graffiti(world, "Tag on the bridge"), graffiti(world, "Bridge tag again")


def test_it_closes_the_duplicate_as_duplicate_with_a_public_link(world, pair):
    original, duplicate = pair
    entry = services.merge(duplicate, into=original, user=world.bob)
    assert duplicate.status.code == "duplicate" and not duplicate.is_open and duplicate.closed_at
    assert duplicate.duplicate_of == original
    assert entry.is_public and original.public_id in entry.message
    assert original.timeline.filter(data__merged=duplicate.public_id, is_public=False).exists()
    assert AuditEntry.objects.filter(action="servicerequest.merged", object_id=str(duplicate.pk)).exists()
    assert AuditEntry.objects.filter(action="servicerequest.merged_in", object_id=str(original.pk)).exists()


def test_it_carries_supporters_over_counting_each_person_once(world, pair):
    original, duplicate = pair
    services.support(duplicate, user=world.alice)
    services.support(duplicate, session_key="anon-1")
    services.support(original, user=world.alice)
    services.merge(duplicate, into=original, user=world.bob)
    assert Support.objects.filter(request=original).count() == 2
    # Alice was already counted; the anonymous supporter and the duplicate's reporter are new.
    assert original.supporters_count == 1 + 2


def test_it_notifies_the_duplicates_reporter(world):
    original = graffiti(world, "Tag on the bridge")
    duplicate = services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                        description="Bridge tag again", contact_email="zed@example.org")
    entry = services.merge(duplicate, into=original, user=world.bob)
    delivery = Delivery.objects.get(event="request.merged", address="zed@example.org")
    assert (delivery.key, delivery.request) == (f"timeline:{entry.pk}", duplicate)


def test_it_refuses_merging_into_itself_a_closed_request_or_a_duplicate(world, pair):
    original, duplicate = pair
    with pytest.raises(services.RequestRejected):
        services.merge(original, into=original, user=world.bob)
    services.merge(duplicate, into=original, user=world.bob)
    with pytest.raises(services.RequestRejected):
        services.merge(duplicate, into=original, user=world.bob)
    third = graffiti(world, "Third report")
    with pytest.raises(services.RequestRejected):
        services.merge(third, into=duplicate, user=world.bob)
    third.refresh_from_db()
    assert third.is_open and third.duplicate_of is None
