"""The "where" step: a shared location link, a named place from the address list, or an address in words.

Addresses are matched with the same never-guess rules as the web form (jurisdictions/addresses.py): one clear
winner is taken, close ones are offered as "did you mean", nothing else is ever chosen for the resident.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlparse

from civicdesk.jurisdictions import services as places
from civicdesk.jurisdictions.models import AddressPoint
from civicdesk.lib import geo

_NUMBER = r"-?\d{1,3}(?:\.\d+)?"
_PAIR = re.compile(rf"^\s*({_NUMBER})\s*,\s*({_NUMBER})\s*$")
_GEO_URI = re.compile(rf"\bgeo:({_NUMBER}),({_NUMBER})", re.IGNORECASE)
_AT = re.compile(rf"@({_NUMBER}),({_NUMBER})")
_OSM_FRAGMENT = re.compile(rf"map=\d+/({_NUMBER})/({_NUMBER})")
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_MAP_HOSTS = ("google.", "goo.gl", "apple.com", "openstreetmap.org", "osm.org", "bing.com", "here.com", "waze.com")
#: A house number followed by up to six words: where an address may start in free text.
_ADDRESS_START = re.compile(r"\b(\d{1,6}[a-z]?)\s+((?:[^\W\d_][\w'.-]*\s*){1,6})", re.IGNORECASE)


def _point(lat: str, long: str) -> tuple[float, float] | None:
    try:
        value = float(lat), float(long)
    except ValueError:
        return None
    return value if geo.valid_point(*value) and value != (0.0, 0.0) else None


def shared_location(text: str) -> tuple[float, float] | None:
    """The (lat, long) of a location a phone shared: `geo:41.1,-88.2`, or a Google, Apple, OpenStreetMap, Bing,
    HERE or Waze map link with coordinates in it (`?q=`, `?ll=`, `query=`, `@lat,long`, `mlat`/`mlon`,
    `#map=z/lat/long`). None when there is none (a short link without coordinates cannot be read offline)."""
    if match := _GEO_URI.search(text):
        return _point(*match.groups())
    for url in _URL.findall(text):
        parsed = urlparse(url.rstrip(").,;"))
        host = (parsed.hostname or "").lower()
        if not any(name in host for name in _MAP_HOSTS):
            continue
        query = parse_qs(parsed.query)
        if "mlat" in query and "mlon" in query:
            if found := _point(query["mlat"][0], query["mlon"][0]):
                return found
        for key in ("q", "ll", "query", "sll", "center", "daddr", "cp", "coordinate", "pin"):
            for value in query.get(key, []):
                pair = _PAIR.match(unquote(value).replace("~", ","))
                if pair and (found := _point(*pair.groups())):
                    return found
        for pattern, where in ((_AT, unquote(parsed.path)), (_OSM_FRAGMENT, parsed.fragment)):
            if (match := pattern.search(where)) and (found := _point(*match.groups())):
                return found
    return None


def is_map_link(text: str) -> bool:
    """True when the text holds a map link (so a resident who shared one without coordinates is told so)."""
    return any(name in (urlparse(url).hostname or "").lower() for url in _URL.findall(text) for name in _MAP_HOSTS)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^\w\s]", " ", plain).split())


def landmark(text: str) -> AddressPoint | None:
    """The one named place of the address list (an address point without a house number: "Riverside Library")
    whose name the text is, or contains as whole words; None when none or more than one match."""
    wanted = _fold(text)
    if len(wanted) < 4:
        return None
    named = AddressPoint.objects.filter(number="").select_related("jurisdiction")
    exact = [p for p in named if _fold(p.street) == wanted or _fold(p.full_address) == wanted]
    if len(exact) == 1:
        return exact[0]
    if exact:
        return None
    inside = [p for p in named if len(_fold(p.street)) >= 4 and f" {_fold(p.street)} " in f" {wanted} "]
    return inside[0] if len(inside) == 1 else None


@dataclass
class FoundPlace:
    """What a text says about where: one resolved address point, or "did you mean" candidates, or nothing."""

    point: AddressPoint | None = None
    label: str = ""
    candidates: list[tuple[str, str]] = field(default_factory=list)   # (address_id, label)
    typed: str = ""


def find_address(text: str) -> FoundPlace:
    """Match `text` as an address, never guessing: the whole text first, then every "number + words" run in it
    ("streetlight out in front of 440 W Market this week" → "440 W Market"). Resolved only when every run that
    resolves names the same point; otherwise the best lookup's candidates."""
    text = " ".join((text or "").split())[:300]
    if not text:
        return FoundPlace()
    whole = places.lookup_address(text)
    if whole.resolved is not None:
        return FoundPlace(point=whole.resolved, label=whole.candidates[0].label, typed=text)
    resolved: dict[str, tuple[AddressPoint, str]] = {}
    best = whole
    for match in _ADDRESS_START.finditer(text):
        words = match.group(2).split()
        for size in range(len(words), 0, -1):
            typed = f"{match.group(1)} {' '.join(words[:size])}".strip(" ,.")
            lookup = places.lookup_address(typed)
            if lookup.resolved is not None:
                resolved.setdefault(lookup.resolved.address_id, (lookup.resolved, lookup.candidates[0].label))
                break
            if lookup.candidates and (not best.candidates or lookup.confidence > best.confidence):
                best = lookup
    if len(resolved) == 1:
        point, label = next(iter(resolved.values()))
        return FoundPlace(point=point, label=label, typed=text)
    if len(resolved) > 1:
        return FoundPlace(candidates=[(p.address_id, label) for p, label in resolved.values()][:3], typed=text)
    return FoundPlace(candidates=[(c.address.address_id, c.label) for c in best.candidates][:3], typed=text)
