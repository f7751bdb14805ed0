"""Typed addresses to address points, without silent guesses (see docs/address-matching.md).

An address is parsed into house number, directions, street name, suffix, unit
and place (city, state, ZIP); suffixes and directions are normalised with the
tables in `data/` (plus any folders the city pack lists in `address_tables`).
The street name is compared with typo tolerance; the house number must exist on
that street (or at least fall within its numbers, which only ever yields
suggestions). One clear winner above HIGH_CONFIDENCE is resolved; anything
else returns "did you mean" candidates and a reason, never another street.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.db.models import Count, Max
from django.utils.translation import gettext
from rapidfuzz.distance import OSA, JaroWinkler

from civicdesk.lib import config_cache

from .models import AddressPoint

DATA_DIR = Path(__file__).resolve().parent / "data"

#: A lookup at or above this confidence, with no rival within CLEAR_MARGIN, is resolved.
HIGH_CONFIDENCE = 88.0
#: How far ahead of the next candidate a resolved match must be.
CLEAR_MARGIN = 5.0
#: Streets whose name scores below this are not offered at all.
MIN_CANDIDATE = 70.0
MAX_CANDIDATES = 5

# Penalties (points off the 0-100 name score); docs/address-matching.md explains each.
PENALTY_MISSING_DIRECTION = 3.0
PENALTY_EXTRA_DIRECTION = 6.0
PENALTY_OTHER_DIRECTION = 30.0
PENALTY_OTHER_SUFFIX = 8.0
PENALTY_MISSPELT_SUFFIX = 1.0
PENALTY_OTHER_CITY = 20.0
PENALTY_OTHER_ZIP = 10.0
#: A number inside the street's range that has no address point: a suggestion, never resolved.
PENALTY_NUMBER_NOT_FOUND = 15.0


# --- tables -------------------------------------------------------------------------------------------

def _read_table(name: str, folders: tuple[Path, ...]) -> list[list[str]]:
    rows = []
    for folder in (DATA_DIR, *folders):
        path = Path(folder) / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            lines = [line for line in handle if line.strip() and not line.lstrip().startswith("#")]
        reader = csv.reader(lines)
        next(reader, None)  # header
        rows += [[_fold(cell) for cell in row] for row in reader if row and row[0].strip()]
    return rows


@dataclass(frozen=True)
class Tables:
    """The normalisation tables: shipped rows first, then the city's (which win on a clash)."""

    suffixes: dict[str, str]
    directions: dict[str, str]
    units: frozenset[str]
    states: frozenset[str]


@lru_cache(maxsize=4)
def _tables_from(folders: tuple[Path, ...]) -> Tables:
    return Tables(
        suffixes={row[0]: row[1] for row in _read_table("street_suffixes.csv", folders) if len(row) > 1},
        directions={row[0]: row[1] for row in _read_table("directions.csv", folders) if len(row) > 1},
        units=frozenset(row[0] for row in _read_table("unit_designators.csv", folders)),
        states=frozenset(row[0] for row in _read_table("us_states.csv", folders)),
    )


def tables() -> Tables:
    """The tables in use: civicdesk/jurisdictions/data/ plus the city pack's `address_tables` folders."""
    from civicdesk.cities import city

    return _tables_from(tuple(Path(p) for p in getattr(city(), "address_tables", ()) or ()))


# --- parsing ------------------------------------------------------------------------------------------

_NON_WORD = re.compile(r"[^\w\s,]")
_ZIP = re.compile(r"^\d{5}(?:\d{4})?$")
_NUMBER = re.compile(r"^(\d+)([a-z]?)$")
_ZIP4 = re.compile(r"\b(\d{5})-\d{4}\b")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(_NON_WORD.sub(" ", plain).split())


@dataclass
class ParsedStreet:
    """A street as compared: directions and suffix standardised, the name's words in order."""

    pre_direction: str = ""
    name: str = ""
    suffix: str = ""
    post_direction: str = ""
    suffix_misspelt: bool = False

    def label(self) -> str:
        return " ".join(p for p in [self.pre_direction, self.name, self.suffix, self.post_direction] if p)


@dataclass
class ParsedAddress:
    """What a resident typed, in parts. Empty strings for parts they left out."""

    text: str
    number: str = ""
    street: ParsedStreet = field(default_factory=ParsedStreet)
    unit: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""


