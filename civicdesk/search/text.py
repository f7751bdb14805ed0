"""Words for the search index: the same tokens, stems and folding for what is indexed and what is asked.

Both databases index the *terms* computed here (Snowball stems, accents folded), so a query finds the same
entries on SQLite (FTS5) and PostgreSQL (a tsvector of the terms with the 'simple' configuration): "baches"
finds "Bache", "potholes" finds "Pothole", "electrico" finds "eléctrico", and a word being typed ("stree")
finds "Streetlight out" by prefix.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from functools import lru_cache

import snowballstemmer

from civicdesk.lib.wording import STOP_WORDS

#: Snowball algorithm per site language; any other language is only folded, not stemmed.
STEMMERS = {"en": "english", "es": "spanish", "ar": "arabic", "fr": "french", "pt": "portuguese", "de": "german",
            "it": "italian"}
#: Words longer than this are cut (a pasted URL or token would otherwise bloat the index).
MAX_WORD = 40
#: At most this many words of one query count (the rest are ignored, said on the page).
MAX_QUERY_WORDS = 12

#: Words of a question that say nothing about its subject ("how do I get rid of a mattress").
QUESTION_WORDS = frozenset(
    "how what when where who why which do does did can could should would get i need want about "
    "como que cuando donde quien por puedo necesito quiero hacer".split())

#: Letters, digits and underscore, plus the combining marks written inside words: accents typed as separate
#: marks (decomposed "é") and Arabic short vowels (harakat), which must not split "مُكتبة" in two.
_WORD_CHARS = "\\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
_WORD = re.compile(f"[{_WORD_CHARS}]+")


def fold(text: str) -> str:
    """Lower case without accents: "Recolección" → "recoleccion"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=16)
def _stemmer(language: str):
    algorithm = STEMMERS.get((language or "").split("-")[0])
    return snowballstemmer.stemmer(algorithm) if algorithm else None


def words(text: str) -> list[str]:
    """The words of `text`, lower case, underscores and digits kept ("4B" → "4b"), each at most MAX_WORD long."""
    return [word[:MAX_WORD] for word in _WORD.findall((text or "").casefold().replace("_", " "))]


def terms(text: str, language: str) -> list[str]:
    """The index terms of `text` in `language`: each word folded, then stemmed (folding first, so a word typed
    without its accents stems exactly as the accented one: "tuberia" and "tubería" meet)."""
    return [term for term in (_term(word, language) for word in words(text)) if term]


@lru_cache(maxsize=200_000)
def _term(word: str, language: str) -> str:
    """One word's term, cached: a site's words repeat, and Snowball in pure Python is the indexing's and the
    extracts' main cost."""
    stemmer = _stemmer(language)
    folded = fold(word)
    return stemmer.stemWord(folded) if stemmer is not None else folded


def terms_text(text: str, language: str) -> str:
    """terms() joined by spaces: the column the databases index."""
    return " ".join(terms(text, language))


def query_terms(query: str, language: str) -> list[str]:
    """The distinct terms of what a resident typed, in order, at most MAX_QUERY_WORDS, without words that
    carry no meaning ("the", "de", "how"...) unless nothing else is left. Punctuation and operators mean
    nothing (an apostrophe, a quote, "AND", "*" or "-" cannot change the query's shape)."""
    typed = words(query)
    meaningful = [word for word in typed if fold(word) not in STOP_WORDS and fold(word) not in QUESTION_WORDS]
    seen: list[str] = []
    for term in terms(" ".join(meaningful or typed), language):
        if term not in seen:
            seen.append(term)
    return seen[:MAX_QUERY_WORDS]


#: Words of a report's description that say nothing about which answer helps ("I want to report a problem").
REPORT_WORDS = frozenset(
    "report reported reporting problem problems issue issues please help thanks thank hello hi city "
    "reportar reporte problema problemas favor ayuda gracias hola ciudad".split())
#: At most this many words of a description count for answers_for() (a long story keeps its first ones).
MAX_DESCRIPTION_WORDS = 24


def description_terms(description: str, language: str) -> list[str]:
    """The distinct terms of a resident's own description of a problem, in order: like query_terms() without
    the words that say nothing about the subject, but never falling back to them (a description of only
    such words has no terms)."""
    meaningful = [word for word in words(description)
                  if (folded := fold(word)) not in STOP_WORDS and folded not in QUESTION_WORDS
                  and folded not in REPORT_WORDS and not folded.isdigit()]
    seen: list[str] = []
    for term in terms(" ".join(meaningful), language):
        if term not in seen and len(term) > 1:
            seen.append(term)
    return seen[:MAX_DESCRIPTION_WORDS]


#: How much of a long text snippet() reads at first, then next, before it reads the rest (characters).
SNIPPET_SCAN = (600, 4000)
_TOKENS_SPLIT = re.compile(f"([{_WORD_CHARS}]+)|[^{_WORD_CHARS}]+")


@lru_cache(maxsize=100_000)
def _token_terms(key: str, language: str) -> tuple[str, ...]:
    """The terms of one word as a text shows it (casefolded), cached across extracts: a site's words repeat."""
    return tuple(terms(key, language))


def snippet(text: str, wanted: list[str], language: str, *, size: int = 30) -> str:
    """An HTML extract of `text` (about `size` words) around the place where most of the `wanted` terms meet,
    with the matching words in <mark>. Everything is escaped; only the <mark> tags are markup. A word
    matches when one of its terms starts with a wanted term (the last word of a query may be unfinished)."""
    prefixes = tuple(wanted)
    decided: dict[str, bool] = {}  # a long text repeats its words: decide each distinct word once

    def matches(token: str) -> bool:
        key = token.casefold()
        found = decided.get(key)
        if found is None:
            found = decided[key] = bool(prefixes) and any(
                term.startswith(prefixes) for term in _token_terms(key, language))
        return found

    # The start of a long text first (where the extract almost always is), more of it only when the start
    # holds none of the words: a results page makes 20 extracts, and a document's text runs to 20,000 characters.
    text = text or ""
    scans = [text[:limit] for limit in SNIPPET_SCAN if len(text) > limit] + [text]
    for scanned in scans:
        truncated = len(scanned) < len(text)
        split = [(match.group(0), match.group(1) is not None) for match in _TOKENS_SPLIT.finditer(scanned)]
        if truncated:
            split = split[:-1]  # the last one may be a word cut in two
        tokens = [token for token, _is_word in split]
        positions = [i for i, (_token, is_word) in enumerate(split) if is_word]
        hits = [n for n, i in enumerate(positions) if matches(tokens[i])]
        if hits:
            break
    if not positions:
        return ""
    best_start, best_count = 0, -1
    for n in hits or [0]:
        start = max(0, n - size // 3)
        count = bisect.bisect_left(hits, start + size) - bisect.bisect_left(hits, start)
        if count > best_count:
            best_start, best_count = start, count
    last_word = min(best_start + size, len(positions)) - 1
    marked = {positions[n] for n in hits}
    parts = ["… " if best_start > 0 else ""]
    end = positions[last_word] + 1
    if end < len(tokens) and tokens[end].strip() in {".", "!", "?", ".)", ")", "»", "”"}:
        end += 1  # the sentence's own full stop, not an ellipsis, when the extract ends where it does
    for i in range(positions[best_start], end):
        token = html.escape(tokens[i])
        parts.append(f"<mark>{token}</mark>" if i in marked else token)
    if last_word < len(positions) - 1 or truncated:
        parts.append(" …")
    return "".join(parts).strip()
