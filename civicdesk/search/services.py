"""Writing the search index from the registered sources, and asking it (search()).

Both databases index the same terms (civicdesk.search.text), so both answer alike: SQLite through the FTS5
table `search_fts`, PostgreSQL through the GIN-indexed tsvector columns `vector` and `title_vector`. Neither
reads every match of a common word (docs/search.md "Speed"): counts per kind stop at COUNT_CAP, and the
ranking (the same BM25 in Python on both, titles weighing 8 times the text) reads bounded blocks of title
matches, then of text matches. A query first asks for every meaningful word as typed; when none has them,
every word with the last one as the start of a word (a word being typed: "streetl"); when nothing has them
all, it asks for any of them, pages with more of the words first, and the page says so. The stored vocabulary
(SearchWord, kept by _apply()) answers spelling correction and answers_for()'s word counts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils.safestring import SafeString, mark_safe
from rapidfuzz import process
from rapidfuzz.distance import OSA

from civicdesk.lib.wording import STOP_WORDS

from . import registry, text, vocabulary
from .models import SearchEntry, SearchWord

#: The body kept per entry (characters): enough for any page's extract and terms, bounded for the index.
MAX_BODY = 20_000
PAGE_SIZE = 20
MAX_PAGE = 50
#: Objects re-indexed per batch by a sync.
BATCH = 500


def _fingerprint(document: registry.Document, kind: str) -> str:
    payload = [document.title, document.body[:MAX_BODY], document.keywords, document.url, document.jurisdiction_id,
               document.dated.isoformat() if document.dated else None, kind]
    return hashlib.sha1(json.dumps(payload).encode()).hexdigest()


def _entry(source: registry.Source, document: registry.Document) -> SearchEntry:
    body = document.body[:MAX_BODY]
    return SearchEntry(
        source=source.name, object_id=str(document.object_id), language=document.language, kind=source.kind,
        jurisdiction_id=document.jurisdiction_id, title=document.title[:300], body=body,
        keywords=document.keywords[:MAX_BODY], url=document.url,
        dated=document.dated, title_terms=text.terms_text(document.title, document.language),
        body_terms=text.terms_text(f"{body}\n{document.keywords[:MAX_BODY]}", document.language), fingerprint=_fingerprint(document, source.kind))


@dataclass
class Written:
    added: int = 0
    changed: int = 0
    removed: int = 0

    def __iadd__(self, other: Written) -> Written:
        self.added += other.added
        self.changed += other.changed
        self.removed += other.removed
        return self


def index_objects(source: registry.Source, ids: Iterable) -> Written:
    """Make the entries of the objects `ids` of `source` match what the source says is public now: new pages
    added, changed ones rewritten, pages no longer public (or gone) removed. One transaction."""
    ids = [str(pk) for pk in ids]
    documents = [doc for doc in source.documents(ids) if str(doc.object_id) in ids]
    with transaction.atomic():
        existing = SearchEntry.objects.filter(source=source.name, object_id__in=ids)
        return _apply(source, documents, {(e.object_id, e.language): e for e in existing.only(
            "id", "object_id", "language", "fingerprint")})


def sync_source(source: registry.Source) -> Written:
    """Re-read every public page of `source` and make its entries match (what the periodic job does)."""
    documents = list(source.documents(None))
    with transaction.atomic():
        existing = SearchEntry.objects.filter(source=source.name).only("id", "object_id", "language", "fingerprint")
        return _apply(source, documents, {(e.object_id, e.language): e for e in existing})


def _apply(source, documents, existing: dict) -> Written:
    """Write the entries of `documents`, remove the existing ones not among them, and keep the stored vocabulary
    (vocabulary.Delta) equal: +1 for every word of what is written, -1 for what a rewritten or removed entry
    held (read back, before it is overwritten, only for those)."""
    written = Written()
    keep: set[tuple[str, str]] = set()
    writes = []
    for document in documents:
        key = (str(document.object_id), document.language)
        if key in keep:
            continue
        keep.add(key)
        entry = _entry(source, document)
        old = existing.get(key)
        if old is None:
            writes.append(entry)
        elif old.fingerprint != entry.fingerprint:
            entry.pk = old.pk
            writes.append(entry)
    gone = [entry.pk for key, entry in existing.items() if key not in keep]
    delta = vocabulary.Delta()
    replaced = [entry.pk for entry in writes if entry.pk is not None] + gone
    for start in range(0, len(replaced), BATCH):
        for row in SearchEntry.objects.filter(pk__in=replaced[start:start + BATCH]).values(*vocabulary.FIELDS):
            delta.add(row, -1, answer=source.answers)
    for entry in writes:
        if entry.pk is None:
            written.added += 1
        else:
            written.changed += 1
        entry.save()
        delta.add(entry.__dict__, 1, answer=source.answers)
    if gone:
        SearchEntry.objects.filter(pk__in=gone).delete()
        written.removed = len(gone)
    delta.save()
    return written


def rebuild_vocabulary() -> None:
    """Count the stored vocabulary again from every entry (after entries went without _apply(): a source no
    longer registered, a rebuild from scratch)."""
    SearchWord.objects.all().delete()
    vocabulary.fill(SearchEntry.objects.values(*vocabulary.FIELDS).iterator(chunk_size=1000),
                    set(registry.answer_sources()))


def sync_all() -> Written:
    """sync_source() for every registered source, and the entries of sources no longer registered removed."""
    written = Written()
    names = []
    for source in registry.sources():
        written += sync_source(source)
        names.append(source.name)
    with transaction.atomic():
        removed, _ = SearchEntry.objects.exclude(source__in=names).delete()
        if removed:
            rebuild_vocabulary()
    written.removed += removed
    return written


# --- asking ------------------------------------------------------------------------------------------

@dataclass
class Result:
    title: str
    url: str
    kind: str
    label: str
    extract: SafeString
    dated: dt.datetime | None
    jurisdiction_id: int | None


@dataclass
class Results:
    query: str
    terms: list[str]
    results: list[Result]
    total: int
    page: int
    pages: int
    #: True when no page has every word, so these have some of them.
    partial: bool = False
    #: kind -> how many pages of that kind match (for the filters), whatever kind was chosen; at most
    #: COUNT_CAP (then the kind is in `more`).
    by_kind: dict[str, int] | None = None
    #: The query as corrected when nothing matched what was typed ("potholle" -> "pothole"), else "".
    corrected: str = ""
    #: The kinds with more than COUNT_CAP matching pages (counting stopped there: "1000+").
    more: frozenset[str] = frozenset()
    #: True when `total` is a floor (a kind it counts stopped at COUNT_CAP): "more than 1000 results".
    total_more: bool = False

    def count_label(self, kind: str | None = None) -> str:
        """A kind's count (or, without a kind, the sum of them) as a filter shows it: "1000+" when counting
        stopped at COUNT_CAP."""
        if kind:
            return f"{self.by_kind.get(kind, 0)}+" if kind in self.more else str(self.by_kind.get(kind, 0))
        total = sum((self.by_kind or {}).values())
        return f"{total}+" if self.more else str(total)


def _match_sqlite(terms: list[str], every: bool, prefix: bool = True, completions: tuple[str, ...] = ()) -> str:
    """An FTS5 query of `terms`; with `prefix`, the last term as the start of a word: the `completions`
    (_completions()) when there are some, else FTS5's own prefix query."""
    quoted = [f'"{term}"' for term in terms]
    if prefix:
        quoted[-1] = "(" + " OR ".join(f'"{term}"' for term in completions) + ")" if completions else quoted[-1] + " *"
    return (" AND " if every else " OR ").join(quoted)


