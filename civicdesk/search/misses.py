"""Searches that found nothing (or only a few results), for editors: normalised, stripped of anything that
looks like personal data, counted per day, language and results found, kept MISS_DAYS days (docs/search.md
"What people looked for").

Residents type all sorts into a search box: their email address, their phone number, their tracking number,
their street address. None of it may be stored. redact() replaces each such thing with a placeholder before
anything is written ("pothole outside 1432 elm street" → "pothole outside [address]"), and a query left with
no word of its own is not logged at all.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from civicdesk.lib.ids import normalize_public_id

from . import text
from .models import SearchMiss

#: How long a day's counts are kept (the scheduler's search.prune_misses job deletes older ones).
MISS_DAYS = 180
#: Characters of a normalised query kept.
MAX_STORED = 100

EMAIL = "[email]"
PHONE = "[phone]"
NUMBER = "[number]"
ADDRESS = "[address]"
TRACKING = "[tracking number]"
LINK = "[link]"
PLACEHOLDERS = (EMAIL, PHONE, NUMBER, ADDRESS, TRACKING, LINK)

_STREET_WORDS = (
    r"street|st|avenue|ave|av|road|rd|drive|dr|lane|ln|boulevard|blvd|court|ct|way|place|pl|terrace|ter|"
    r"parkway|pkwy|circle|cir|highway|hwy|trail|trl|square|sq|alley|row|pike|crescent|close")
_RULES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"\b(?:https?://|www\.)\S+", re.I), LINK),
    (re.compile(r"[^\s@]+@[^\s@]+(?:\.[^\s@]+)*", re.I), EMAIL),
    # A street address with a house number: "1432 Elm Street", "12B N. Main St", "apt 4, 221 river rd".
    (re.compile(rf"\b\d{{1,6}}[a-z]?\b[\s,]+(?:[nsew]\.?\s+)?(?:[^\W\d_]+\.?\s+){{0,3}}(?:{_STREET_WORDS})\b\.?",
                re.I), ADDRESS),
    # Spanish order: "Calle Mayor 12", "avenida de la paz 1500".
    (re.compile(r"\b(?:calle|c/|avenida|avda|camino|plaza|paseo|carrera|pasaje)\s+(?:[^\W\d_]+\s+){0,4}"
                r"(?:n[oº°]?\.?\s*)?\d{1,6}[a-z]?\b", re.I), ADDRESS),
    # A phone number: 7 or more digits with the usual separators, "+1 (217) 555-0142", "555 0142".
    (re.compile(r"(?<![\w\]])\+?\(?\d(?:[\s().\-]*\d){6,}(?!\w)"), PHONE),
    (re.compile(r"\d{5,}"), NUMBER),
]
_TRACKING_SHAPE = re.compile(r"\b[0-9a-z]{4}[\s\-_.]?[0-9a-z]{4}\b", re.I)
_KEPT = re.compile(r"\[(?:email|phone|number|address|tracking number|link)\]|\w+", re.UNICODE)


def _tracking_numbers(query: str) -> str:
    """Tracking numbers ("7KQ4-M2XD") replaced: eight letters and digits with at least one digit."""
    def replace(match: re.Match) -> str:
        found = match.group(0)
        return TRACKING if any(ch.isdigit() for ch in found) and normalize_public_id(found) else found
    return _TRACKING_SHAPE.sub(replace, query)


def redact(query: str) -> str:
    """`query` normalised for the log (lower case, accents and punctuation gone, one space between words, at
    most MAX_STORED characters) with personal-looking data replaced by placeholders; "" when nothing of the
    resident's own words is left (then nothing is logged)."""
    found = query or ""
    for pattern, placeholder in _RULES[:4]:
        found = pattern.sub(f" {placeholder} ", found)
    found = _tracking_numbers(found)
    for pattern, placeholder in _RULES[4:]:
        found = pattern.sub(f" {placeholder} ", found)
    tokens = [token if token.startswith("[") else text.fold(token) for token in _KEPT.findall(found)]
    collapsed: list[str] = []
    for token in tokens:
        if not (token in PLACEHOLDERS and collapsed and collapsed[-1] == token):
            collapsed.append(token)
    if not any(token not in PLACEHOLDERS and not token.isdigit() for token in collapsed):
        return ""
    normalised = " ".join(collapsed)
    return normalised[:MAX_STORED].rsplit(" ", 1)[0] if len(normalised) > MAX_STORED else normalised


def record(query: str, language: str, *, found: int = 0, now: dt.datetime | None = None) -> str:
    """Count one search for `query` in `language` that found nothing (`found` 0) or only `found` results (a
    "few results" row, kept apart); returns what was stored ("" when the query was left with nothing to
    store). Safe when two app servers count the same query at once."""
    stored = redact(query)
    if not stored:
        return ""
    now = now or timezone.now()
    language = (language or settings.LANGUAGE_CODE).split("-")[0][:8]
    day = timezone.localdate(now)
    updated = SearchMiss.objects.filter(day=day, language=language, query=stored, found=found).update(
        count=F("count") + 1, last_seen=now)
    if not updated:
        try:
            with transaction.atomic():
                SearchMiss.objects.create(day=day, language=language, query=stored, found=found, count=1,
                                          last_seen=now)
        except IntegrityError:  # another server created the row first
            SearchMiss.objects.filter(day=day, language=language, query=stored, found=found).update(
                count=F("count") + 1, last_seen=now)
    return stored


def prune(*, now: dt.datetime | None = None) -> int:
    """Delete the counts of days older than MISS_DAYS; returns how many rows went."""
    cutoff = timezone.localdate(now or timezone.now()) - dt.timedelta(days=MISS_DAYS)
    deleted, _ = SearchMiss.objects.filter(day__lt=cutoff).delete()
    return deleted
