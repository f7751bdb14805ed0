"""transfer(): handing a request to another department or jurisdiction, with a reason and a trail."""

from __future__ import annotations

import pytest

from civicdesk.audit.models import AuditEntry
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import TimelineEntry
from civicdesk.testing.world import IN_WEST_ELM


@pytest.fixture
def pothole(world):
    request = services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                      attributes={"depth": "deep"})
    services.assign(request, user=world.bob, assignee=world.bob)
    return request


def test_it_moves_the_request_to_the_other_department_and_clears_the_assignee(world, pothole):
    entry = services.transfer(pothole, department=world.sanitation, user=world.bob, reason="Spilled bins")
    pothole.refresh_from_db()
    assert pothole.department == world.sanitation and pothole.assignee is None and pothole.team is None
    assert entry.kind == TimelineEntry.Kind.ROUTED and not entry.is_public and "Spilled bins" in entry.message
    assert entry.data["transfer"] and entry.data["to_department"] == world.sanitation.pk
    assert pothole.transferred_at == entry.created_at == pothole.updated_at  # what "Transferred in" walks
    audit = AuditEntry.objects.get(action="servicerequest.transferred", object_id=str(pothole.pk))
    assert audit.actor == world.bob and audit.data["reason"] == "Spilled bins"


def test_it_moves_the_request_to_another_jurisdiction_and_drops_the_foreign_district(world, pothole):
    assert pothole.district == world.west
    services.transfer(pothole, department=world.roads, user=world.bob, reason="County road")
    pothole.refresh_from_db()
    assert pothole.jurisdiction == world.county and pothole.district is None
    assert pothole.routing_note == "Transferred from Public Works to County Roads"


def test_it_refuses_without_a_reason_and_writes_nothing(world, pothole):
    before = (TimelineEntry.objects.count(), AuditEntry.objects.count())
    with pytest.raises(services.RequestRejected):
        services.transfer(pothole, department=world.sanitation, user=world.bob, reason="  ")
    with pytest.raises(services.RequestRejected):
        services.transfer(pothole, department=world.public_works, user=world.bob, reason="Same place")
    assert (TimelineEntry.objects.count(), AuditEntry.objects.count()) == before
    pothole.refresh_from_db()
    assert pothole.department == world.public_works


def test_it_dates_the_transfers_made_before_the_field_existed_from_the_timeline(world, pothole):
    """Migration 0012: a request transferred by an older release gets the time of its latest transfer."""
    import datetime as dt
    import importlib

    from django.apps import apps

    from civicdesk.servicerequests.models import ServiceRequest

    migration = importlib.import_module("civicdesk.servicerequests.migrations.0012_transferred_at")
    first = services.transfer(pothole, department=world.sanitation, user=world.bob, reason="Bins")
    latest = services.transfer(pothole, department=world.public_works, user=world.bob, reason="Back again")
    TimelineEntry.objects.filter(pk=first.pk).update(created_at=first.created_at - dt.timedelta(days=2))
    untouched = services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                        attributes={"depth": "deep"})
    ServiceRequest.objects.update(transferred_at=None)  # as the older release stored them

    migration.from_the_timeline(apps, None)

    stored = dict(ServiceRequest.objects.values_list("pk", "transferred_at"))
    assert stored[pothole.pk] == latest.created_at and stored[untouched.pk] is None