#: A word being typed ("recyc") is looked up as the terms of the stored vocabulary that start with it, at most
#: this many (the most frequent): FTS5 answers "recyc*" by merging every such term's whole list of pages
#: (its prefix indexes cover only 2 and 3 letters), an OR of whole terms page by page.
COMPLETIONS = 40
#: Languages whose stemmer only cuts word endings, so that the terms of the words starting with a prefix are
#: every term starting with it (the Arabic stemmer also removes the article at the start: FTS5's prefix query).
SUFFIX_STEMMED = frozenset({"en", "es", "fr", "pt", "it", "de"})


def _completions(term: str, language: str) -> tuple[str, ...]:
    """The index terms starting with `term` that words of the stored vocabulary give, or () when `term` is
    short enough for the prefix indexes (3 letters) or has more than COMPLETIONS of them (FTS5's prefix query
    then)."""
    if len(term) <= 3 or language not in SUFFIX_STEMMED:
        return ()
    words = list(SearchWord.objects.filter(language=language, kind=SearchWord.WORD, word__gte=term,
                                           word__lt=term + "\U0010ffff").values_list("word", flat=True)[:COMPLETIONS * 4])
    if len(words) >= COMPLETIONS * 4:
        return ()
    found = sorted({stem for word in words for stem in text.terms(word, language)[:1] if stem.startswith(term)})
    return tuple(found) if 0 < len(found) <= COMPLETIONS else ()


