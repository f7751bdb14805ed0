"""Fixtures for the inbound tests: settings, a reported request, real MIME replies and photos."""

from __future__ import annotations

import io
import socket
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from PIL import Image

from civicdesk.inbound.tokens import reply_address
from civicdesk.servicerequests.services import submit_request
from civicdesk.testing.world import IN_EAST_ELM

DOMAIN = "replies.elm.example.gov"
SITE = "https://311.elm.example.gov"
ALICE_PHONE = "+15551234567"


@pytest.fixture(autouse=True)
def inbound_alone(monkeypatch):
    """Inbound's own behaviour, without the handlers higher apps register: the conversations app would take every
    text from a number with no open request, and mail to its report addresses (its own tests cover that)."""
    from civicdesk.inbound import handlers

    monkeypatch.delitem(handlers._SMS_HANDLERS, "conversations", raising=False)
    monkeypatch.delitem(handlers._MAIL_HANDLERS, "conversations", raising=False)


@pytest.fixture(autouse=True)
def inbound_settings(settings):
    settings.INBOUND_EMAIL_DOMAIN = DOMAIN
    settings.INBOUND_WEBHOOK_SECRET = "webhook-secret-for-tests"
    settings.TWILIO_AUTH_TOKEN = "twilio-token-for-tests"
    settings.SITE_URL = SITE
    return settings


def report(world, *, service_type=None, email: str = "alice@example.org", phone: str = "(555) 123-4567",
           language: str = "en", **extra):
    """A request Alice reported in East Elm (graffiti unless told otherwise)."""
    service_type = service_type or world.graffiti
    if service_type == world.pothole:
        extra.setdefault("attributes", {"depth": "deep"})
    return submit_request(service_type=service_type, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                          description="Paint all over the bus shelter", contact_email=email, contact_phone=phone,
                          language=language, **extra)


def photo(size=(64, 48), fmt: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, fmt)
    return buffer.getvalue()


def reply_mail(request, *, sender: str = "alice@example.org", text: str | None = "The paint is still there.",
               html: str | None = None, to: str | None = None, subject: str = "Re: Your request",
               attachments=(), headers: dict | None = None) -> EmailMessage:
    """A reply as a mail program sends it, to the request's signed reply address for `sender`."""
    message = EmailMessage()
    message["From"] = f"Alice Example <{sender}>"
    message["To"] = to or reply_address(request.public_id, sender)
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="mail.example.org")
    for name, value in (headers or {}).items():
        message[name] = value
    if text is not None:
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    for filename, maintype, subtype, content in attachments:
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message


def free_port() -> int:
    # aiosmtpd 1.4 cannot start on port 0 (its self-check connects to the port it was given).
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
