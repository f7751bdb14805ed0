"""Writing the search index from the registered sources, and asking it (search()).

Both databases index the same terms (civicdesk.search.text), so both answer alike: SQLite through the FTS5
table `search_fts` (ranked by bm25, titles weighing 8 times the body), PostgreSQL through the GIN-indexed
tsvector column `vector` (ranked by ts_rank_cd, titles weight A, body weight B). A query first asks for
every meaningful word as typed; when none has them, every word with the last one as the start of a word (a
word being typed: "streetl"); when nothing has them all, it asks for any of them, pages with more of the words
first, and the page says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils.safestring import SafeString, mark_safe
from rapidfuzz import process
from rapidfuzz.distance import OSA

from civicdesk.lib.wording import STOP_WORDS

from . import registry, text
from .models import SearchEntry

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
    written = Written()
    keep: set[tuple[str, str]] = set()
    for document in documents:
        key = (str(document.object_id), document.language)
        if key in keep:
            continue
        keep.add(key)
        entry = _entry(source, document)
        old = existing.get(key)
        if old is None:
            entry.save()
            written.added += 1
        elif old.fingerprint != entry.fingerprint:
            entry.pk = old.pk
            entry.save()
            written.changed += 1
    gone = [entry.pk for key, entry in existing.items() if key not in keep]
    if gone:
        SearchEntry.objects.filter(pk__in=gone).delete()
        written.removed = len(gone)
    return written


def sync_all() -> Written:
    """sync_source() for every registered source, and the entries of sources no longer registered removed."""
    written = Written()
    names = []
    for source in registry.sources():
        written += sync_source(source)
        names.append(source.name)
    removed, _ = SearchEntry.objects.exclude(source__in=names).delete()
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
    #: kind -> how many pages of that kind match (for the filters), whatever kind was chosen.
    by_kind: dict[str, int] | None = None
    #: The query as corrected when nothing matched what was typed ("potholle" -> "pothole"), else "".
    corrected: str = ""


def _match_sqlite(terms: list[str], every: bool, prefix: bool = True) -> str:
    quoted = [f'"{term}"' for term in terms]
    if prefix:
        quoted[-1] += " *"
    return (" AND " if every else " OR ").join(quoted)


def _match_postgres(terms: list[str], every: bool, prefix: bool = True) -> str:
    parts = list(terms)
    if prefix:
        parts[-1] += ":*"
    return (" & " if every else " | ").join(parts)


def _where(language: str, kinds: list[str] | None, jurisdiction_id: int | None) -> tuple[str, list]:
    sql, params = ["e.language = %s"], [language]
    if kinds:
        sql.append("e.kind IN (%s)" % ", ".join(["%s"] * len(kinds)))
        params += kinds
    if jurisdiction_id is not None:
        sql.append("(e.jurisdiction_id = %s OR e.jurisdiction_id IS NULL)")
        params.append(jurisdiction_id)
    return " AND ".join(sql), params


def _ask(terms: list[str], every: bool, *, language: str, kinds, jurisdiction_id, limit: int, offset: int,
         prefix: bool = True):
    """(ids in rank order for the page, total, {kind: count}) for one way of matching. Matching any word, pages
    with more of the words come first (then by rank), as a reader expects of "big hole in the road"."""
    where, params = _where(language, None, jurisdiction_id)
    postgres = connection.vendor == "postgresql"
    if postgres:
        source = "search_searchentry e, to_tsquery('simple', %s) q"
        match, rank = "e.vector @@ q", "ts_rank_cd(e.vector, q) DESC"
        query = _match_postgres(terms, every, prefix)
    else:
        # CROSS JOIN keeps the full-text match as the outer loop: with a plain JOIN SQLite's planner walks
        # every entry of the language and asks FTS5 about each one (100 times slower at 10,000 entries). Each
        # match's filters are read from the covering index (migration 0003), not from the wide entry rows, which
        # the planner would choose without statistics.
        source = ("search_fts CROSS JOIN search_searchentry e INDEXED BY search_entry_cover "
                  "ON e.id = search_fts.rowid")
        match, rank = "search_fts MATCH %s", "bm25(search_fts, 8.0, 1.0)"
        query = _match_sqlite(terms, every, prefix)
    coverage, coverage_params = "", []
    if not every:
        parts = []
        for index, term in enumerate(terms):
            last = index == len(terms) - 1
            if postgres:
                parts.append("(e.vector @@ to_tsquery('simple', %s))::int")
                coverage_params.append(term + (":*" if last else ""))
            else:
                parts.append("(e.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s))")
                coverage_params.append(f'"{term}"' + (" *" if last else ""))
        coverage = "(" + " + ".join(parts) + ") DESC, "
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT e.kind, COUNT(*) FROM {source} WHERE {match} AND {where} GROUP BY e.kind",
                       [query, *params])
        by_kind = dict(cursor.fetchall())
        kind_sql, kind_params = "", []
        if kinds:
            kind_sql = " AND e.kind IN (%s)" % ", ".join(["%s"] * len(kinds))
            kind_params = list(kinds)
        cursor.execute(f"SELECT e.id FROM {source} WHERE {match} AND {where}{kind_sql} "
                       f"ORDER BY {coverage}{rank}, e.dated DESC, e.id LIMIT %s OFFSET %s",
                       [query, *params, *kind_params, *coverage_params, limit, offset])
        ids = [row[0] for row in cursor.fetchall()]
    total = sum(count for kind, count in by_kind.items() if not kinds or kind in kinds)
    return ids, total, by_kind


#: A typed word the index does not know is replaced by the closest word it does know: at most this many
#: edits away (a letter added, left out, changed, or two swapped) for words of up to SHORT_WORD letters, and
#: LONG_EDITS for longer ones. Words shorter than MIN_CORRECTED letters, numbers and stop words stay as typed.
SHORT_WORD = 5
SHORT_EDITS = 1
LONG_EDITS = 2
MIN_CORRECTED = 3


def vocabulary(language: str) -> dict[str, int]:
    """Every distinct word (folded, not stemmed) of the entries in `language` (titles, text and keywords),
    with the number of entries holding it. Cached until an entry changes (the cache key carries the entries'
    count and latest change)."""
    state = SearchEntry.objects.filter(language=language).aggregate(n=Count("id"), latest=Max("updated_at"))
    key = f"search:vocabulary2:{language}:{state['n']}:{state['latest'].timestamp() if state['latest'] else 0}"
    found = cache.get(key)
    if found is None:
        counts: Counter[str] = Counter()
        for title, body, keywords in SearchEntry.objects.filter(language=language).values_list(
                "title", "body", "keywords").iterator(chunk_size=1000):
            counts.update({text.fold(word) for word in text.words(f"{title} {body} {keywords}")})
        found = dict(counts)
        cache.set(key, found, 600)
    return found


def closest_word(word: str, known: dict[str, int]) -> str:
    """The word of `known` ({word: entries}) fewest edits away from `word` (OSA distance: SHORT_EDITS for
    short words, LONG_EDITS for long ones), the more frequent one on a tie; "" when none is close enough."""
    limit = SHORT_EDITS if len(word) <= SHORT_WORD else LONG_EDITS
    found = process.extract(word, list(known), scorer=OSA.distance, score_cutoff=limit, limit=None)
    if not found:
        return ""
    best = min(found, key=lambda item: (item[1], -known[item[0]], item[0]))
    return best[0]


def correct(query: str, language: str) -> str:
    """`query` with each word the index does not know replaced by closest_word(); "" when nothing changed."""
    known = vocabulary(language)
    if not known:
        return ""
    changed, out = False, []
    for word in text.words(query):
        folded = text.fold(word)
        if (folded in known or len(folded) < MIN_CORRECTED or folded.isdigit()
                or folded in STOP_WORDS or folded in text.QUESTION_WORDS):
            out.append(word)
            continue
        best = closest_word(folded, known)
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
    stay). Two queries per way of matching (counts per kind, then the page) and one for the entries.
    """
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
    entries = SearchEntry.objects.in_bulk(ids)
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
    return Results(query=query, terms=terms, results=results, total=total, page=page,
                   pages=min(MAX_PAGE, math.ceil(total / page_size)), partial=partial, by_kind=by_kind,
                   corrected=corrected)


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