def _match_postgres(terms: list[str], every: bool, prefix: bool = True, completions: tuple[str, ...] = ()) -> str:
    """A to_tsquery text of `terms`, the last one as the start of a word with `prefix` (its `completions` when
    there are some: GIN's partial match reads every such term's list into a bitmap first)."""
    parts = list(terms)
    if prefix:
        parts[-1] = "(" + " | ".join(completions) + ")" if completions else parts[-1] + ":*"
    return (" & " if every else " | ").join(parts)


#: Per-kind counts stop at this many (the page says "more than 1000"): counting every match of a common word
#: costs as much as ranking them, and no one pages past MAX_PAGE * PAGE_SIZE = 1000 results.
COUNT_CAP = MAX_PAGE * PAGE_SIZE
#: Ranking is bounded (docs/search.md "Speed"): pages whose *title* has the words are ranked in blocks of
#: TITLE_BLOCK, newest first, then pages that have them only in their text, in blocks of TEXT_BLOCK. The
#: first block of each is what page 1 shows, best ranked first; a later page reads as many blocks as it needs.
TITLE_BLOCK = 300
TEXT_BLOCK = 200
#: A word in a page's title weighs this many times a word in its text.
TITLE_WEIGHT = 8.0


@dataclass(frozen=True)
class _Filters:
    """What a search keeps: one language, maybe some kinds, maybe one jurisdiction (and city-wide pages), maybe
    some sources. Both databases hold these inside the full-text index (migration 0004), so a search never
    leaves it to filter."""

    language: str
    kinds: tuple[str, ...] = ()
    jurisdiction_id: int | None = None
    sources: tuple[str, ...] = ()
    #: The completions of the last term when it is read as the start of a word (_completions()).
    completions: tuple[str, ...] = ()

    def sqlite(self, *, language: bool = True) -> str:
        """An FTS5 expression over the `tags` column ("" when it would keep everything). Without `language`
        the language (and jurisdiction) are left to sqlite_join(): every page of a language is a tag that
        ranking would have to count (bm25 counts each phrase's pages), a cost the join does not have."""
        def phrase(value: str) -> str:
            return '"' + value.replace('"', '""') + '"'

        parts = [phrase(f"lang{self.language}")] if language else []
        if self.kinds:
            parts.append("(" + " OR ".join(phrase(f"kind{kind}") for kind in self.kinds) + ")")
        if self.sources:
            parts.append("(" + " OR ".join(phrase(f"src{source}") for source in self.sources) + ")")
        if self.jurisdiction_id is not None and language:
            parts.append(f'("jur{int(self.jurisdiction_id)}" OR "jurnone")')
        return "tags : (" + " AND ".join(parts) + ")" if parts else ""

    def sqlite_join(self) -> tuple[str, list]:
        """The language and jurisdiction as conditions on the entry (SQLite: read from its covering index; see
        sqlite() and postgres())."""
        sql, params = "e.language = %s", [self.language]
        if self.jurisdiction_id is not None:
            sql += " AND (e.jurisdiction_id = %s OR e.jurisdiction_id IS NULL)"
            params.append(self.jurisdiction_id)
        return sql, params

    def postgres(self) -> str:
        """A tsquery (its text form) over the kind and source lexemes, "" when there are none. The language and
        jurisdiction are left to sqlite_join()'s conditions, read from the rows the bitmap scan visits anyway:
        every page of a language is a lexeme whose whole posting list GIN would decode to intersect it."""
        def lexeme(value: str) -> str:
            return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"

        parts = []
        if self.kinds:
            parts.append("(" + " | ".join(lexeme(f"@kind={kind}") for kind in self.kinds) + ")")
        if self.sources:
            parts.append("(" + " | ".join(lexeme(f"@src={source}") for source in self.sources) + ")")
        return " & ".join(parts)

    def postgres_match(self, column: str, query: str) -> tuple[str, list]:
        """`column` @@ the words (`query`, to_tsquery text) and the tag lexemes, with the row conditions."""
        tags = self.postgres()
        where, params = self.sqlite_join()
        # Not by the (language, kind) index: the planner would AND its bitmap of every page of the language
        # (half the table) with the full-text one, which costs more than reading the language from the rows.
        where = where.replace("e.language = %s", "(e.language || '') = %s")
        if tags:
            return (f"e.{column} @@ (to_tsquery('simple', %s) && %s::tsquery) AND {where}", [query, tags, *params])
        return f"e.{column} @@ to_tsquery('simple', %s) AND {where}", [query, *params]

    def but(self, **changes) -> _Filters:
        return _Filters(**{**self.__dict__, **changes})


