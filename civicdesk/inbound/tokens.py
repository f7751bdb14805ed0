"""Signed reply-to addresses: a reply to a notification finds its request and its sender without a database look-up."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from django.conf import settings

# Local parts are compared lower-cased: some mail systems fold case on the way in.
_ADDRESS = re.compile(r"^reply\+(?P<public_id>[a-z0-9]{8})-(?P<sig>[0-9a-f]{16})@(?P<domain>[^@\s]+)$", re.IGNORECASE)


@dataclass(frozen=True)
class ReplyTarget:
    """Who a reply address was issued to: the request's public id ("ABCD-2345") and the recipient's address."""

    public_id: str
    recipient: str


def _signature(public_id: str, recipient: str) -> str:
    message = f"reply:{public_id.upper()}:{recipient.strip().lower()}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:16]


def reply_address(public_id: str, recipient: str) -> str:
    """The Reply-To address for a message about request `public_id` sent to `recipient`.

    Returns "" when no inbound domain is configured (INBOUND_EMAIL_DOMAIN), so callers leave Reply-To out.
    """
    domain = getattr(settings, "INBOUND_EMAIL_DOMAIN", "")
    if not domain:
        return ""
    compact = public_id.replace("-", "").lower()
    return f"reply+{compact}-{_signature(public_id, recipient)}@{domain}"


def is_reply_address(address: str) -> bool:
    """True when `address` has the shape of a reply address at INBOUND_EMAIL_DOMAIN (signature not checked).

    The SMTP receiver uses it to refuse other recipients at RCPT TO, before the sender is known.
    """
    return _match_ours(address) is not None


def _match_ours(address: str) -> re.Match | None:
    domain = getattr(settings, "INBOUND_EMAIL_DOMAIN", "")
    match = _ADDRESS.match((address or "").strip())
    if match is None or not domain or match["domain"].lower() != domain.lower():
        return None
    return match


def parse_reply_address(address: str, sender: str) -> ReplyTarget | None:
    """The request a reply belongs to, or None when the address is not ours or its signature does not match `sender`.

    "Ours" means the shape reply+<id>-<signature> at INBOUND_EMAIL_DOMAIN. The signature binds the
    address to the person it was sent to, so a forwarded or guessed address from someone else is
    refused rather than posted on the timeline under the resident's name.
    """
    match = _match_ours(address)
    if match is None or not sender:
        return None
    compact = match["public_id"].upper()
    public_id = f"{compact[:4]}-{compact[4:]}"
    if not hmac.compare_digest(_signature(public_id, sender), match["sig"].lower()):
        return None
    return ReplyTarget(public_id=public_id, recipient=sender.strip().lower())
