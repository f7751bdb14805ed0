"""Forgiving category search: which service types a resident's words are about, best first.

Used by the category page (server-side, works without JavaScript) and by its live filter (the same
ranking through a JSON endpoint), in every site language at once: a Spanish word finds its type on the
English page too.

How a query is scored against each service type:
- every word is stemmed (civicdesk/lib/wording.py: plurals, verb forms, doubled letters, accents), and
  filler words ("my", "the", "please", "not", "wasn't") are dropped, so "garbage wasn't picked up"
  and "potholes on my street" reduce to the words that matter;
- a word found in the type's name counts most, in its keywords (the city's synonyms, per language)
  nearly as much, in its description least; a word that many types share ("street") counts less than a
  rare one ("pothole"): each is weighted by its inverse document frequency;
- a keyword of several words ("dead animal", "not picked up") adds a bonus when all its words are in the
  query; two query words written apart ("street light") also match the joined word ("streetlight");
- a word not found is compared with every known word by rapidfuzz's ratio (typos: "grafitti",
  "potholle"), counting less the further it is;
- types scoring under RELATIVE_CUTOFF of the best are dropped, so one good match is not buried under
  every type that shares the word "street".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from rapidfuzz import fuzz, process

from civicdesk.lib.wording import STOP_WORDS, split_joined, split_list, stem, words

NAME, KEYWORD, DESCRIPTION = 3.0, 2.5, 1.0
PHRASE_BONUS = 1.5
FUZZY_MIN_LENGTH = 4
FUZZY_MIN_SCORE = 80
RELATIVE_CUTOFF = 0.4
#: Words that say nothing about which kind of problem it is.
SEARCH_STOP_WORDS = STOP_WORDS | frozenset(
    "not no wasn isn didn doesn don hasn haven aren weren won can cant please problem issue report reporting "
    "need needs want someone something thing still again today yesterday week near front next street's "
    "por favor problema reportar reporte quiero necesito otra vez".split())


@dataclass
class _Entry:
    service_type: object
    order: int
    weights: dict[str, float] = field(default_factory=dict)
    phrases: list[tuple[frozenset[str], float]] = field(default_factory=list)

    def add(self, text: str, weight: float, *, as_list: bool = False) -> None:
        items = split_list(text) if as_list else [text]
        for item in items:
            item_stems = [stem(w) for w in words(item) if w not in SEARCH_STOP_WORDS]
            for s in item_stems:
                if self.weights.get(s, 0) < weight:
                    self.weights[s] = weight
            if len(set(item_stems)) > 1 and (as_list or weight == NAME):
                self.phrases.append((frozenset(item_stems), weight))


def _languages() -> list[str]:
    return [code for code, _ in settings.LANGUAGES]


def _index(service_types: Iterable) -> list[_Entry]:
    entries = []
    for order, service_type in enumerate(service_types):
        entry = _Entry(service_type, order)
        for lang in _languages():
            entry.add(getattr(service_type, f"name_{lang}", "") or "", NAME)
            entry.add(getattr(service_type, f"keywords_{lang}", "") or "", KEYWORD, as_list=True)
            entry.add(getattr(service_type, f"description_{lang}", "") or "", DESCRIPTION)
        entries.append(entry)
    return entries


def query_stems(query: str) -> list[str]:
    """The stems a query is searched by, filler words left out, each word once, in order."""
    seen: list[str] = []
    for word in words(query):
        if word in SEARCH_STOP_WORDS:
            continue
        s = stem(word)
        if s and s not in seen:
            seen.append(s)
    return seen


def rank(query: str, service_types: Iterable) -> list:
    """The service types `query` is about, best first (ties keep the given order); [] for an empty query."""
    wanted = query_stems(query)
    if not wanted:
        return []
    entries = _index(service_types)
    if not entries:
        return []
    vocabulary = Counter(s for e in entries for s in e.weights)
    count = len(entries)

    def idf(s: str) -> float:
        return math.log(1 + count / vocabulary.get(s, count))

    # Each query word stands for itself, or for the nearest known words when it is misspelt.
    candidates: dict[str, list[tuple[str, float]]] = {}
    known = list(vocabulary)
    for s in wanted:
        if s in vocabulary:
            candidates[s] = [(s, 1.0)]
        elif len(s) >= FUZZY_MIN_LENGTH:
            near = process.extract(s, known, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE, limit=3)
            candidates[s] = [(match, score / 100 * 0.8) for match, score, _ in near]
        else:
            candidates[s] = []
    # "streetlight" → "street light": a word written together that the catalogue writes apart.
    for s in wanted:
        if not candidates.get(s) and len(s) >= 6:
            parts = split_joined(s, frozenset(vocabulary))
            if parts:
                candidates[s] = [(part, 0.9) for part in parts]
    # "street light" → "streetlight": adjacent words written apart.
    joined = [stem(a + b) for a, b in zip(wanted, wanted[1:])]
    for s in joined:
        if s in vocabulary:
            candidates[s] = [(s, 1.0)]

    scored = []
    for entry in entries:
        score = 0.0
        present = set()
        for s, options in candidates.items():
            best = 0.0
            for known_stem, quality in options:
                weight = entry.weights.get(known_stem, 0.0)
                if weight:
                    best = max(best, weight * quality * idf(known_stem))
                    present.add(known_stem)
            score += best
        for phrase, weight in entry.phrases:
            if phrase <= present:
                score += PHRASE_BONUS * weight * len(phrase)
        if score > 0:
            scored.append((score, entry))
    if not scored:
        return []
    top = max(score for score, _ in scored)
    scored = [(score, entry) for score, entry in scored if score >= top * RELATIVE_CUTOFF]
    scored.sort(key=lambda pair: (-pair[0], pair[1].order))
    return [entry.service_type for _, entry in scored]
