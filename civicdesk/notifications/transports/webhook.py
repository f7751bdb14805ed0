"""Outgoing webhooks: a JSON POST signed with the endpoint's secret, for city systems."""

from __future__ import annotations

import hashlib
import hmac
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

from django.conf import settings

from . import Transport, TransportError

if TYPE_CHECKING:
    from civicdesk.notifications.models import Delivery

SIGNATURE_HEADER = "X-CivicDesk-Signature"


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The X-CivicDesk-Signature value: `t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">`."""
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, body: bytes, header: str, *, tolerance: int = 300, now: float | None = None) -> bool:
    """True when `header` signs `body` with `secret` and is at most `tolerance` seconds old (for receivers)."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, body, timestamp), f"t={timestamp},v1={parts.get('v1', '')}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is reported as the 3xx it is, never followed with the body


def classify(status: int) -> TransportError | None:
    """None for 2xx; 4xx (but 408 and 429) permanent; anything else transient."""
    if 200 <= status < 300:
        return None
    permanent = 300 <= status < 500 and status not in (408, 429)
    return TransportError(f"The endpoint answered HTTP {status}.", permanent=permanent)


class WebhookTransport(Transport):
    """POSTs the delivery's JSON body to its endpoint, with event, delivery id and signature headers."""

    resend_is_safe = True  # X-CivicDesk-Delivery is the same on every attempt: receivers de-duplicate on it

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(_NoRedirect)

    def send(self, delivery: Delivery) -> str:
        endpoint = delivery.endpoint
        if endpoint is None:
            raise TransportError("The webhook endpoint was deleted.", permanent=True)
        body = delivery.body_text.encode()
        request = urllib.request.Request(delivery.address, data=body, method="POST", headers={
            "Content-Type": "application/json",
            "User-Agent": "CivicDesk-Webhooks/1",
            "X-CivicDesk-Event": delivery.event,
            "X-CivicDesk-Delivery": str(delivery.pk),
            SIGNATURE_HEADER: sign(endpoint.secret, body, int(time.time())),
        })
        try:
            with self.opener.open(request, timeout=settings.WEBHOOK_TIMEOUT) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except (urllib.error.URLError, OSError) as exc:
            raise TransportError(f"The endpoint could not be reached: {exc}", permanent=False) from exc
        if error := classify(status):
            raise error
        return f"HTTP {status}"