def _close_suffix(word: str, known: dict[str, str]) -> str:
    """The suffix a misspelt word stands for ("stret" -> "st"), or "" when none is one slip away."""
    if len(word) < 4:
        return ""
    for typed, standard in known.items():
        if len(typed) >= 4 and OSA.distance(word, typed) <= 1:
            return standard
    return ""


def parse_street(words: list[str], *, tolerant: bool = False) -> ParsedStreet:
    """Split street words into directions, name and suffix. `tolerant` also reads a misspelt suffix."""
    t = tables()
    words = list(words)
    street = ParsedStreet()
    if len(words) > 1 and words[-1] in t.directions:
        street.post_direction = t.directions[words.pop()]
    if len(words) > 1 and words[0] in t.directions:
        street.pre_direction = t.directions[words.pop(0)]
    if len(words) > 1:
        if words[-1] in t.suffixes:
            street.suffix = t.suffixes[words.pop()]
        elif tolerant and (close := _close_suffix(words[-1], t.suffixes)):
            street.suffix, street.suffix_misspelt = close, True
            words.pop()
    if len(words) > 1:
        # Inside a longer name, "Road" and "Rd" are the same word ("County Road 1700").
        words = [t.suffixes.get(w, w) for w in words]
    street.name = " ".join(words)
    return street


def _strip_place(parts: list[str], parsed: ParsedAddress, known_cities: set[str], *,
                 last_part: bool = False) -> list[str]:
    """Remove ZIP, state and city from the end of the words, filling `parsed`.

    Inside the street part ("120 Main Ct"), a state abbreviation is only read when a ZIP follows it.
    """
    t = tables()
    parts = list(parts)
    if parts and _ZIP.match(parts[-1]):
        parsed.zip = parts.pop()[:5]
    def city_before(size: int) -> bool:
        return any(" ".join(parts[-size - n:-size]) in known_cities for n in (1, 2, 3) if len(parts) > size + n)

    for size in (2, 1):
        if len(parts) >= size and " ".join(parts[-size:]) in t.states and (
                parsed.zip or last_part or city_before(size)):
            parsed.state = " ".join(parts[-size:])
            del parts[-size:]
            break
    for size in (3, 2, 1):
        if len(parts) > size + 1 and " ".join(parts[-size:]) in known_cities:
            parsed.city = " ".join(parts[-size:])
            del parts[-size:]
            break
    return parts


def parse_address(text: str, *, known_cities: set[str] | None = None) -> ParsedAddress:
    """Parse a typed one-line address ("440 W. Market Street, Apt 2, Riverbend, IL 61899").

    `known_cities` (folded names) lets a city written without a comma be recognised.
    """
    t = tables()
    known_cities = known_cities or set()
    parsed = ParsedAddress(text=text)
    text_zip4 = _ZIP4.sub(r"\1", text or "")
    folded = _fold(text_zip4.replace("#", " apt "))
    chunks = [chunk.split() for chunk in folded.split(",") if chunk.strip()]
    if not chunks:
        return parsed
    first, rest = chunks[0], []
    # After the first comma, each part is a unit, a city, a state and/or a ZIP code.
    for chunk in chunks[1:]:
        if chunk[0] in t.units or chunk[0] == "apt":
            rest += chunk
            continue
        chunk = _strip_place(chunk, parsed, set(), last_part=True)
        if chunk and not parsed.city:
            parsed.city = " ".join(chunk)
    if len(chunks) == 1:
        first = _strip_place(first, parsed, known_cities)
    words = first + rest
    if words and _NUMBER.match(words[0]):
        parsed.number = words.pop(0)
    elif len(words) > 1 and _NUMBER.match(words[-1]) and not any(w in t.units for w in words):
        # "Main St 161", as written in some countries.
        parsed.number = words.pop()
    # A unit starts at its designator (never the first street word) and runs to the end.
    for index, word in enumerate(words):
        if index > 0 and word in t.units:
            parsed.unit = " ".join(words[index:])
            words = words[:index]
            break
    parsed.street = parse_street(words, tolerant=True)
    return parsed


# --- the street list ----------------------------------------------------------------------------------

@dataclass
class Street:
    """One street of one place in the address list."""

    street: str
    city: str
    jurisdiction_id: int | None
    parsed: ParsedStreet


def _streets() -> list[Street]:
    rows = AddressPoint.objects.order_by().values_list("street", "city", "jurisdiction_id").distinct()
    return [Street(street, city, juris, parse_street(_fold(street).split())) for street, city, juris in rows]


