"""add_internal_note(): staff-only notes that remember whom they @mention."""

from __future__ import annotations

import pytest

from civicdesk.audit.models import AuditEntry
from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_EAST_ELM


@pytest.fixture
def request_(world):
    return services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1])


def test_it_stores_the_note_as_internal_with_the_mentioned_ids(world, request_):
    entry = services.add_internal_note(request_, message="@carol can your crew help?", user=world.bob,
                                       mentioned=[world.carol, world.carol])
    assert not entry.is_public and entry.kind == "internal_note" and entry.author == world.bob
    assert entry.data == {"mentions": [world.carol.pk]}
    assert not request_.public_timeline().filter(pk=entry.pk).exists()
    assert AuditEntry.objects.get(action="servicerequest.note_added").data["mentions"] == [world.carol.pk]


def test_it_refuses_an_empty_note(world, request_):
    with pytest.raises(services.RequestRejected):
        services.add_internal_note(request_, message="   ", user=world.bob)
