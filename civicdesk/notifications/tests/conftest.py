"""Fixtures of the notifications tests: message templates of their own, a request, a local HTTP server, and
that server playing Twilio (also used by the go-live checklist's test text in civicdesk/onboarding/tests)."""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.testing.world import IN_WEST_ELM

TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture(autouse=True)
def test_templates(settings):
    """notifications_test/hello* (email text + HTML + SMS) and notifications_test/plain* (email text only)."""
    engines = [dict(engine) for engine in settings.TEMPLATES]
    engines[0]["DIRS"] = [*engines[0]["DIRS"], TEMPLATES]
    settings.TEMPLATES = engines


def make_request(world, **fields) -> ServiceRequest:
    """A pothole report in West Elm, created directly so no acknowledgement task is queued."""
    values = {"jurisdiction": world.elm, "service_type": world.pothole, "status": world.statuses["submitted"],
              "lat": IN_WEST_ELM[0], "long": IN_WEST_ELM[1], "address": "12 Oak Street",
              "contact_name": "Zed Private", "contact_email": "zed@example.org", "contact_phone": "+15550001111",
              "description": "Deep hole by the bus stop"}
    return ServiceRequest.objects.create(**{**values, **fields})


@dataclass
class Received:
    """One request a FakeServer received."""

    method: str
    path: str
    headers: Any  # http.client.HTTPMessage: case-insensitive, as HTTP header names are
    body: bytes


@dataclass
class FakeServer:
    """A real HTTP server on loopback whose answers the test scripts: each `answer(received)` returns
    (status, body dict). It records what it received."""

    answer: object = None
    received: list[Received] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def http_server():
    fake = FakeServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.do_POST(method="GET")

        def do_POST(self, method="POST"):
            length = int(self.headers.get("Content-Length", "0"))
            got = Received(method, self.path, self.headers, self.rfile.read(length))
            fake.received.append(got)
            status, body = fake.answer(got) if fake.answer else (200, {})
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def twilio(settings, http_server):
    """Point the Twilio adapter at a local server that behaves like Twilio's Messages and Accounts resources:
    account AC0123 with token secret-token; the numbers in `errors` get Twilio's answers for them."""
    settings.NOTIFICATION_TRANSPORTS = {**settings.NOTIFICATION_TRANSPORTS,
                                        "sms": "civicdesk.notifications.transports.sms.TwilioSms"}
    settings.TWILIO_API_BASE = http_server.url
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "AC0123", "secret-token"
    settings.TWILIO_FROM_NUMBER = "+12175559999"
    errors = {"+12175550001": (400, {"code": 21211, "message": "The 'To' number is not a valid phone number.",
                                     "status": 400}),
              "+12175550002": (400, {"code": 21610, "message": "Attempt to send to unsubscribed recipient",
                                     "status": 400}),
              "+12175550003": (429, {"code": 20429, "message": "Too Many Requests", "status": 429}),
              "+12175550004": (503, {"message": "Service Unavailable"})}

    def answer(received):
        expected_auth = "Basic " + base64.b64encode(b"AC0123:secret-token").decode()
        if received.method == "GET" and received.path == "/2010-04-01/Accounts/AC0123.json":
            if received.headers["Authorization"] != expected_auth:
                return 401, {"code": 20003, "message": "Authenticate", "status": 401}
            return 200, {"sid": "AC0123", "friendly_name": "Town of Elm", "status": "active", "type": "Full"}
        if received.path != "/2010-04-01/Accounts/AC0123/Messages.json" or received.method != "POST":
            return 404, {"code": 20404, "message": "The requested resource was not found", "status": 404}
        if received.headers["Authorization"] != expected_auth:
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        form = {name: values[0] for name, values in parse_qs(received.body.decode()).items()}
        if form["To"] in errors:
            return errors[form["To"]]
        return 201, {"sid": f"SM{len(http_server.received):032d}", "status": "queued", "to": form["To"],
                     "from": form["From"], "body": form["Body"]}

    http_server.answer = answer
    return http_server


@dataclass
class ScriptedMailbox:
    """An SMTP server whose RCPT answers the test scripts per address (a list of codes used in turn)."""

    rcpt_answers: dict[str, list[str]] = field(default_factory=dict)
    messages: list = field(default_factory=list)


@pytest.fixture
def scripted_smtp(settings):
    """A real aiosmtpd server on loopback that answers RCPT TO from a script; Django's SMTP backend uses it."""
    import socket
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    box = ScriptedMailbox()

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            script = box.rcpt_answers.get(address.lower())
            answer = script.pop(0) if script else "250 OK"
            if answer.startswith("250"):
                envelope.rcpt_tos.append(address)
            return answer

        async def handle_DATA(self, server, session, envelope):
            box.messages.append(message_from_bytes(envelope.original_content or envelope.content,
                                                   policy=policy.default))
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield box
    finally:
        controller.stop()
