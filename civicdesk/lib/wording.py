"""Word normalising for forgiving matching (emergency phrases, category search), English and Spanish.

A small documented suffix-stripper, not a full stemmer (no maintained one is installed):
`stem("smelling") == stem("smells") == stem("smelled") == stem("smell") == "smel"`, and
`stem("heridos") == stem("herida") == "herid"`. The rules, in order:

1. the word is folded (lower case, no accents: `lib.text.fold`);
2. doubled letters are collapsed ("gass" → "gas", "smell" → "smel"), which also absorbs the commonest
   misspellings ("acident", "bleding");
3. words of four letters or more lose one ending from `_SUFFIXES` (longest first), keeping a stem of at
   least three letters ("sparking" → "spark", "injuries" → "injury", "caídos" → "caid");
4. then a final vowel or "y" goes ("smoke" → "smok", "injury" → "injur", "fuego" → "fueg"), so
   English -e/-y and Spanish gender endings meet;
5. doubled letters are collapsed again.

The same function is applied to the configured phrases and to the text, so what matters is that the
variants of one word meet, not that the stem is a real word. Collisions are rare and tested with real
phrasings (civicdesk/triage/data/, civicdesk/intake/data/).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .text import fold

_DOUBLES = re.compile(r"(\w)\1+")
# Longest first. English verb/plural endings, then Spanish ones (already folded: no accents).
_SUFFIXES = (
    "amientos", "imientos", "amiento", "imiento", "aciones", "iendo", "ando", "acion", "mente",
    "ings", "ness", "ing", "ied", "ies", "ed", "es", "s",
)
_FINAL = "aeoy"

#: Words that carry no meaning for matching. Negations ("not", "no") are deliberately NOT here:
#: "not breathing" must stay two words.
STOP_WORDS = frozenset(
    "a an the of is are was were be been being am to in on at by for from it its this that these those my our "
    "your their his her there here and or so just very really some any i we you he she they me us them s t "
    "de del la las el los lo un una unos unas en por para y o que al se mi mis su sus es esta este estan hay "
    "con".split()
)


def collapse(word: str) -> str:
    """The word with each run of a repeated letter reduced to one ("gass" → "gas")."""
    return _DOUBLES.sub(r"\1", word)


#: Arabic: the article and the conjunctions or prepositions written onto it ("الغاز", "والغاز", "بالغاز" → "غاز").
_AR_ARTICLES = ("وال", "بال", "فال", "كال", "لل", "ال")


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """The matching key of one word (see the module docstring); "" stays ""."""
    w = fold(word)
    for article in _AR_ARTICLES:  # before collapse(), which would make "للغاز" "لغاز"
        if w.startswith(article) and len(w) - len(article) >= 2:
            w = w[len(article):]
            break
    w = collapse(w.replace("ة", "ه").replace("ى", "ي"))  # ta marbuta and alif maqsura as residents type them
    if len(w) < 4 or w.isdigit():
        return w
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    if len(w) > 3 and w[-1] in _FINAL:
        w = w[:-1]
    return collapse(w)


def words(text: str) -> list[str]:
    """The folded words of a text, punctuation and hyphens treated as spaces ("gas-leak" → gas, leak)."""
    return fold(text).replace("_", " ").split()


def stems(text: str, *, keep_stop_words: bool = False) -> list[str]:
    """The stems of a text's words, stop words left out unless asked."""
    return [stem(w) for w in words(text) if keep_stop_words or w not in STOP_WORDS]


def split_joined(word: str, vocabulary: set[str] | frozenset[str]) -> list[str] | None:
    """Two known stems a run-together word is made of ("gasleak" → ["gas", "leak"]), or None.

    Both halves must be at least three letters and their stems in `vocabulary`.
    """
    w = fold(word)
    for cut in range(3, len(w) - 2):
        left, right = stem(w[:cut]), stem(w[cut:])
        if left in vocabulary and right in vocabulary:
            return [left, right]
    return None


def split_list(text: str) -> list[str]:
    """Items of a comma- (or semicolon- or newline-) separated list as staff type it, blanks left out."""
    return [item.strip() for item in re.split(r"[,;\n]", text or "") if item.strip()]
