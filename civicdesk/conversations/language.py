"""Which language a resident writes in: a keyword they chose, Arabic script, or Spanish and English stopwords."""

from __future__ import annotations

import re
import unicodedata

#: Whole-message keywords that choose the language of the conversation.
KEYWORDS = {
    "es": "es", "esp": "es", "espanol": "es", "spanish": "es", "castellano": "es",
    "en": "en", "eng": "en", "english": "en", "ingles": "en",
    "ar": "ar", "arabic": "ar", "عربي": "ar", "العربية": "ar", "عربى": "ar",
}

_SPANISH = frozenset("""el la los las de del en una un unos hay que por para calle frente esta está estan no se
mi con basura luz farola bache hoyo agua hola buenas dias gracias donde dónde tiene sin desde hace semana casa
muy pero como cómo roto rota nadie recogio recogió lleva al y o""".split())
_ENGLISH = frozenset("""the a an is in on of there out front street my and to not with for light trash hole hi
hello please thanks where has have been this that week house very but broken nobody picked up at it our""".split())
_ARABIC = re.compile(r"[\u0600-\u06FF]")


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def chosen_language(text: str) -> str:
    """The language a whole-message keyword chooses ("ESPAÑOL", "ES", "English", "عربي"), or ""."""
    word = _fold(text.strip().strip(".!¡"))
    return KEYWORDS.get(word, "")


def detect_language(text: str, *, default: str = "en") -> str:
    """"ar" for mostly Arabic script, else "es" or "en" by which stopwords the words hit; `default` on a tie.

    Cheap on purpose: a conversation's language only picks the texts we answer with, and the resident can
    always switch with a keyword.
    """
    letters = [ch for ch in text if ch.isalpha()]
    if letters and sum(1 for ch in letters if _ARABIC.match(ch)) * 2 >= len(letters):
        return "ar"
    words = re.findall(r"[^\W\d_]+", text.lower())
    spanish = sum(1 for w in words if w in _SPANISH or _fold(w) in _SPANISH)
    english = sum(1 for w in words if w in _ENGLISH)
    if any(ch in text for ch in "ñ¿¡áéíóú"):
        spanish += 1
    if spanish > english:
        return "es"
    if english > spanish:
        return "en"
    return default
