"""POST /connectors/<id>/updates: signed updates from a webhook connector's system, applied once."""

from __future__ import annotations

import json
import time

import pytest

from civicdesk.audit.models import AuditEntry
from civicdesk.connectors import signing
from civicdesk.connectors.models import Connector, StatusMapping, SyncRecord
from civicdesk.servicerequests.models import TimelineEntry

from .conftest import new_graffiti

SECRET = "shared-secret-for-the-crm-system"


@pytest.fixture
def forwarded(world):
    connector = Connector.objects.create(jurisdiction=world.elm, name="County CRM", kind=Connector.Kind.WEBHOOK,
                                         endpoint_url="https://crm.example.gov/hook", secret=SECRET)
    StatusMapping.objects.create(connector=connector, direction="in", external="Working",
                                 status=world.statuses["in_progress"])
    request = new_graffiti(world)
    record = SyncRecord.objects.get(connector=connector, request=request)
    SyncRecord.objects.filter(pk=record.pk).update(state="sent", external_id="CRM-77")
    return connector, request


def _post(client, connector, payload, *, secret=SECRET, now=None, headers=None):
    body = json.dumps(payload).encode()
    signed = headers if headers is not None else signing.signed_headers(secret, body, now=now)
    return client.post(f"/connectors/{connector.pk}/updates", data=body, content_type="application/json",
                       headers=signed)


def test_it_applies_a_signed_status_change_and_note(client, forwarded):
    connector, request = forwarded
    answer = _post(client, connector, {"updates": [
        {"update_id": "u1", "external_id": "CRM-77", "status": "working", "note": "Crew on site <b>today</b>"}]})
    assert answer.status_code == 200 and answer.json() == {"applied": 1, "repeated": 0}
    request.refresh_from_db()
    assert request.status.code == "in_progress"
    entry = request.timeline.get(kind=TimelineEntry.Kind.STATUS)
    assert entry.is_public and entry.message == "Crew on site <b>today</b>"
    page = client.get(request.get_absolute_url())
    assert b"Crew on site &lt;b&gt;today&lt;/b&gt;" in page.content


def test_it_refuses_a_bad_signature_with_a_clear_json_error(client, forwarded):
    connector, request = forwarded
    answer = _post(client, connector, {"updates": [{"update_id": "u1", "tracking_number": request.public_id,
                                                    "note": "forged"}]}, secret="not-the-shared-secret")
    assert answer.status_code == 401 and "signature does not match" in answer.json()["error"]
    assert not request.timeline.filter(message="forged").exists()


def test_it_refuses_a_stale_timestamp(client, forwarded):
    connector, request = forwarded
    answer = _post(client, connector, {"updates": [{"update_id": "u1", "tracking_number": request.public_id,
                                                    "note": "late"}]}, now=time.time() - 3600)
    assert answer.status_code == 401 and "too old" in answer.json()["error"]


def test_it_applies_a_replayed_update_once(client, forwarded):
    connector, request = forwarded
    payload = {"updates": [{"update_id": "u9", "tracking_number": request.public_id, "note": "Parts ordered"}]}
    body = json.dumps(payload).encode()
    headers = signing.signed_headers(SECRET, body)
    first = client.post(f"/connectors/{connector.pk}/updates", data=body, content_type="application/json",
                        headers=headers)
    again = client.post(f"/connectors/{connector.pk}/updates", data=body, content_type="application/json",
                        headers=headers)
    assert first.json() == {"applied": 1, "repeated": 0} and again.json() == {"applied": 0, "repeated": 1}
    assert request.timeline.filter(message="Parts ordered").count() == 1


def test_it_applies_nothing_when_one_update_names_an_unknown_request(client, forwarded):
    connector, request = forwarded
    answer = _post(client, connector, {"updates": [
        {"update_id": "a", "tracking_number": request.public_id, "note": "First note"},
        {"update_id": "b", "tracking_number": "ZZZZ-ZZZZ", "note": "Second note"}]})
    assert answer.status_code == 400 and "ZZZZ-ZZZZ" in answer.json()["error"]
    assert not request.timeline.filter(message="First note").exists()


def test_it_refuses_malformed_bodies_and_other_kinds(client, forwarded, world):
    connector, _request = forwarded
    assert _post(client, connector, {"nothing": 1}).status_code == 400
    assert _post(client, connector, {"updates": [{"update_id": "x"}]}).status_code == 400
    other = Connector.objects.create(jurisdiction=world.elm, name="Batch", kind=Connector.Kind.CSV, folder="b")
    assert _post(client, other, {"updates": []}).status_code == 404
    assert client.get(f"/connectors/{connector.pk}/updates").status_code == 405
    assert AuditEntry.objects.filter(action="connector.update_applied").count() == 0


def test_it_limits_calls_per_connector(client, forwarded, settings):
    connector, request = forwarded
    settings.RATE_LIMITS_ENABLED = True
    settings.CONNECTORS_INBOUND_PER_MINUTE = 2
    payload = {"updates": [{"update_id": "n1", "tracking_number": request.public_id, "note": "Noted"}]}
    assert _post(client, connector, payload).status_code == 200
    assert _post(client, connector, payload, secret="a-wrong-secret-entirely").status_code == 401
    refused = _post(client, connector, payload)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0 and refused.json()["error"]