def _counts(terms: list[str], every: bool, prefix: bool, filters: _Filters) -> dict[str, int]:
    """{kind: matching pages, at most COUNT_CAP + 1} for every registered kind with a match: one query."""
    kinds = [kind for kind, _label in registry.kinds()]
    if not kinds:
        return {}
    postgres = connection.vendor == "postgresql"
    parts, params = [], []
    for kind in kinds:
        kept = filters.but(kinds=(kind,))
        if postgres:
            match, match_params = kept.postgres_match("vector", _match_postgres(terms, every, prefix,
                                                                                filters.completions))
            parts.append(f"SELECT %s, (SELECT COUNT(*) FROM (SELECT 1 FROM search_searchentry e WHERE {match} "
                         "LIMIT %s) found)")
            params += [kind, *match_params, COUNT_CAP + 1]
        else:
            parts.append("SELECT %s, (SELECT COUNT(*) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH %s "
                         "LIMIT %s))")
            params += [kind, f"({_match_sqlite(terms, every, prefix, filters.completions)}) AND {kept.sqlite()}", COUNT_CAP + 1]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return {kind: count for kind, count in cursor.fetchall() if count}


def _capped(by_kind: dict[str, int]) -> tuple[dict[str, int], frozenset[str]]:
    """(counts at most COUNT_CAP, the kinds that had more)."""
    return ({kind: min(count, COUNT_CAP) for kind, count in by_kind.items()},
            frozenset(kind for kind, count in by_kind.items() if count > COUNT_CAP))


#: Characters of a page's text terms that ranking reads (a long document is judged by its start).
RANK_TEXT = 4000
#: BM25's constants (term frequency saturation, length normalisation).
BM25_K1 = 1.2
BM25_B = 0.75


def _pool(terms: list[str], every: bool, prefix: bool, filters: _Filters, *, title: bool, size: int,
          with_text: bool) -> list[tuple[int, str, str, object]]:
    """[(id, title terms, start of the text terms, date)] of the first `size` pages that match in their title
    (`title`) or only in their text: newest first on SQLite (FTS5 walks its lists backwards for free), in the
    order its bitmap scan visits them on PostgreSQL (the table's order: sorting every match by date would visit
    them all, the cost the bound saves). The text terms are read only when ranking needs them (`with_text`: the
    text pass, or matching any word, where the words a page holds count)."""
    text_sql = "substr({}, 1, %s)" if with_text else "''"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            query = _match_postgres(terms, every, prefix, filters.completions)
            text_column = text_sql.format("e.body_terms")
            match, params = filters.postgres_match("title_vector" if title else "vector", query)
            if not title:
                match += " AND NOT e.title_vector @@ to_tsquery('simple', %s)"
                params.append(query)
            cursor.execute(f"SELECT e.id, e.title_terms, {text_column}, e.dated FROM search_searchentry e "
                           f"WHERE {match} LIMIT %s", [*([RANK_TEXT] if with_text else []), *params, size])
        else:
            query = _match_sqlite(terms, every, prefix, filters.completions)
            tags = filters.sqlite(language=False)
            tags = f" AND {tags}" if tags else ""
            match = f"title : ({query}){tags}" if title else f"({query}){tags} NOT title : ({query})"
            where, params = filters.sqlite_join()
            # The terms are read from the full-text table's own copy (its title column comes first, and the
            # text is read only when asked), not from the wide entry rows.
            cursor.execute(
                f"SELECT search_fts.rowid, search_fts.title, {text_sql.format('search_fts.body')}, e.dated "
                "FROM search_fts CROSS JOIN search_searchentry e INDEXED BY search_entry_cover "
                f"ON e.id = search_fts.rowid WHERE search_fts MATCH %s AND {where} "
                "ORDER BY search_fts.rowid DESC LIMIT %s",
                [*([RANK_TEXT] if with_text else []), match, *params, size])
        return cursor.fetchall()