def streets() -> list[Street]:
    """Every distinct street in the address list, cached per process (see lib/config_cache.py)."""
    version = tuple(AddressPoint.objects.aggregate(n=Count("id"), m=Max("id")).values())
    return config_cache.cached(("address_streets", version), _streets)


def known_cities() -> set[str]:
    return {_fold(s.city) for s in streets() if s.city}


# --- scoring ------------------------------------------------------------------------------------------

_DIGITS = re.compile(r"\d+")


def name_score(typed: str, known: str) -> float:
    """0-100: how likely `typed` is `known` mistyped. Digits must agree exactly ("1700" is never "1800")."""
    if typed == known:
        return 100.0
    if not typed or _DIGITS.findall(typed) != _DIGITS.findall(known):
        return 0.0
    jw = JaroWinkler.normalized_similarity(typed, known) * 100
    edits = OSA.distance(typed, known)
    shortest = min(len(typed), len(known))
    by_edits = 0.0
    if edits == 1:
        by_edits = 94.0 if shortest >= 5 else 90.0 if shortest == 4 else 84.0
    elif edits == 2 and shortest >= 7:
        by_edits = 88.0
    return max(jw, by_edits)


def _direction_penalty(typed: str, known: str) -> float:
    if typed == known:
        return 0.0
    if not typed:
        return PENALTY_MISSING_DIRECTION
    if not known:
        return PENALTY_EXTRA_DIRECTION
    return PENALTY_OTHER_DIRECTION


def street_score(parsed: ParsedAddress, street: Street) -> float:
    """0-100 confidence that the typed street (and place) is `street`, before the house number is checked."""
    typed, known = parsed.street, street.parsed
    score = name_score(typed.name, known.name)
    if score <= 0:
        return 0.0
    score -= _direction_penalty(typed.pre_direction, known.pre_direction)
    score -= _direction_penalty(typed.post_direction, known.post_direction)
    if typed.suffix and typed.suffix != known.suffix:
        score -= PENALTY_OTHER_SUFFIX
    elif typed.suffix_misspelt:
        score -= PENALTY_MISSPELT_SUFFIX
    if parsed.city and parsed.city != _fold(street.city):
        score -= PENALTY_OTHER_CITY
    return score


def building_label(point: AddressPoint) -> str:
    """The point's address without its unit ("120 S Main St, Riverbend, IL 61899" for "… Apt 1 …")."""
    from civicdesk.cities import city

    if not point.unit:
        return point.full_address
    return city().format_address(point.number, point.street, "", point.city, point.postcode)


# --- the look-up --------------------------------------------------------------------------------------

class Reason:
    RESOLVED = "resolved"
    AMBIGUOUS = "ambiguous"
    LOW_CONFIDENCE = "low_confidence"
    NUMBER_NOT_FOUND = "number_not_found"
    NO_NUMBER = "no_number"
    NOT_FOUND = "not_found"
    EMPTY = "empty"


@dataclass
class Candidate:
    """A possible address with the confidence (0-100) that it is the one meant."""

    address: AddressPoint
    score: float
    exact_number: bool = True
    #: The typed unit matched this point's unit (otherwise the unit is left out of the label).
    unit_matched: bool = False

    @property
    def label(self) -> str:
        """The address as shown and saved: the building's address, with the unit only when it was typed."""
        return self.address.full_address if self.unit_matched else building_label(self.address)


@dataclass
class AddressLookup:
    """The outcome of lookup_address(): `resolved` when one clear winner, else candidates and a reason."""

    parsed: ParsedAddress
    reason: str
    candidates: list[Candidate] = field(default_factory=list)
    #: Streets that match by name, for messages ("we know N Main St, but not number 9999").
    streets: list[Street] = field(default_factory=list)

    @property
    def resolved(self) -> AddressPoint | None:
        return self.candidates[0].address if self.reason == Reason.RESOLVED else None

    @property
    def confidence(self) -> float:
        return self.candidates[0].score if self.candidates else 0.0


def _number_value(number: str) -> int | None:
    match = _NUMBER.match(number.lower())
    return int(match.group(1)) if match else None


def _pick_point(points: list[AddressPoint], unit: str) -> AddressPoint:
    """The typed unit's point, else the building's own point, among points sharing number and street.

    When a building is listed only by its units, the first unit's point stands for the building.
    """
    folded_unit = _fold(unit)
    for point in points:
        if folded_unit and _fold(point.unit) == folded_unit:
            return point
    return next((p for p in points if not p.unit), points[0])