def _answer_sql(language: str, sources: list[str], jurisdiction_id: int | None) -> tuple[str, list]:
    sql = "e.language = %s AND e.source IN (" + ", ".join(["%s"] * len(sources)) + ")"
    params: list = [language, *sources]
    if jurisdiction_id is not None:
        sql += " AND (e.jurisdiction_id = %s OR e.jurisdiction_id IS NULL)"
        params.append(jurisdiction_id)
    return sql, params


def _answer_counts(terms: list[str], where: str, params: list) -> tuple[int, dict[str, int]]:
    """(how many answer pages, {term: how many of them hold it}) in one query."""
    postgres = connection.vendor == "postgresql"
    parts, term_params = [], []
    for term in terms:
        if postgres:
            parts.append("SUM(CASE WHEN e.vector @@ to_tsquery('simple', %s) THEN 1 ELSE 0 END)")
            term_params.append(term)
        else:
            parts.append("SUM(CASE WHEN e.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s) "
                         "THEN 1 ELSE 0 END)")
            term_params.append(f'"{term}"')
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), {', '.join(parts)} FROM search_searchentry e WHERE {where}",
                       [*term_params, *params])
        row = cursor.fetchone()
    return row[0] or 0, {term: row[i + 1] or 0 for i, term in enumerate(terms)}


def _answer_candidates(terms: list[str], where: str, params: list) -> list[tuple[int, str, str]]:
    """(id, title terms, text terms) of the answer pages holding any of `terms`, best ranked first."""
    if connection.vendor == "postgresql":
        sql = (f"SELECT e.id, e.title_terms, e.body_terms FROM search_searchentry e, to_tsquery('simple', %s) q "
               f"WHERE e.vector @@ q AND {where} ORDER BY ts_rank_cd(e.vector, q) DESC, e.id LIMIT %s")
        query = _match_postgres(terms, False, prefix=False)
    else:
        sql = (f"SELECT e.id, e.title_terms, e.body_terms FROM search_fts CROSS JOIN search_searchentry e "
               f"ON e.id = search_fts.rowid WHERE search_fts MATCH %s AND {where} "
               f"ORDER BY bm25(search_fts, 8.0, 1.0), e.id LIMIT %s")
        query = _match_sqlite(terms, False, prefix=False)
    with connection.cursor() as cursor:
        cursor.execute(sql, [query, *params, ANSWER_CANDIDATES])
        return cursor.fetchall()


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
    where, params = _answer_sql(language, sources, _jurisdiction_id(jurisdiction))
    candidates = _answer_candidates(terms, where, params)
    if not candidates:
        return []
    pages, counts = _answer_counts(terms, where, params)
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
    word when nothing has it whole), each {"title", "url", "label"}. Spelling is not corrected here (the
    results page does that)."""
    from django.utils.translation import gettext

    jump = registry.jump_for(query)
    if jump is not None and jump.url:
        return [{"title": gettext("Follow request %s") % query.strip().upper(), "url": jump.url,
                 "label": gettext("Track a request")}]
    found = search(query, language=language, page_size=limit, exact=True, extracts=False)
    return [{"title": result.title, "url": result.url, "label": result.label} for result in found.results]