def _bm25(counts: list[int], length: int, average: float) -> float:
    """BM25 of one field without the inverse document frequency (the pool is bounded, so the pages' shares of
    each word are not counted: every word of the query weighs the same)."""
    norm = BM25_K1 * (1 - BM25_B + BM25_B * length / (average or 1))
    return sum(count * (BM25_K1 + 1) / (count + norm) for count in counts if count)


def _occurrences(terms: list[str], prefix: bool, field: str) -> list[int]:
    """How often each of `terms` is in `field` (terms separated by single spaces); the last term as the start
    of a word when `prefix`."""
    padded = f" {field} "
    last = len(terms) - 1
    return [padded.count(f" {term}" if prefix and index == last else f" {term} ") for index, term in enumerate(terms)]


def _ranked(terms: list[str], every: bool, prefix: bool, filters: _Filters, need: int) -> list[int]:
    """The ids of the best `need` pages (docs/search.md "Speed"): pages with the words in their title, then
    pages with them only in their text, each read in blocks (TITLE_BLOCK, TEXT_BLOCK) newest first and ranked
    within their block by BM25 over the terms the page holds (titles weighing TITLE_WEIGHT times the start of
    the text); matching any word, pages with more of the words come first within a block. The same ranking
    in Python on both databases: neither database ranks (SQLite's bm25() counts every page holding each word
    on every search; PostgreSQL's ts_rank_cd reads each page's whole vector)."""
    rows = []
    for stage, (title, block) in enumerate(((True, TITLE_BLOCK), (False, TEXT_BLOCK))):
        size = block * max(1, math.ceil(need / block))
        found = _pool(terms, every, prefix, filters, title=title, size=size, with_text=not title or not every)
        for position, (pk, title_terms, text_terms, dated) in enumerate(found):
            title_counts = _occurrences(terms, prefix, title_terms or "")
            text_counts = _occurrences(terms, prefix, text_terms or "") if text_terms else [0] * len(terms)
            rows.append([position // block, stage, pk, title_counts, text_counts, len((title_terms or "").split()),
                         (text_terms or "").count(" ") + 1 if text_terms else 0, dated])
    if not rows:
        return []
    title_average = sum(row[5] for row in rows) / len(rows)
    text_average = sum(row[6] for row in rows) / len(rows)
    keyed = []
    for block, stage, pk, title_counts, text_counts, title_length, text_length, dated in rows:
        score = TITLE_WEIGHT * _bm25(title_counts, title_length, title_average) + _bm25(
            text_counts, text_length, text_average)
        coverage = 0 if every else sum(1 for a, b in zip(title_counts, text_counts) if a or b)
        keyed.append((block, -coverage, stage, -score, pk, dated))
    # By block, then (matching any word) more words first, title matches before text ones, score, then the
    # newer page (stable sorts: the last key first; SQLite's cursor gives the date as ISO text, which sorts alike).
    keyed.sort(key=lambda row: row[4], reverse=True)
    keyed.sort(key=lambda row: (row[5] is not None, str(row[5] or "")), reverse=True)
    keyed.sort(key=lambda row: row[:4])
    return [row[4] for row in keyed[:need]]


@contextlib.contextmanager
def _bitmap_scans():
    """On PostgreSQL, a transaction in which the planner may not walk the table (or its primary key) testing
    every row's vector, which it prefers for a common word when it expects the LIMIT to be reached early: each
    test reads a TOASTed vector, and the pages it wants may all lie at the end (2.6 s instead of 2 ms at
    100,000 items). The GIN indexes' bitmap scans are always right for these queries."""
    if connection.vendor != "postgresql":
        yield
        return
    if connection.in_atomic_block and getattr(connection, "_search_bitmap_scans", False):
        yield  # already set for this transaction
        return
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('enable_seqscan', 'off', true), "
                           "set_config('enable_indexscan', 'off', true)")
        connection._search_bitmap_scans = True
        try:
            yield
        finally:
            connection._search_bitmap_scans = False


