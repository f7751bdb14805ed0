"""Generated request history for training and measuring the category suggester (tests, bench/triage.py).

The texts come from the Riverbend catalogue's demo reports (civicdesk/cities/data/riverbend/catalogue.json:
two to five short English and Spanish reports per kind), varied with everyday openings and endings
("Hi,", "please fix", "near the school"), house numbers and an occasional typo. That is far more regular
than what residents really write, so accuracy measured on it is optimistic; the hand-written phrasings in
triage/data/kind_phrasings.jsonl and the imported history sample triage/data/imported_history_sample.jsonl,
never used for training, are the honest tests (docs/triage.md).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from functools import cache
from pathlib import Path

from django.utils import timezone

DATA = Path(__file__).resolve().parents[1] / "cities" / "data" / "riverbend"
PHRASINGS_FILE = Path(__file__).resolve().parent / "data" / "kind_phrasings.jsonl"
#: Residents' requests as a city's old system exports them (Open311 JSON Lines with a "language"), loaded
#: through `import_311` by bench/triage.py and held out from training (docs/triage.md).
IMPORTED_HISTORY_FILE = Path(__file__).resolve().parent / "data" / "imported_history_sample.jsonl"

OPENINGS = {
    "en": ["", "", "", "Hi, ", "Hello, ", "Please help: ", "Reporting that ", "FYI ", "Again: "],
    "es": ["", "", "", "Hola, ", "Buenas, ", "Por favor: ", "Quiero reportar que ", "Otra vez: "],
}
ENDINGS = {
    "en": ["", "", "", " Please fix.", " Thanks.", " It has been like this for a week.", " Near the school.",
           " On the corner of {n}th Street.", " In front of {n} Oak Ave.", " Second time I report this."],
    "es": ["", "", "", " Gracias.", " Por favor arréglenlo.", " Lleva así una semana.", " Cerca de la escuela.",
           " Frente al número {n}.", " Es la segunda vez que lo reporto."],
}


@cache
def catalogue() -> dict[str, dict]:
    """The Riverbend catalogue's kinds by code, with their Arabic name and keywords added."""
    kinds = {spec["code"]: spec for spec in json.loads((DATA / "catalogue.json").read_text("utf-8"))["service_types"]}
    arabic = json.loads((DATA / "arabic.json").read_text("utf-8"))["service_types"]
    for code, spec in arabic.items():
        if code in kinds:
            kinds[code] = {**kinds[code], "arabic": spec}
    return kinds


def phrasings() -> list[dict]:
    """The hand-written held-out phrasings: dicts of kind (code), language and text."""
    lines = PHRASINGS_FILE.read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip() and not line.startswith("#")]


def _in(value, language: str) -> str:
    """A catalogue value in `language`: a {language: text} map, or plain text that is English."""
    return value.get(language, "") if isinstance(value, dict) else (value if language == "en" else "")


def install_kinds(codes=None) -> dict:
    """Service types for these catalogue codes (all by default), created from the catalogue when missing
    (name and keywords in English, Spanish and Arabic); existing ones are used as they are."""
    from civicdesk.catalog.models import ServiceType

    kinds = catalogue()
    made = {}
    for code in codes or kinds:
        spec = kinds[code]
        arabic = spec.get("arabic", {})
        made[code], _created = ServiceType.objects.get_or_create(code=code, defaults={
            "name": _in(spec["name"], "en"), "name_en": _in(spec["name"], "en"), "name_es": _in(spec["name"], "es"),
            "name_ar": arabic.get("name", ""), "keywords_en": _in(spec.get("keywords", ""), "en"),
            "keywords_es": _in(spec.get("keywords", ""), "es"), "keywords_ar": arabic.get("keywords", ""),
            "is_private": bool(spec.get("private"))})
    return made


def _typo(text: str, rng: random.Random) -> str:
    """The text with one letter dropped or two swapped, as thumbs do."""
    spots = [i for i in range(1, len(text) - 2) if text[i].isalpha() and text[i + 1].isalpha()]
    if not spots:
        return text
    i = rng.choice(spots)
    return text[:i] + text[i + 1:] if rng.random() < 0.5 else text[:i] + text[i + 1] + text[i] + text[i + 2:]


def descriptions(code: str, language: str, count: int, rng: random.Random) -> list[str]:
    """`count` generated descriptions of kind `code` in `language` ("en" or "es"; English when the kind has no
    report in that language)."""
    reports = catalogue()[code].get("demo", {}).get("reports", {})
    base = reports.get(language) or reports.get("en") or []
    lang = language if reports.get(language) else "en"
    if not base:
        return []
    made = []
    for _ in range(count):
        text = rng.choice(OPENINGS[lang]) + rng.choice(base) + rng.choice(ENDINGS[lang]).format(n=rng.randint(2, 99))
        if rng.random() < 0.15:
            text = _typo(text, rng)
        if rng.random() < 0.3:
            text = text.lower()
        made.append(text)
    return made


def make_history(jurisdiction, kinds: dict, *, per_kind: int = 20, spanish_share: float = 0.2,
                 seed: int = 19, lat: float = 0.0, long: float = 0.0) -> int:
    """Store `per_kind` generated requests of each kind (dict code → ServiceType) in `jurisdiction`, a
    `spanish_share` of them in Spanish, spread over the last year; returns how many. For tests and the bench:
    no routing, no timeline, no notifications."""
    from civicdesk.catalog.models import Status
    from civicdesk.servicerequests.models import ServiceRequest

    rng = random.Random(seed)
    status = Status.objects.get(code="submitted")
    now = timezone.now()
    rows = []
    for code, service_type in kinds.items():
        for _ in range(per_kind):
            language = "es" if rng.random() < spanish_share else "en"
            text = descriptions(code, language, 1, rng)
            rows.append(ServiceRequest(
                jurisdiction=jurisdiction, service_type=service_type, status=status, lat=lat, long=long,
                description=text[0] if text else "", language=language, is_private=service_type.is_private,
                requested_at=now - dt.timedelta(minutes=rng.randint(1, 525_600))))
    ServiceRequest.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


#: Kinds of the tests' small history: a few easily confused neighbours (trash/recycling, light/signal).
TEST_CODES = ["pothole", "missed-trash", "missed-recycling", "streetlight-out", "traffic-signal", "graffiti", "noise",
              "rodents", "tree-down", "records-request"]


def trained_for_tests(jurisdiction, codes=None, *, per_kind: int = 15) -> dict:
    """Install these catalogue kinds (TEST_CODES by default), store a generated history of `per_kind` requests
    each in `jurisdiction`, train and activate its jurisdiction-wide model; returns the kinds by code."""
    from .suggest import train

    kinds = install_kinds(codes or TEST_CODES)
    make_history(jurisdiction, kinds, per_kind=per_kind)
    train(jurisdiction)
    return kinds
