"""Outgoing webhooks, POSTed by the real worker to a real local HTTP server that checks the signature."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from civicdesk.notifications.models import Delivery, Suppression, WebhookEndpoint
from civicdesk.notifications.services import notify
from civicdesk.notifications.transports.webhook import sign, verify
from civicdesk.testing.fixtures import run_worker

from .conftest import make_request


def signature_is_valid(received, secret: str) -> bool:
    """The receiving city system's check, written from the documented scheme (not with our helper)."""
    parts = dict(part.split("=", 1) for part in received.headers["X-CivicDesk-Signature"].split(","))
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + received.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"]) and abs(time.time() - int(parts["t"])) < 60


def queue_status_change(world, url: str) -> Delivery:
    WebhookEndpoint.objects.create(name="Work orders", url=url, secret="wo-secret", events=["request.status_changed"])
    notify(event="request.status_changed", key="timeline:9", template="notifications_test/plain",
           context={"public_message": "Crew on site."}, request=make_request(world), recipients=[])
    return Delivery.objects.get(channel="webhook")


def test_it_posts_signed_json_that_the_receiver_can_verify(tworld, http_server):
    delivery = queue_status_change(tworld, http_server.url + "/civicdesk")
    http_server.answer = lambda received: (200 if signature_is_valid(received, "wo-secret") else 401, {})

    run_worker()

    [received] = http_server.received
    assert received.path == "/civicdesk"
    assert received.headers["Content-Type"] == "application/json"
    assert received.headers["X-CivicDesk-Event"] == "request.status_changed"
    assert received.headers["X-CivicDesk-Delivery"] == str(delivery.pk)
    payload = json.loads(received.body)
    assert payload["event"] == "request.status_changed" and payload["message"] == "Crew on site."
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.provider_id == "HTTP 200"


def queue_to_endpoints_answering(world, http_server, statuses: list[int]) -> dict[int, Delivery]:
    """One endpoint per status; the server answers each path /<status> with that status."""
    for status in statuses:
        WebhookEndpoint.objects.create(name=str(status), url=f"{http_server.url}/{status}", secret="x")
    notify(event="request.status_changed", key="timeline:9", template="notifications_test/plain",
           request=make_request(world), recipients=[])
    http_server.answer = lambda received: (int(received.path.strip("/")), {})
    return {int(d.address.rsplit("/", 1)[1]): d for d in Delivery.objects.filter(channel="webhook")}


def test_it_stops_on_a_client_error_without_suppressing_anything(tworld, http_server):
    deliveries = queue_to_endpoints_answering(tworld, http_server, [400, 401, 404, 410])

    run_worker()

    for status, delivery in deliveries.items():
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.FAILED and f"HTTP {status}" in delivery.error
    assert not Suppression.objects.exists()


def test_it_retries_a_timeout_a_rate_limit_or_a_server_error(tworld, http_server):
    deliveries = queue_to_endpoints_answering(tworld, http_server, [408, 429, 500, 503])

    run_worker()

    for status, delivery in deliveries.items():
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.QUEUED and delivery.attempts == 1
        assert f"HTTP {status}" in delivery.error


def test_it_does_not_follow_a_redirect_with_the_payload(tworld, http_server):
    delivery = queue_status_change(tworld, http_server.url + "/old")
    http_server.answer = lambda received: (301, {})

    run_worker()

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and "HTTP 301" in delivery.error
    assert len(http_server.received) == 1


def test_its_verify_helper_accepts_a_fresh_signature_and_refuses_tampering_or_age():
    body = b'{"event": "x"}'
    header = sign("s", body, 1_700_000_000)
    assert verify("s", body, header, now=1_700_000_010)
    assert not verify("s", body + b" ", header, now=1_700_000_010)
    assert not verify("other", body, header, now=1_700_000_010)
    assert not verify("s", body, header, now=1_700_001_000)
    assert not verify("s", body, "garbage", now=1_700_000_010)
