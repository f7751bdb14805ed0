"""The stored vocabulary (SearchWord), kept as entries are written: what spelling correction and answers_for()
read instead of scanning the entries' text on every search.

services._apply() hands every entry it adds, rewrites or removes to a Delta (+1 for the new content, -1 for
the old), and Delta.save() adds the changes to the stored counts in one upsert per 500 words (the same SQL on
SQLite and PostgreSQL); words no entry holds any more are deleted. Migration 0004 fills it from the entries
already indexed (fill()).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from django.db import connection

from . import text

TABLE = "search_searchword"
WORD = "w"
ANSWER_TERM = "a"
#: Words per upsert statement.
BATCH = 500


def words_of(title: str, body: str, keywords: str) -> set[str]:
    """The distinct folded, unstemmed words of an entry (title, text and keywords): what a typo is corrected to."""
    return {text.fold(word) for word in set(text.words(f"{title} {body} {keywords}"))}


def terms_of(title_terms: str, body_terms: str) -> set[str]:
    """The distinct index terms of an entry (stemmed, as the full-text index holds them)."""
    return set(title_terms.split()) | set(body_terms.split())


class Delta:
    """Changes to the stored counts: add() an entry's content with +1 when it is written, -1 for what it held
    before (a rewrite does both), then save()."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str, str]] = Counter()

    def add(self, entry: Mapping, sign: int, *, answer: bool) -> None:
        """`entry`: a mapping with language, title, body, keywords, title_terms and body_terms; `answer`: whether
        its source gives answers (Source.answers)."""
        language = entry["language"]
        for word in words_of(entry["title"], entry["body"], entry["keywords"]):
            self.counts[(language, WORD, word)] += sign
        if answer:
            self.counts[(language, ANSWER_TERM, "")] += sign  # the number of answer pages
            for term in terms_of(entry["title_terms"], entry["body_terms"]):
                self.counts[(language, ANSWER_TERM, term)] += sign

    def save(self) -> None:
        changes = [(key, count) for key, count in self.counts.items() if count]
        for start in range(0, len(changes), BATCH):
            batch = changes[start:start + BATCH]
            rows, params = [], []
            for (language, kind, word), count in batch:
                rows.append("(%s, %s, %s, %s, %s, %s, %s)")
                params += [language, kind, word[:40], count, len(word), word[:1], word[1:2]]
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {TABLE} (language, kind, word, entries, length, first, second) VALUES "
                    + ", ".join(rows) + " ON CONFLICT (language, kind, word) DO UPDATE SET "
                    f"entries = {TABLE}.entries + excluded.entries", params)
        if any(count < 0 for _key, count in changes):
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {TABLE} WHERE entries <= 0")
        self.counts.clear()


FIELDS = ("language", "source", "title", "body", "keywords", "title_terms", "body_terms")


def fill(entries: Iterable[Mapping], answer_sources: set[str]) -> None:
    """Count `entries` (mappings with FIELDS) into an empty vocabulary, 1,000 at a time."""
    delta = Delta()
    for n, entry in enumerate(entries, start=1):
        delta.add(entry, 1, answer=entry["source"] in answer_sources)
        if n % 1000 == 0:
            delta.save()
    delta.save()
