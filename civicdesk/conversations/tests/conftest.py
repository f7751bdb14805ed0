"""Fixtures for the conversation tests: channel settings, texts signed as Twilio signs them, a local media server."""

from __future__ import annotations

import http.server
import io
import itertools
import threading
from xml.etree import ElementTree

import pytest
from PIL import Image

from civicdesk.inbound.tests.test_receive_mail import _database_url, receiver  # noqa: F401 (shared with inbound)
from civicdesk.notifications.transports.sms import twilio_signature

SITE = "https://311.elm.example.gov"
TOKEN = "twilio-token-for-conversations"
SMS_URL = "/inbound/sms/twilio/"
REPORT_ADDRESS = "311@elm.example.gov"
ALICE_PHONE = "+15551234567"
_SIDS = itertools.count(1)


@pytest.fixture(autouse=True)
def channel_settings(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.SITE_URL = SITE
    settings.INBOUND_EMAIL_DOMAIN = "replies.elm.example.gov"
    settings.CONVERSATIONS_REPORT_EMAILS = [REPORT_ADDRESS]
    settings.CONVERSATIONS_JURISDICTION = "elm"
    settings.CONVERSATIONS_MESSAGES_PER_NUMBER_PER_MINUTE = 100  # the tests text faster than anyone types
    settings.CONVERSATIONS_MEDIA_FETCHER = "civicdesk.conversations.media.DevelopmentMediaFetcher"
    return settings


def sms_params(body: str, *, sender: str = ALICE_PHONE, sid: str = "", media: tuple[str, ...] = ()) -> dict:
    """The form Twilio posts for one incoming message (with MMS links when `media` is given)."""
    params = {"MessageSid": sid or f"SM{next(_SIDS):032x}", "AccountSid": "AC" + "1" * 32, "From": sender,
              "To": "+15550100311", "Body": body, "NumMedia": str(len(media)), "FromCountry": "US"}
    for index, url in enumerate(media):
        params[f"MediaUrl{index}"] = url
        params[f"MediaContentType{index}"] = "image/jpeg"
    return params


def sign(params: dict, url: str = SITE + SMS_URL) -> str:
    return twilio_signature(url, params, TOKEN)


def text(client, body: str, **kwargs) -> str:
    """Text the city through the real webhook, signed as Twilio signs; return the answer TwiML carries."""
    params = sms_params(body, **kwargs)
    response = client.post(SMS_URL, data=params, headers={"X-Twilio-Signature": sign(params)})
    return twiml_answer(response.status_code, response.content)


def twiml_answer(status: int, content: bytes) -> str:
    assert status == 200, content
    document = ElementTree.fromstring(content)
    assert document.tag == "Response"
    messages = document.findall("Message")
    return messages[0].text if messages else ""


def train_suggester(world) -> dict:
    """Generated history of five Riverbend kinds in Elm and a trained category suggester for it (~2 s)."""
    from civicdesk.triage import history
    from civicdesk.triage.suggest import train

    made = history.install_kinds(["pothole", "missed-trash", "streetlight-out", "graffiti", "noise"])
    history.make_history(world.elm, made, per_kind=15)
    train(world.elm)
    return made


def jpeg(size=(80, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


class _Files(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}

    def do_GET(self):  # noqa: N802 (the standard library's name)
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def media_server():
    """A real HTTP server on loopback standing in for the provider's media links: `serve(path, bytes)` → URL."""
    files: dict[str, bytes] = {}
    handler = type("Files", (_Files,), {"files": files})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def serve(path: str, content: bytes) -> str:
        files[path] = content
        return f"http://127.0.0.1:{server.server_port}{path}"

    try:
        yield serve
    finally:
        server.shutdown()
        server.server_close()