def lookup_address(text: str, *, limit: int = MAX_CANDIDATES) -> AddressLookup:
    """Match a typed address against the address list without guessing (module docstring has the rules)."""
    parsed = parse_address(text or "", known_cities=known_cities())
    if not parsed.street.name and not parsed.number:
        return AddressLookup(parsed, Reason.EMPTY)
    scored = [(street_score(parsed, s), s) for s in streets()]
    scored = sorted(((sc, s) for sc, s in scored if sc >= MIN_CANDIDATE), key=lambda pair: -pair[0])[:20]
    if not scored:
        return AddressLookup(parsed, Reason.NOT_FOUND)
    matching_streets = [s for _sc, s in scored]
    if not parsed.number:
        return AddressLookup(parsed, Reason.NO_NUMBER, streets=matching_streets)
    wanted = _number_value(parsed.number)
    by_street: dict[tuple, list[AddressPoint]] = defaultdict(list)
    names = {s.street for s in matching_streets}
    for point in AddressPoint.objects.filter(street__in=names).select_related("jurisdiction"):
        by_street[(point.street, point.city, point.jurisdiction_id)].append(point)
    candidates: list[Candidate] = []
    for score, street in scored:
        points = by_street.get((street.street, street.city, street.jurisdiction_id), [])
        score -= PENALTY_OTHER_ZIP if parsed.zip and points and parsed.zip != points[0].postcode[:5] else 0
        exact = [p for p in points if p.number.lower() == parsed.number.lower()]
        if exact:
            point = _pick_point(exact, parsed.unit)
            unit_matched = bool(point.unit) and _fold(point.unit) == _fold(parsed.unit)
            candidates.append(Candidate(point, score, unit_matched=unit_matched))
            continue
        values = sorted({(v, p.number) for p in points if (v := _number_value(p.number)) is not None})
        if wanted is None or not values or not values[0][0] <= wanted <= values[-1][0]:
            continue
        # Inside the street's numbers but not a known address: offer the nearest on the same side.
        same_side = [pair for pair in values if pair[0] % 2 == wanted % 2] or values
        nearest = sorted(same_side, key=lambda pair: abs(pair[0] - wanted))[:2]
        for _value, number in nearest:
            point = _pick_point([p for p in points if p.number == number], "")
            candidates.append(Candidate(point, score - PENALTY_NUMBER_NOT_FOUND, exact_number=False))
    candidates = [c for c in candidates if c.score >= MIN_CANDIDATE]
    candidates.sort(key=lambda c: (-c.score, c.address.full_address))
    candidates = candidates[:limit]
    if not candidates:
        return AddressLookup(parsed, Reason.NUMBER_NOT_FOUND, streets=matching_streets)
    best = candidates[0]
    rival = candidates[1].score if len(candidates) > 1 else 0.0
    if not best.exact_number:
        reason = Reason.NUMBER_NOT_FOUND
    elif best.score >= HIGH_CONFIDENCE and best.score - rival >= CLEAR_MARGIN:
        reason = Reason.RESOLVED
    elif best.score >= HIGH_CONFIDENCE:
        reason = Reason.AMBIGUOUS
    else:
        reason = Reason.LOW_CONFIDENCE
    return AddressLookup(parsed, reason, candidates, streets=matching_streets)


def lookup_message(lookup: AddressLookup) -> str:
    """What to tell the resident or agent when `lookup` did not resolve, in their words."""
    text, parsed = lookup.parsed.text.strip(), lookup.parsed
    street = lookup.streets[0].street if lookup.streets else ""
    if lookup.reason == Reason.NO_NUMBER:
        return gettext("Please add the house number to “%(text)s”, or drop a pin on the map.") % {"text": text}
    if lookup.reason == Reason.NUMBER_NOT_FOUND and lookup.candidates:
        return gettext("There is no number %(number)s on %(street)s in the city's address list. Did you mean "
                       "one of these?") % {"number": parsed.number, "street": street}
    if lookup.reason == Reason.NUMBER_NOT_FOUND and street:
        return gettext("We know %(street)s, but not the number %(number)s on it. Check the number, or drop a pin "
                       "on the map.") % {"number": parsed.number, "street": street}
    if lookup.candidates:
        return gettext("We are not sure which address you mean by “%(text)s”. Did you mean one of these?") % {
            "text": text}
    return gettext("We could not find “%s” in the city's address list. Check the spelling, or drop a pin on the "
                   "map instead.") % text
