"""The inbound mail webhook's wire format: HMAC signatures with a timestamp, and the raw message in a POST body."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

SIGNATURE_HEADER = "X-CivicDesk-Signature"
TIMESTAMP_HEADER = "X-CivicDesk-Timestamp"
#: Form fields that carry the whole raw message: Mailgun's "body-mime", SendGrid's "email" (raw mode), our own.
MESSAGE_FIELDS = ("body-mime", "email", "message")


def sign(body: bytes, timestamp: int | str, secret: str) -> str:
    """The X-CivicDesk-Signature value: "sha256=" + hex HMAC-SHA256 of "<timestamp>." followed by the raw body."""
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def check_signature(body: bytes, *, timestamp: str, signature: str, secret: str, max_age: int,
                    now: float | None = None) -> str:
    """"" when `signature` signs `body` at `timestamp` with `secret`, less than `max_age` seconds from now
    (either way: a clock ahead is as suspect as one behind); otherwise why not, for the log.

    Comparison is constant-time. A replay after `max_age` fails on the timestamp; within it, the
    message's own idempotency key (Message-ID) makes a replay a no-op.
    """
    if not secret:
        return "no secret configured"
    if not timestamp or not signature:
        return "signature or timestamp header missing"
    try:
        moment = int(timestamp)
    except ValueError:
        return "timestamp is not a whole number"
    if abs((time.time() if now is None else now) - moment) > max_age:
        return "timestamp outside the accepted window"
    if not hmac.compare_digest(sign(body, timestamp, secret).encode(), signature.strip().encode()):
        return "signature does not match"
    return ""


class NoMessage(ValueError):
    """The POST body carries no raw message we recognise; str(exc) says what was wrong."""


@dataclass
class WebhookMail:
    raw: bytes
    recipients: list[str] = field(default_factory=list)
    envelope_sender: str = ""


def extract_mail(content_type: str, body: bytes) -> WebhookMail:
    """The raw message and envelope from a webhook body.

    `message/rfc822`: the body is the message. `multipart/form-data`: the message is the first of the
    MESSAGE_FIELDS present (a text field or a file); envelope recipients come from "recipient" (Mailgun,
    comma-separated) or "envelope" (SendGrid, JSON with "to" and "from"), the envelope sender from
    "sender" or the envelope's "from". Raises NoMessage.
    """
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "message/rfc822":
        if not body.strip():
            raise NoMessage("empty body")
        return WebhookMail(raw=body)
    if media_type != "multipart/form-data":
        raise NoMessage(f"unsupported content type {media_type or '(none)'}")
    fields = _form_fields(content_type, body)
    raw = next((fields[name] for name in MESSAGE_FIELDS if fields.get(name, b"").strip()), None)
    if raw is None:
        raise NoMessage("no body-mime, email or message field")
    mail = WebhookMail(raw=raw)
    if fields.get("recipient"):
        mail.recipients = [a.strip() for a in fields["recipient"].decode("utf-8", "replace").split(",") if a.strip()]
    if fields.get("sender"):
        mail.envelope_sender = fields["sender"].decode("utf-8", "replace").strip()
    if fields.get("envelope"):
        try:
            envelope = json.loads(fields["envelope"])
        except ValueError:
            envelope = {}
        if isinstance(envelope, dict):
            to = envelope.get("to") or []
            mail.recipients = mail.recipients or [str(a) for a in (to if isinstance(to, list) else [to])]
            mail.envelope_sender = mail.envelope_sender or str(envelope.get("from") or "")
    return mail


def _form_fields(content_type: str, body: bytes) -> dict[str, bytes]:
    """Field name → bytes of a multipart/form-data body (RFC 7578 uses MIME's multipart syntax).

    Parsed here rather than by Django so that the webhook's own size limit applies instead of
    DATA_UPLOAD_MAX_MEMORY_SIZE, which is far below a message with photos attached.
    """
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    container = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    if not container.is_multipart():
        raise NoMessage("multipart body without parts")
    fields: dict[str, bytes] = {}
    for part in container.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name or name in fields:
            continue
        fields[str(name)] = _part_bytes(part)
    return fields


def _part_bytes(part: EmailMessage) -> bytes:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload(0)
        return inner.as_bytes(policy=policy.SMTP)
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""
