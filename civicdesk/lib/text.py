"""Text helpers: normalising addresses and phrases for matching."""

from __future__ import annotations

import re
import unicodedata

_ABBREVIATIONS = {
    "street": "st", "st.": "st", "avenue": "ave", "av": "ave", "ave.": "ave", "road": "rd",
    "drive": "dr", "boulevard": "blvd", "lane": "ln", "court": "ct", "place": "pl",
    "terrace": "ter", "highway": "hwy", "parkway": "pkwy", "circle": "cir", "square": "sq",
    "north": "n", "south": "s", "east": "e", "west": "w", "calle": "c",
}
_NON_WORD = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return _SPACES.sub(" ", _NON_WORD.sub(" ", plain)).strip()


def normalize_address(text: str) -> str:
    """A canonical form of an address for matching: "12 North Main Street" -> "12 n main st"."""
    words = fold(text).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def house_number(text: str) -> str:
    """The leading house number of an address, or ""."""
    match = re.match(r"\s*(\d+[a-zA-Z]?)\b", text or "")
    return match.group(1).lower() if match else ""
