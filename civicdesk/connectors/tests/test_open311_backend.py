"""The Open311 client's answers it must handle: a token instead of an id, and a server without updates."""

from __future__ import annotations

import pytest

from civicdesk.connectors import services
from civicdesk.connectors.models import Connector, StatusMapping, SyncRecord

from .conftest import new_graffiti


class _Answer:
    def __init__(self, status: int, body):
        self.status_code, self._body, self.text = status, body, str(body)

    def json(self):
        return self._body


@pytest.fixture
def remote(monkeypatch, settings):
    settings.CONNECTORS_TOKEN_POLLS = 0
    calls, routes = [], {}

    def request(method, url, *, timeout, **kwargs):
        resource = url.rsplit("/v2/", 1)[1]
        calls.append((method, resource, kwargs))
        answer = routes[(method, resource)]
        return answer.pop(0) if isinstance(answer, list) else answer

    monkeypatch.setattr("civicdesk.connectors.backends.open311.http.request", request)
    return calls, routes


@pytest.fixture
def connector(world):
    connector = Connector.objects.create(jurisdiction=world.elm, name="Works", kind=Connector.Kind.OPEN311,
                                         endpoint_url="https://works.example.gov/open311/v2/", secret="k")
    StatusMapping.objects.create(connector=connector, direction="in", external="closed",
                                 status=world.statuses["fixed"])
    return connector


def test_it_turns_a_token_into_an_id_without_posting_again(world, connector, remote):
    calls, routes = remote
    new_graffiti(world)
    record = SyncRecord.objects.get(connector=connector)
    routes[("POST", "requests.json")] = _Answer(200, [{"token": "T-55"}])
    routes[("GET", "tokens/T-55.json")] = [_Answer(200, [{"token": "T-55"}]),
                                           _Answer(200, [{"token": "T-55", "service_request_id": "W-9"}])]
    routes[("GET", "requests.json")] = _Answer(200, [])  # the search by tracking number finds nothing yet
    assert services.deliver(record.pk) == SyncRecord.State.RETRYING
    record.refresh_from_db()
    assert record.external_token == "T-55" and record.external_id == ""
    SyncRecord.objects.filter(pk=record.pk).update(next_retry_at=None)
    assert services.deliver(record.pk) == SyncRecord.State.SENT
    record.refresh_from_db()
    assert record.external_id == "W-9"
    assert [c[1] for c in calls if c[0] == "POST"] == ["requests.json"]


def test_it_reads_status_from_requests_when_the_server_has_no_updates(world, connector, remote):
    _calls, routes = remote
    request = new_graffiti(world)
    record = SyncRecord.objects.get(connector=connector)
    SyncRecord.objects.filter(pk=record.pk).update(state="sent", external_id="W-3")
    routes[("GET", "servicerequestupdates.json")] = _Answer(404, [{"code": 404, "description": "not found"}])
    routes[("GET", "requests.json")] = _Answer(200, [{"service_request_id": "W-3", "status": "closed",
                                                      "status_notes": "Painted over",
                                                      "updated_datetime": "2026-12-01T10:00:00+00:00"}])
    assert services.poll(connector) == 1
    assert services.poll(connector) == 0
    request.refresh_from_db()
    assert request.status.code == "fixed"
    assert request.timeline.filter(message="Painted over").count() == 1


def test_it_keeps_the_polling_error_on_the_connector(world, connector, remote):
    _calls, routes = remote
    routes[("GET", "servicerequestupdates.json")] = _Answer(500, "oops")
    services.poll(connector)
    connector.refresh_from_db()
    assert connector.last_poll_error.startswith("HTTP 500") and connector.last_polled_at