def _ask(terms: list[str], every: bool, *, language: str, kinds, jurisdiction_id, limit: int, offset: int,
         prefix: bool = True):
    """(ids in rank order for the page, total, {kind: count}) for one way of matching: counts per kind (each
    capped at COUNT_CAP + 1), then the bounded ranking (_ranked). Matching any word, pages with more of the
    words come first, as a reader expects of "big hole in the road"."""
    filters = _Filters(language=language, jurisdiction_id=jurisdiction_id, completions=_completions(
        terms[-1], language) if prefix else ())
    by_kind = _counts(terms, every, prefix, filters)
    wanted = {kind: count for kind, count in by_kind.items() if not kinds or kind in kinds}
    total = sum(wanted.values())
    if not total or offset >= total:
        return [], total, by_kind
    ids = _ranked(terms, every, prefix, filters.but(kinds=tuple(kinds or ())), offset + limit)
    return ids[offset:offset + limit], total, by_kind


#: A typed word the index does not know is replaced by the closest word it does know: at most this many
#: edits away (a letter added, left out, changed, or two swapped) for words of up to SHORT_WORD letters, and
#: LONG_EDITS for longer ones. Words shorter than MIN_CORRECTED letters, numbers and stop words stay as typed.
SHORT_WORD = 5
SHORT_EDITS = 1
LONG_EDITS = 2
MIN_CORRECTED = 3


def _known(words: list[str], language: str) -> set[str]:
    """Which of `words` the stored vocabulary (SearchWord) holds in `language`."""
    if not words:
        return set()
    return set(SearchWord.objects.filter(language=language, kind=SearchWord.WORD, word__in=words)
               .values_list("word", flat=True))


def candidates(word: str, language: str) -> dict[str, int]:
    """{word: entries} of the stored vocabulary that could be within reach of `word`: a length at most the
    allowed edits away, and a first or second letter among the typed word's first two (an edit at the start
    moves or changes only one of them). A few hundred words at most, from an index, instead of every word."""
    edits = SHORT_EDITS if len(word) <= SHORT_WORD else LONG_EDITS
    letters = {word[:1], word[1:2]} - {""}
    found = SearchWord.objects.filter(
        Q(first__in=letters) | Q(second__in=letters), language=language, kind=SearchWord.WORD,
        length__gte=len(word) - edits, length__lte=len(word) + edits)
    return dict(found.values_list("word", "entries"))


def closest_word(word: str, known: dict[str, int]) -> str:
    """The word of `known` ({word: entries}) fewest edits away from `word` (OSA distance: SHORT_EDITS for
    short words, LONG_EDITS for long ones), the more frequent one on a tie; "" when none is close enough."""
    limit = SHORT_EDITS if len(word) <= SHORT_WORD else LONG_EDITS
    if not known:
        return ""
    found = process.extract(word, list(known), scorer=OSA.distance, score_cutoff=limit, limit=None)
    if not found:
        return ""
    best = min(found, key=lambda item: (item[1], -known[item[0]], item[0]))
    return best[0]


def correct(query: str, language: str) -> str:
    """`query` with each word the index does not know replaced by closest_word() among its candidates();
    "" when nothing changed. Reads the stored vocabulary (SearchWord): one query for the words it knows, one
    per unknown word."""
    typed = [(word, text.fold(word)) for word in text.words(query)]
    wanted = [folded for _word, folded in typed if len(folded) >= MIN_CORRECTED and not folded.isdigit()
              and folded not in STOP_WORDS and folded not in text.QUESTION_WORDS]
    known = _known(wanted, language)
    changed, out = False, []
    for word, folded in typed:
        if folded not in wanted or folded in known:
            out.append(word)
            continue
        best = closest_word(folded, candidates(folded, language))
        out.append(best or word)
        changed = changed or bool(best)
    return " ".join(out) if changed else ""


def search(query: str, *, language: str, kinds: list[str] | None = None, jurisdiction_id: int | None = None,
           page: int = 1, page_size: int = PAGE_SIZE, exact: bool = False, extracts: bool = True) -> Results:
    """Public pages matching `query` in `language` (the reader's), best first, `page_size` per page.

    When nothing has every word, the words the index does not know are corrected (correct()) and the
    corrected query's pages are shown instead if they have every word, or if the words as typed found nothing
    (Results.corrected says so); `exact` turns that off ("search for exactly what I typed"). `extracts=False`
    leaves the highlighted extracts out (suggestions show titles only).

    Pages of a jurisdiction other than `jurisdiction_id` are left out when one is given (city-wide pages
    stay). Three queries per way of matching (counts per kind, the title pass, the text pass), one for the
    entries, and on PostgreSQL one for the planner settings (_bitmap_scans()).
    """
    with _bitmap_scans():
        return _search(query, language=language, kinds=kinds, jurisdiction_id=jurisdiction_id, page=page,
                       page_size=page_size, exact=exact, extracts=extracts)


