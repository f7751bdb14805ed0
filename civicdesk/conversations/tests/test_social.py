"""Direct messages through the Meta (Messenger/Instagram) adapter, its replies caught by a local stand-in server."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import threading

import pytest

from civicdesk.conversations.models import Conversation
from civicdesk.servicerequests.models import ServiceRequest

from .conftest import jpeg

URL = "/conversations/social/meta/"
SECRET = "meta-app-secret-for-tests"


@pytest.fixture
def graph_api(settings):
    """A real HTTP server standing in for the Graph API: records every reply POSTed to /me/messages, and serves
    pictures at /pictures/…"""
    sent: list[dict] = []
    files: dict[str, bytes] = {}

    class Graph(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            sent.append({"path": self.path, "json": json.loads(body)})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"recipient_id": "1", "message_id": "m_1"}')

        def do_GET(self):  # noqa: N802
            body = files.get(self.path)
            self.send_response(200 if body else 404)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Graph)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    settings.META_APP_SECRET = SECRET
    settings.META_VERIFY_TOKEN = "verify-me"
    settings.META_PAGE_ACCESS_TOKEN = "page-token"
    settings.META_GRAPH_API_BASE = base
    settings.META_MEDIA_HOSTS = ["127.0.0.1"]

    def picture(path: str, content: bytes) -> str:
        files[path] = content
        return base + path

    try:
        yield sent, picture
    finally:
        server.shutdown()
        server.server_close()


def dm(client, text: str = "", *, sender: str = "psid-4242", mid: str = "", images=(), echo: bool = False,
       secret: str = SECRET):
    message = {"mid": mid or f"m_{abs(hash((text, tuple(images))))}", "text": text, "is_echo": echo}
    if images:
        message["attachments"] = [{"type": "image", "payload": {"url": url}} for url in images]
    body = json.dumps({"object": "page", "entry": [{"id": "page-1", "time": 1, "messaging": [
        {"sender": {"id": sender}, "recipient": {"id": "page-1"}, "timestamp": 1, "message": message}]}]}).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(URL, data=body, content_type="application/json", headers={"X-Hub-Signature-256": signature})


def test_it_answers_the_subscription_handshake_only_with_the_verify_token(client, graph_api):
    good = client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1158201444"})
    assert (good.status_code, good.content) == (200, b"1158201444")
    bad = client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"})
    assert bad.status_code == 403


def test_it_refuses_a_message_without_the_apps_signature(world, client, graph_api):
    sent, _ = graph_api
    assert dm(client, "Graffiti", secret="not-the-secret").status_code == 403
    assert not Conversation.objects.exists() and not sent


def test_it_runs_a_whole_report_by_direct_message_and_replies_through_the_graph_api(world, client, graph_api):
    sent, picture = graph_api
    assert dm(client, "Graffiti on the library wall").json() == {"status": "EVENT_RECEIVED"}
    assert sent[-1]["path"] == "/me/messages?access_token=page-token"
    assert sent[-1]["json"]["recipient"] == {"id": "psid-4242"}
    assert sent[-1]["json"]["message"]["text"].startswith("Is this about 1) Graffiti")
    dm(client, "1")
    dm(client, "14 Oak Street")
    dm(client, images=[picture("/pictures/wall.jpg", jpeg())])
    request = ServiceRequest.objects.get()
    assert (request.channel, request.contact_phone, request.address_id) == ("social", "", "A2")
    assert request.attachments.count() == 1
    assert request.public_id in sent[-1]["json"]["message"]["text"]
    assert len(sent) == 4


def test_it_ignores_echoes_and_a_second_delivery(world, client, graph_api):
    sent, _ = graph_api
    dm(client, "Graffiti on the library wall", mid="m_once")
    dm(client, "Graffiti on the library wall", mid="m_once")
    dm(client, "Our own answer", echo=True)
    assert len(sent) == 1
    assert Conversation.objects.get().messages.filter(direction="in").count() == 1


def test_it_is_not_there_until_configured(db, client, settings):
    settings.META_APP_SECRET = ""
    assert client.get(URL).status_code == 404
