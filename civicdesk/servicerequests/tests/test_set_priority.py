"""set_priority(): staff raise or lower a request's priority, with an internal trail."""

from __future__ import annotations

import pytest

from civicdesk.audit.models import AuditEntry
from civicdesk.catalog.models import Priority
from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_EAST_ELM


@pytest.fixture
def request_(world):
    return services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1])


def test_it_changes_the_priority_with_an_internal_entry_and_an_audit_entry(world, request_):
    entry = services.set_priority(request_, priority=Priority.URGENT, user=world.bob)
    request_.refresh_from_db()
    assert request_.priority == Priority.URGENT
    assert not entry.is_public and entry.message == "Priority changed from Normal to Urgent"
    audit = AuditEntry.objects.get(action="servicerequest.priority_changed", object_id=str(request_.pk))
    assert audit.data == {"from": Priority.NORMAL, "to": Priority.URGENT}


def test_it_refuses_an_unknown_or_unchanged_priority(world, request_):
    with pytest.raises(services.RequestRejected):
        services.set_priority(request_, priority=9, user=world.bob)
    with pytest.raises(services.RequestRejected):
        services.set_priority(request_, priority=Priority.NORMAL, user=world.bob)
    assert not AuditEntry.objects.filter(action="servicerequest.priority_changed").exists()