def _search(query: str, *, language: str, kinds, jurisdiction_id, page: int, page_size: int, exact: bool,
            extracts: bool) -> Results:
    language = (language or "en").split("-")[0]
    terms = text.query_terms(query, language)
    page = max(1, min(int(page), MAX_PAGE))
    empty = Results(query=query, terms=terms, results=[], total=0, page=page, pages=0, by_kind={})
    if not terms:
        return empty
    options = dict(language=language, kinds=kinds, jurisdiction_id=jurisdiction_id, limit=page_size,
                   offset=(page - 1) * page_size)
    ids, total, by_kind, partial = _ask_every_then_any(terms, options)
    corrected = ""
    if not exact and (partial or not by_kind):
        corrected = correct(query, language)
        corrected_terms = text.query_terms(corrected, language) if corrected else []
        better = None
        if corrected_terms:
            better = _ask_every_then_any(corrected_terms, options)
        if better is not None and better[2] and (not better[3] or not by_kind):
            ids, total, by_kind, partial = better
            terms = corrected_terms
        else:
            corrected = ""
    entries = SearchEntry.objects.only("title", "url", "kind", "body", "dated", "jurisdiction_id").in_bulk(ids)
    labels = dict(registry.kinds())
    results = []
    for pk in ids:
        entry = entries.get(pk)
        if entry is None:
            continue
        results.append(Result(
            title=entry.title, url=entry.url, kind=entry.kind, label=str(labels.get(entry.kind, entry.kind)),
            # escaped by snippet(); <mark> only
            extract=mark_safe(text.snippet(entry.body, terms, language) if extracts else ""),
            dated=entry.dated, jurisdiction_id=entry.jurisdiction_id))
    by_kind, more = _capped(by_kind)
    total = sum(count for kind, count in by_kind.items() if not kinds or kind in kinds)
    return Results(query=query, terms=terms, results=results, total=total, page=page,
                   pages=min(MAX_PAGE, math.ceil(total / page_size)), partial=partial, by_kind=by_kind,
                   corrected=corrected, more=more, total_more=any(not kinds or kind in kinds for kind in more))


def _ask_every_then_any(terms: list[str], options: dict):
    """Pages with every term as typed ("park" finds "parks", not "parkway"); else with every term, the last one
    as the start of a word ("streetl" finds "streetlight"); else pages with any term (partial=True)."""
    ids, total, by_kind = _ask(terms, True, prefix=False, **options)
    if not by_kind:
        ids, total, by_kind = _ask(terms, True, **options)
    if not by_kind and len(terms) > 1:
        ids, total, by_kind = _ask(terms, False, **options)
        return ids, total, by_kind, bool(by_kind)
    return ids, total, by_kind, False


# --- answers before a report ---------------------------------------------------------------------------

#: answers_for() offers a page when the description's words it holds weigh at least this much: a word in
#: the page's title weighs 2, a word only in its text 1, and a word found in more than COMMON_SHARE of the
#: answer pages of that language (when there are at least COMMON_MIN_PAGES) half that. And the page must
#: hold at least two of the words when the description has three or more ("a dog barking on my street" is
#: not answered by "Street sweeping schedule").
ANSWER_MIN_SCORE = 2.0
ANSWER_MIN_WORDS = 2
COMMON_SHARE = 0.4
COMMON_MIN_PAGES = 5
#: The best-ranked candidates (by the database's rank) that answers_for() scores.
ANSWER_CANDIDATES = 50


@dataclass
class Answer:
    """A public page of an answer source that matches a resident's description."""

    entry_id: int
    title: str
    url: str
    label: str
    extract: SafeString
    score: float


def _jurisdiction_id(jurisdiction) -> int | None:
    return getattr(jurisdiction, "pk", jurisdiction)


def _answer_counts(terms: list[str], language: str) -> tuple[int, dict[str, int]]:
    """(how many answer pages in `language`, {term: how many of them hold it}) from the stored vocabulary
    (SearchWord.ANSWER_TERM rows, kept as entries are written): one small query, whatever the number of pages.
    Counted over every jurisdiction."""
    rows = dict(SearchWord.objects.filter(language=language, kind=SearchWord.ANSWER_TERM, word__in=["", *terms])
                .values_list("word", "entries"))
    return rows.get("", 0), {term: rows.get(term, 0) for term in terms}


