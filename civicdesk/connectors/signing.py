"""HMAC-SHA256 signatures of webhook bodies, both ways (docs/connectors.md, "Signed webhooks").

The signature covers "<timestamp>.<body>" with the connector's secret and travels as
`X-CivicDesk-Signature: sha256=<hex>` next to `X-CivicDesk-Timestamp: <unix seconds>`. A receiver refuses
a timestamp further than REPLAY_WINDOW from its clock, so a captured request cannot be replayed later;
inside the window, updates are applied once by their update_id.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.utils.translation import gettext as _

TIMESTAMP_HEADER = "X-CivicDesk-Timestamp"
SIGNATURE_HEADER = "X-CivicDesk-Signature"
#: Seconds a signed message stays acceptable, either side of the receiver's clock.
REPLAY_WINDOW = 300


class BadSignature(Exception):
    """The message is not signed with the connector's secret, or not recently."""


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signed_headers(secret: str, body: bytes, *, now: float | None = None) -> dict[str, str]:
    """The two headers that sign `body` now."""
    timestamp = str(int(now if now is not None else time.time()))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signature(secret, timestamp, body)}


def verify(secret: str, *, timestamp: str, sent_signature: str, body: bytes, now: float | None = None) -> None:
    """Return when `sent_signature` signs `body` at `timestamp` with `secret` within the window; else raise
    BadSignature with a sentence saying what is wrong."""
    if not secret:
        raise BadSignature(_("This connector has no secret, so it accepts no updates."))
    if not timestamp or not sent_signature:
        raise BadSignature(_("The %(t)s and %(s)s headers are required.")
                           % {"t": TIMESTAMP_HEADER, "s": SIGNATURE_HEADER})
    try:
        moment = int(timestamp)
    except ValueError:
        raise BadSignature(_("The timestamp must be a whole number of seconds.")) from None
    if abs((now if now is not None else time.time()) - moment) > REPLAY_WINDOW:
        raise BadSignature(_("The timestamp is too old or too far ahead; sign the message again."))
    if not hmac.compare_digest(signature(secret, timestamp, body), sent_signature):
        raise BadSignature(_("The signature does not match the message."))
