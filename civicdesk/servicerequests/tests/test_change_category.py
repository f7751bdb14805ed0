"""change_category(): a new kind re-routes the request and recomputes its SLA."""

from __future__ import annotations

import pytest

from civicdesk.audit.models import AuditEntry
from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_WEST_ELM


@pytest.fixture
def pothole(world):
    return services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                   attributes={"depth": "shallow"})


def test_it_routes_the_request_again_under_the_new_kind(world, pothole):
    entry = services.change_category(pothole, service_type=world.garbage, user=world.bob)
    pothole.refresh_from_db()
    assert pothole.service_type == world.garbage
    assert pothole.department == world.sanitation and pothole.team == world.north_crew
    assert "Sanitation" in pothole.routing_note and not entry.is_public
    expected = world.elm.calendar().add_business_hours(pothole.requested_at, world.garbage.sla_hours)
    assert pothole.expected_at == expected
    assert AuditEntry.objects.filter(action="servicerequest.category_changed", object_id=str(pothole.pk)).exists()


def test_it_clears_the_sla_for_a_kind_without_a_target(world, pothole):
    services.change_category(pothole, service_type=world.graffiti, user=world.bob)
    pothole.refresh_from_db()
    assert pothole.expected_at is None and pothole.department == world.public_works


def test_it_refuses_the_same_kind(world, pothole):
    with pytest.raises(services.RequestRejected):
        services.change_category(pothole, service_type=world.pothole, user=world.bob)