def _answer_candidates(terms: list[str], filters: _Filters) -> list[tuple[int, str, str]]:
    """(id, title terms, text terms) of the best-ranked ANSWER_CANDIDATES answer pages holding any of `terms`
    (the bounded ranking of _ranked())."""
    with _bitmap_scans():
        ids = _ranked(terms, False, False, filters, ANSWER_CANDIDATES)
    found = {pk: (pk, title_terms, body_terms) for pk, title_terms, body_terms in
             SearchEntry.objects.filter(pk__in=ids).values_list("id", "title_terms", "body_terms")}
    return [found[pk] for pk in ids if pk in found]


def answers_for(description: str, language: str, jurisdiction=None, limit: int = 3) -> list[Answer]:
    """The best public pages of the answer sources (Source.answers) for a resident's own description of a
    problem ("the bin was not emptied this week"), at most `limit`, best first; [] when no page is relevant
    enough (ANSWER_MIN_SCORE) or no source gives answers.

    Words that say nothing about the subject are left out (text.description_terms); pages are ranked by how
    much of the description they cover (a word in the title counts double, a word most answer pages share
    counts half), then by the database's rank. `jurisdiction` (an object or its id) keeps other
    jurisdictions' pages out; city-wide pages stay. Three queries; the description is never stored.
    """
    language = (language or "en").split("-")[0]
    sources = registry.answer_sources()
    terms = text.description_terms(description, language)
    if not sources or not terms or limit <= 0:
        return []
    filters = _Filters(language=language, jurisdiction_id=_jurisdiction_id(jurisdiction), sources=tuple(sources))
    candidates = _answer_candidates(terms, filters)
    if not candidates:
        return []
    pages, counts = _answer_counts(terms, language)
    common = {term for term, count in counts.items()
              if pages >= COMMON_MIN_PAGES and count > COMMON_SHARE * pages}
    needed = 1 if len(terms) <= 2 else ANSWER_MIN_WORDS
    scored = []
    for order, (pk, title_terms, body_terms) in enumerate(candidates):
        in_title, in_text = set(title_terms.split()), set(body_terms.split())
        score = 0.0
        matched = []
        for term in terms:
            weight = 2.0 if term in in_title else 1.0 if term in in_text else 0.0
            if weight:
                matched.append(term)
                score += weight / 2 if term in common else weight
        if score >= ANSWER_MIN_SCORE and len(matched) >= needed:
            scored.append((-score, order, pk, matched))
    scored.sort()
    best = scored[:limit]
    entries = SearchEntry.objects.in_bulk([pk for _score, _order, pk, _matched in best])
    labels = dict(registry.kinds())
    answers = []
    for negative, _order, pk, matched in best:
        entry = entries.get(pk)
        if entry is not None:
            answers.append(Answer(
                entry_id=entry.pk, title=entry.title, url=entry.url, label=str(labels.get(entry.kind, entry.kind)),
                extract=mark_safe(text.snippet(entry.body, matched, language, size=24)),  # escaped by snippet()
                score=-negative))
    return answers


# --- suggestions as you type ---------------------------------------------------------------------------

#: Suggestions offered under a search box as someone types.
SUGGESTIONS = 6


def suggestions(query: str, language: str, *, limit: int = SUGGESTIONS) -> list[dict]:
    """What to offer under a search box for what has been typed so far: the request's tracking page when it
    is a public request's tracking number, else the best public pages (the last word read as the start of a
    word when nothing has it whole), each {"title", "url", "label"}. When nothing matches what was typed, the
    misspelled words are corrected from the stored vocabulary (correct(): "prmit" suggests the permit pages);
    a word being typed that starts a known word is never "corrected", since it finds pages first."""
    from django.utils.translation import gettext

    jump = registry.jump_for(query)
    if jump is not None and jump.url:
        return [{"title": gettext("Follow request %s") % query.strip().upper(), "url": jump.url,
                 "label": gettext("Track a request")}]
    found = search(query, language=language, page_size=limit, exact=True, extracts=False)
    if not found.results:
        found = search(query, language=language, page_size=limit, extracts=False)
    return [{"title": result.title, "url": result.url, "label": result.label} for result in found.results]
