"""Public request ids: short, unguessable, and easy to read aloud over the phone."""

from __future__ import annotations

import re
import secrets

# Crockford-style alphabet: no I, L, O or U, so nothing is mistaken for 1, 0 or V.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})
PUBLIC_ID_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


def new_public_id() -> str:
    """A random id like "7KQ4-M2XD": 40 bits, about a trillion possibilities."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def normalize_public_id(text: str) -> str:
    """Turn what a caller reads out ("7kq4 m2xd", "7KQ4M2XD") into the canonical form, or ""."""
    cleaned = re.sub(r"[\s\-_.]", "", (text or "").upper()).translate(_CONFUSABLE)
    if len(cleaned) != 8 or any(ch not in ALPHABET for ch in cleaned):
        return ""
    return f"{cleaned[:4]}-{cleaned[4:]}"
