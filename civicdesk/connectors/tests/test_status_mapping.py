"""Updates coming back: the status table, public or internal notes, and no echo to their sender."""

from __future__ import annotations

import pytest

from civicdesk.connectors import services
from civicdesk.connectors.backends.base import Update
from civicdesk.connectors.models import OutboundChange, SyncRecord
from civicdesk.servicerequests.models import TimelineEntry
from civicdesk.servicerequests.services import add_note, transition

from .conftest import new_graffiti


@pytest.fixture
def sent(csv_connector, world):
    request = new_graffiti(world)
    record = SyncRecord.objects.get(connector=csv_connector)
    services.deliver(record.pk)
    return request, record


def test_it_maps_their_status_case_insensitively_to_ours(csv_connector, sent):
    request, _record = sent
    assert services.incoming_status(csv_connector, " done ").code == "fixed"
    assert services.apply_update(csv_connector, Update(update_id="1", tracking_number=request.public_id,
                                                       status="Done", note="Filled"))
    request.refresh_from_db()
    assert request.status.code == "fixed" and not request.is_open
    assert request.timeline.get(kind=TimelineEntry.Kind.STATUS).message == "Filled"


def test_it_leaves_the_status_alone_for_an_unmapped_word_but_keeps_the_note(csv_connector, sent):
    request, record = sent
    before = request.status_id
    services.apply_update(csv_connector, Update(update_id="2", tracking_number=request.public_id,
                                                status="AWAITING PARTS", note="Waiting for paint"))
    request.refresh_from_db()
    assert request.status_id == before
    assert request.timeline.get(kind=TimelineEntry.Kind.PUBLIC_NOTE).message == "Waiting for paint"
    record.refresh_from_db()
    assert record.external_status == "AWAITING PARTS"


def test_it_keeps_notes_internal_when_the_connector_says_so(csv_connector, sent):
    request, _record = sent
    csv_connector.notes_public = False
    csv_connector.save()
    services.apply_update(csv_connector, Update(update_id="3", tracking_number=request.public_id, status="DONE",
                                                note="Crew radio: done"))
    status = request.timeline.get(kind=TimelineEntry.Kind.STATUS)
    note = request.timeline.get(kind=TimelineEntry.Kind.INTERNAL_NOTE, message="Crew radio: done")
    assert status.is_public and status.message == "" and not note.is_public


def test_it_does_not_send_their_own_change_back_but_sends_ours(csv_connector, sent, world):
    request, record = sent
    services.apply_update(csv_connector, Update(update_id="4", tracking_number=request.public_id,
                                                status="IN PROGRESS"))
    assert not OutboundChange.objects.exists()
    request.refresh_from_db()
    transition(request, world.statuses["fixed"], message="Done by us", user=world.bob)
    add_note(request, message="Thanks for reporting", user=world.bob)
    assert list(OutboundChange.objects.values_list("kind", flat=True)) == ["status", "note"]
    assert services.deliver(record.pk) == SyncRecord.State.SENT
    assert not OutboundChange.objects.filter(sent_at__isnull=True).exists()
    change = OutboundChange.objects.get(kind="status")
    assert csv_connector.backend().outgoing_status(change.status) == "CLOSED"


def test_it_forwards_only_requests_inside_the_connector_scope(csv_connector, world):
    csv_connector.departments.add(world.sanitation)
    new_graffiti(world)  # Public Works
    assert not SyncRecord.objects.exists()
    csv_connector.departments.clear()
    csv_connector.enabled = False
    csv_connector.save()
    new_graffiti(world, "Another tag")
    assert not SyncRecord.objects.exists()
