"""Forgiving emergency-phrase matching: word variants, run-together words, any order in a short window.

`Matcher.check(*texts)` answers which configured phrases a report matches, split into
- `stop`: phrases of action "stop" matched with exact words (after normalising): the report is refused
  with "call 911";
- `flag`: phrases of action "flag", and "stop" phrases matched only loosely (a word recognised by a
  fuzzy spelling match): the report is accepted but flagged for staff to look at first.

How a text is read (see also civicdesk/lib/wording.py):
1. it is split into words; stop words ("the", "is", "de", "la") are dropped; each word is stemmed, so
   smell/smells/smelling/smelled meet;
2. a word listed as a variant (EmergencyWordVariant: odour → odor, huele → olor) becomes its word;
3. a word unknown to every phrase is tried as two known words run together ("gasleak");
4. a word still unknown, of five letters or more, is matched to the nearest known word when
   rapidfuzz's ratio is 85 or more: a *loose* word ("unconcious", "monoxcide").
A phrase matches when all its words appear within (number of words + window) consecutive words, in any
order, and none of its `except_near` words is within two words of that span.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from civicdesk.lib.wording import STOP_WORDS, split_joined, split_list, stem, stems, words

#: Words a fuzzy match may correct: shorter ones have too many real neighbours ("light"/"fight").
FUZZY_MIN_LENGTH = 5
FUZZY_MIN_SCORE = 85
#: How near (in words) an `except_near` word must be to cancel a match.
EXCEPTION_REACH = 2
_BREAK = "\x00"


@dataclass(frozen=True)
class Rule:
    """One configured phrase, ready to match."""

    phrase: str
    action: str
    keys: frozenset[str]
    window: int
    exceptions: tuple[frozenset[str], ...]


@dataclass(frozen=True)
class Word:
    key: str        # the canonical stem used for matching
    stem: str       # the word's own stem (for exceptions)
    loose: bool     # recognised only by a fuzzy spelling match


@dataclass
class Detection:
    """What a text matched: phrases that stop it, and phrases that only flag it."""

    stop: list[str] = field(default_factory=list)
    flag: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.stop or self.flag)


class Matcher:
    """Phrases and word variants compiled once (cached per process by triage.services)."""

    def __init__(self, phrases: list[dict], variants: dict[str, list[str]]):
        """`phrases`: dicts with phrase, action, window, except_near (comma list); `variants`: word → variants."""
        self.canonical: dict[str, str] = {}
        #: Variants of several words ("passed out" → unconscious), longest first.
        self.multi: list[tuple[tuple[str, ...], str]] = []
        for word, others in variants.items():
            key = self._key_of_phrase_word(word)
            for other in others:
                parts = tuple(p for p in stems(other) if p)
                if len(parts) == 1 and parts[0] != key:
                    self.canonical.setdefault(parts[0], key)
                elif len(parts) > 1:
                    self.multi.append((parts, key))
        self.multi.sort(key=lambda item: -len(item[0]))
        # Phrases that read the same after normalising ("fire", "on fire", "fuego") are one rule: it stops if
        # any of them stops, allows the widest window, and every one's "not when next to" words apply.
        merged: dict[frozenset[str], dict] = {}
        for spec in phrases:
            keys = frozenset(self._key_of_phrase_word(w) for w in words(spec["phrase"]) if w not in STOP_WORDS)
            keys = frozenset(k for k in keys if k)
            if not keys:
                continue
            exceptions = [frozenset(stems(item)) for item in split_list(spec.get("except_near", ""))]
            rule = merged.setdefault(keys, {"phrase": spec["phrase"], "action": "flag", "window": 0,
                                            "exceptions": set()})
            if spec.get("action", "stop") == "stop":
                rule["action"] = "stop"
            rule["window"] = max(rule["window"], int(spec.get("window", 3)))
            rule["exceptions"].update(e for e in exceptions if e)
        self.rules: list[Rule] = [
            Rule(phrase=r["phrase"], action=r["action"], keys=keys, window=r["window"],
                 exceptions=tuple(r["exceptions"]))
            for keys, r in merged.items()]
        self.vocabulary = frozenset(k for rule in self.rules for k in rule.keys)
        self._known = frozenset(self.vocabulary | self.canonical.keys())
        # Fuzzy matching may land on a phrase word or on one of its variants.
        self._fuzzy_targets = sorted(
            {k for k in self.vocabulary if len(k) >= FUZZY_MIN_LENGTH}
            | {v for v, k in self.canonical.items() if k in self.vocabulary and len(v) >= FUZZY_MIN_LENGTH})

    def _key_of_phrase_word(self, word: str) -> str:
        key = stem(word)
        return self.canonical.get(key, key)

    def _read(self, text: str) -> list[Word]:
        read: list[Word] = []
        known = self._known
        plain = [(raw, stem(raw)) for raw in words(text) if raw not in STOP_WORDS]
        i = 0
        while i < len(plain):
            for sequence, key in self.multi:
                if tuple(own for _, own in plain[i:i + len(sequence)]) == sequence:
                    read.append(Word(key, " ".join(sequence), False))
                    i += len(sequence)
                    break
            else:
                read.extend(self._read_word(*plain[i], known))
                i += 1
        return read

    def _read_word(self, raw: str, own: str, known: frozenset[str]) -> list[Word]:
        """One word as matching sees it: itself, its variant's word, two joined words, or a fuzzy guess."""
        key = self.canonical.get(own, own)
        if key in self.vocabulary or own in known:
            return [Word(key, own, False)]
        parts = split_joined(raw, known) if len(raw) >= 6 else None
        if parts:
            return [Word(self.canonical.get(p, p), p, False) for p in parts]
        if len(own) >= FUZZY_MIN_LENGTH and not own.isdigit() and self._fuzzy_targets:
            best = process.extractOne(own, self._fuzzy_targets, scorer=fuzz.ratio,
                                      score_cutoff=FUZZY_MIN_SCORE)
            if best is not None:
                target = best[0]
                return [Word(self.canonical.get(target, target), own, True)]
        return [Word(key, own, False)]

    def _match(self, rule: Rule, text: list[Word]) -> str | None:
        """"strong", "loose" or None: the best span of `text` holding all of the rule's words."""
        span = len(rule.keys) + rule.window
        best = None
        for start, first in enumerate(text):
            if first.key not in rule.keys:
                continue
            found: dict[str, bool] = {}
            for end in range(start, min(len(text), start + span)):
                word = text[end]
                if word.key == _BREAK:
                    break
                if word.key in rule.keys:
                    found[word.key] = found.get(word.key, True) and word.loose
                if len(found) == len(rule.keys):
                    if not self._excepted(rule, text, start, end):
                        strength = "loose" if any(found.values()) else "strong"
                        if strength == "strong":
                            return strength
                        best = strength
                    break
        return best

    @staticmethod
    def _excepted(rule: Rule, text: list[Word], start: int, end: int) -> bool:
        if not rule.exceptions:
            return False
        lo, hi = max(0, start - EXCEPTION_REACH), min(len(text), end + EXCEPTION_REACH + 1)
        near = {w.stem for w in text[lo:hi]} | {w.key for w in text[lo:hi]}
        return any(exception <= near for exception in rule.exceptions)

    def check(self, *texts: str) -> Detection:
        """The phrases the texts match (each text read on its own: a phrase never spans two texts)."""
        read: list[Word] = []
        for text in texts:
            if text:
                read.extend(self._read(text))
                read.append(Word(_BREAK, _BREAK, False))
        result = Detection()
        for rule in self.rules:
            strength = self._match(rule, read)
            if strength == "strong" and rule.action == "stop":
                result.stop.append(rule.phrase)
            elif strength is not None:
                result.flag.append(rule.phrase)
        return result
