"""Signed webhooks out: the body is signed, every attempt carries the same idempotency key."""

from __future__ import annotations

import json

import pytest

from civicdesk.connectors import services, signing
from civicdesk.connectors.models import Connector, SyncRecord

from .conftest import new_graffiti

SECRET = "shared-secret-for-the-crm-system"


class _Answer:
    def __init__(self, status: int, body: dict):
        self.status_code, self._body, self.text = status, body, json.dumps(body)

    def json(self):
        return self._body


@pytest.fixture
def posts(monkeypatch):
    sent, answers = [], []

    def post(url, *, data, headers, timeout):
        sent.append((url, data, headers))
        return answers.pop(0)

    monkeypatch.setattr("civicdesk.connectors.backends.webhook.http.post", post)
    return sent, answers


def test_it_posts_a_signed_event_and_keeps_the_key_across_attempts(world, posts):
    sent, answers = posts
    connector = Connector.objects.create(jurisdiction=world.elm, name="County CRM", kind=Connector.Kind.WEBHOOK,
                                         endpoint_url="https://crm.example.gov/hook", secret=SECRET)
    request = new_graffiti(world)
    record = SyncRecord.objects.get(connector=connector)
    answers.extend([_Answer(502, {}), _Answer(201, {"external_id": "CRM-1"})])
    assert services.deliver(record.pk) == SyncRecord.State.RETRYING
    SyncRecord.objects.filter(pk=record.pk).update(next_retry_at=None)
    assert services.deliver(record.pk) == SyncRecord.State.SENT
    record.refresh_from_db()
    assert record.external_id == "CRM-1"
    keys = {headers["Idempotency-Key"] for _url, _body, headers in sent}
    assert keys == {str(record.idempotency_key)} and len(sent) == 2
    _url, body, headers = sent[1]
    signing.verify(SECRET, timestamp=headers[signing.TIMESTAMP_HEADER],
                   sent_signature=headers[signing.SIGNATURE_HEADER], body=body)
    event = json.loads(body)
    assert event["event"] == "request.created" and event["request"]["tracking_number"] == request.public_id
    assert "contact_email" not in event["request"] and "contact_name" not in event["request"]


def test_it_gives_up_at_once_when_the_receiver_refuses_the_event(world, posts):
    _sent, answers = posts
    connector = Connector.objects.create(jurisdiction=world.elm, name="County CRM", kind=Connector.Kind.WEBHOOK,
                                         endpoint_url="https://crm.example.gov/hook", secret=SECRET)
    new_graffiti(world)
    answers.append(_Answer(422, {"error": "unknown category"}))
    record = SyncRecord.objects.get(connector=connector)
    assert services.deliver(record.pk) == SyncRecord.State.FAILED
    record.refresh_from_db()
    assert "HTTP 422" in record.last_error
