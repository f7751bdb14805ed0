"""A short keyed digest of an email address, so a signed link can name an address without carrying it."""

from __future__ import annotations

from django.utils.crypto import constant_time_compare, salted_hmac


def address_digest(address: str, *, purpose: str) -> str:
    """20 hex characters that match `address` (case-insensitive) and reveal nothing of it without SECRET_KEY."""
    return salted_hmac(f"civicdesk.address-digest.{purpose}", (address or "").strip().lower(),
                       algorithm="sha256").hexdigest()[:20]


def digest_matches(digest: str, address: str, *, purpose: str) -> bool:
    """True when `digest` was made from `address` for `purpose`."""
    return bool(digest) and constant_time_compare(str(digest), address_digest(address, purpose=purpose))
