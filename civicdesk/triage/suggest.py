"""Category suggestions: "Is this about a pothole?" from a resident's own words.

Public API (used by the web form, agent intake, the staff console and the conversational channels):
- `suggest_kinds(text, jurisdiction=..., language=..., limit=3)` → [Suggestion], best first;
- `train(jurisdiction, language=...)` → a new, active ClassifierModel version;
- `train_all(jurisdiction=None)` → the jurisdiction-wide model and one per language with enough history.

What it learns from: the jurisdiction's own request history (each kind's newest `rows_per_kind` descriptions,
private requests included: the model stays on the city's own servers and is never published; see
docs/triage.md), plus every kind's name and keywords in each language, so a new kind can be suggested before
it has history. It is always a suggestion: nothing here changes a request.

Serving: the active version's fitted pipeline is read from the database once per process and kept, keyed by
the row's id; each call asks the database which version is active (one small query), so a new version
trained anywhere is used by every app server on its next call, without a restart.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
import time
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from civicdesk.catalog.models import ServiceType
from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.servicerequests.models import ServiceRequest

from . import classifier
from .models import ClassifierModel

log = logging.getLogger(__name__)

#: Defaults of the settings of the same names (docs/triage.md).
TRIAGE_ROWS_PER_KIND = 5_000
TRIAGE_SUGGESTION_FLOOR = 0.15
TRIAGE_MIN_LANGUAGE_ROWS = 300
#: Versions per (jurisdiction, language) whose fitted bytes are kept (older rows keep only their numbers).
KEEP_VERSIONS = 3
#: Fewer letters than this is not a description (a stray "ok" or "hi").
MIN_LETTERS = 3


class NotEnoughHistory(ValueError):
    """Training found fewer than two kinds with described requests in the history."""


@dataclass(frozen=True)
class Suggestion:
    """One suggested kind: `confidence` is the model's probability (0..1) that the text is about it."""

    service_type: ServiceType
    confidence: float

    @property
    def percent(self) -> int:
        """The confidence as a whole percentage, for "This may be a pothole (87%)"."""
        return round(self.confidence * 100)


def _setting(name: str, default):
    return getattr(settings, name, default)


def floor() -> float:
    """The least confidence a suggestion needs to be shown (setting TRIAGE_SUGGESTION_FLOOR)."""
    return float(_setting("TRIAGE_SUGGESTION_FLOOR", TRIAGE_SUGGESTION_FLOOR))


# --- serving -------------------------------------------------------------------------------------------------

_loaded: dict[tuple[int, str], object] = {}
_lock = threading.Lock()


def _pipeline(model_id: int, sha256: str):
    """The fitted pipeline of ClassifierModel `model_id` with hash `sha256`, loaded once per process; None when
    unusable (bytes pruned, damaged or unreadable)."""
    key = (model_id, sha256)
    pipeline = _loaded.get(key)
    if pipeline is not None:
        return pipeline
    with _lock:
        if key in _loaded:
            return _loaded[key]
        row = ClassifierModel.objects.filter(pk=model_id, sha256=sha256).first()
        try:
            pipeline = row.load_pipeline() if row is not None else None
        except Exception:  # a damaged or incompatible row: no suggestions rather than a crash in intake
            log.exception("classifier model %s could not be loaded", model_id)
            pipeline = None
        if pipeline is not None:
            _loaded.clear()  # keep only what is in use: models are megabytes each
            _loaded[key] = pipeline
        return pipeline


def active_model(jurisdiction, language: str | None = None) -> ClassifierModel | None:
    """The active model for `language` in `jurisdiction`, else the jurisdiction-wide one; None when neither.

    Only id, language, version and hash are read (not the bytes)."""
    languages = [language, ""] if language else [""]
    found = {m.language: m for m in ClassifierModel.objects.filter(
        jurisdiction=jurisdiction, language__in=languages, is_active=True).only("id", "language", "version", "sha256")}
    for code in languages:
        if code in found:
            return found[code]
    return None


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def suggest_kinds(text: str, *, jurisdiction, language: str | None = None, limit: int = 3) -> list[Suggestion]:
    """Best kinds for a free-text description, best first; [] when no trained model or nothing reaches the
    floor. Only active, public service types of that jurisdiction.

    `language` picks the model trained on that language's history when one is active (else the
    jurisdiction-wide model is used); pass the request's or the page's language, or None. `confidence` is the
    model's probability over every kind it learned (private and retired kinds included), so it is not
    inflated by leaving those out.
    """
    text = (text or "").strip()[:2000]
    if jurisdiction is None or limit <= 0 or _letters(text) < MIN_LETTERS:
        return []
    model = active_model(jurisdiction, language)
    if model is None:
        return []
    pipeline = _pipeline(model.pk, model.sha256)
    if pipeline is None:
        return []
    least = floor()
    candidates = [(pk, p) for pk, p in classifier.ranked(pipeline, text)[:limit + 10] if p >= least]
    if not candidates:
        return []
    allowed = {t.pk: t for t in ServiceType.objects.public().for_jurisdiction(jurisdiction)
               .filter(pk__in=[pk for pk, _ in candidates]).select_related("group")}
    return [Suggestion(allowed[pk], p) for pk, p in candidates if pk in allowed][:limit]


def suggest_kinds_anywhere(text: str, *, language: str | None = None, limit: int = 3) -> list[Suggestion]:
    """suggest_kinds() before the place is known (the web form's first step): every active jurisdiction's
    model is asked, and each kind keeps its best confidence."""
    best: dict[int, Suggestion] = {}
    for jurisdiction in Jurisdiction.objects.filter(is_active=True, classifier_models__is_active=True).distinct():
        for suggestion in suggest_kinds(text, jurisdiction=jurisdiction, language=language, limit=limit):
            known = best.get(suggestion.service_type.pk)
            if known is None or known.confidence < suggestion.confidence:
                best[suggestion.service_type.pk] = suggestion
    return sorted(best.values(), key=lambda s: -s.confidence)[:limit]


# --- training ------------------------------------------------------------------------------------------------

def _catalogue_rows(jurisdiction, language: str | None) -> tuple[list[str], list[int]]:
    """Each kind's name and keywords (in `language`, or in every language) as training rows."""
    codes = [language] if language else [code for code, _ in settings.LANGUAGES]
    texts, labels = [], []
    for service_type in ServiceType.objects.for_jurisdiction(jurisdiction).filter(is_active=True):
        for code in codes:
            name = getattr(service_type, f"name_{code}", "") or ""
            keywords = getattr(service_type, f"keywords_{code}", "") or ""
            for phrase in [name, *keywords.split(",")]:
                if _letters(phrase) >= MIN_LETTERS:
                    texts.append(phrase.strip())
                    labels.append(service_type.pk)
    return texts, labels


def training_rows(jurisdiction, *, language: str | None = None,
                  rows_per_kind: int | None = None) -> tuple[list[str], list[int]]:
    """(descriptions, service type ids) from the jurisdiction's history: the newest `rows_per_kind` non-empty
    descriptions of each kind (in `language` when given), each distinct (text, kind) once.

    One query per kind, each bounded, so memory and time stay bounded however long the history is."""
    cap = rows_per_kind or int(_setting("TRIAGE_ROWS_PER_KIND", TRIAGE_ROWS_PER_KIND))
    history = ServiceRequest.objects.filter(jurisdiction=jurisdiction).exclude(description="")
    if language:
        history = history.filter(language=language)
    texts, labels = [], []
    kinds = history.values_list("service_type_id", flat=True).distinct().order_by()
    for type_id in sorted(set(kinds)):
        seen: set[str] = set()
        for description in (history.filter(service_type_id=type_id).order_by("-requested_at")
                            .values_list("description", flat=True)[:cap]):
            key = classifier.normalise(description)
            if key and key not in seen:
                seen.add(key)
                texts.append(description)
                labels.append(type_id)
    return texts, labels


def train(jurisdiction, *, language: str | None = None, rows_per_kind: int | None = None,
          activate: bool = True) -> ClassifierModel:
    """Train a new version for `jurisdiction` (and `language`; None: every language together) on its history
    and catalogue, measure it on a held-out fifth, fit it on everything, store it and (by default) make it the
    active version. Raises NotEnoughHistory when fewer than two kinds have anything to learn from.

    The fit runs outside any transaction (it can take a while); only the final write is atomic."""
    import sklearn

    started = time.monotonic()
    texts, labels = training_rows(jurisdiction, language=language, rows_per_kind=rows_per_kind)
    history_texts, history_labels = texts, labels
    catalogue_texts, catalogue_labels = _catalogue_rows(jurisdiction, language)
    if len(set(history_labels)) < 2:
        raise NotEnoughHistory(f"{jurisdiction}: fewer than two kinds have described requests to learn from")
    # Accuracy is measured on history only (the catalogue's names always go into training).
    train_t, train_l, held_t, held_l = classifier.holdout_split(history_texts, history_labels)
    measured = classifier.Score(0, None, None)
    if held_t:
        trial = classifier.fit(train_t + catalogue_texts, train_l + catalogue_labels)
        measured = classifier.score(trial, held_t, held_l)
    pipeline = classifier.fit(history_texts + catalogue_texts, history_labels + catalogue_labels)
    blob = zlib.compress(pickle.dumps(pipeline, protocol=pickle.HIGHEST_PROTOCOL), 6)
    codes = dict(ServiceType.objects.filter(pk__in=set(history_labels)).values_list("pk", "code"))
    counts: dict[str, int] = {}
    for label in history_labels:
        counts[codes[label]] = counts.get(codes[label], 0) + 1
    with transaction.atomic():
        # Lock the jurisdiction row so two trainings cannot take the same version number.
        Jurisdiction.objects.select_for_update().filter(pk=jurisdiction.pk).first()
        last = ClassifierModel.objects.filter(jurisdiction=jurisdiction, language=language or "").aggregate(
            Max("version"))["version__max"] or 0
        model = ClassifierModel.objects.create(
            jurisdiction=jurisdiction, language=language or "", version=last + 1, trained_at=timezone.now(),
            rows=len(history_texts), class_counts=counts, heldout_rows=measured.rows,
            top1_accuracy=measured.top1, top3_accuracy=measured.top3,
            train_seconds=round(time.monotonic() - started, 3), library_version=sklearn.__version__,
            sha256=hashlib.sha256(blob).hexdigest(), pipeline=blob)
        model.log_action("triage.model_trained", data={
            "version": model.version, "language": model.language, "rows": model.rows,
            "top1": model.top1_accuracy, "top3": model.top3_accuracy})
        if activate:
            model.activate()
        _prune(jurisdiction, language or "")
    return model


def _prune(jurisdiction, language: str) -> None:
    """Drop the fitted bytes of all but the newest KEEP_VERSIONS versions (never the active one's)."""
    keep = list(ClassifierModel.objects.filter(jurisdiction=jurisdiction, language=language)
                .order_by("-version").values_list("pk", flat=True)[:KEEP_VERSIONS])
    (ClassifierModel.objects.filter(jurisdiction=jurisdiction, language=language, is_active=False)
     .exclude(pk__in=keep).exclude(pipeline=None).update(pipeline=None))


def history_languages(jurisdiction) -> list[str]:
    """The site languages with at least TRIAGE_MIN_LANGUAGE_ROWS described requests in `jurisdiction`."""
    least = int(_setting("TRIAGE_MIN_LANGUAGE_ROWS", TRIAGE_MIN_LANGUAGE_ROWS))
    found = []
    for code, _name in settings.LANGUAGES:
        count = (ServiceRequest.objects.filter(jurisdiction=jurisdiction, language=code).exclude(description="")
                 .order_by()[:least].count())
        if count >= least:
            found.append(code)
    return found


def train_all(jurisdiction=None, *, language: str | None = None,
              rows_per_kind: int | None = None) -> list[ClassifierModel]:
    """Train the jurisdiction-wide model and one per language with enough history, for `jurisdiction` (or every
    active jurisdiction); with `language`, that language's model only. Jurisdictions with too little history
    are skipped. Returns the new versions."""
    jurisdictions = [jurisdiction] if jurisdiction is not None else list(Jurisdiction.objects.filter(is_active=True))
    made = []
    for place in jurisdictions:
        languages = [language] if language else [None, *history_languages(place)]
        for code in languages:
            try:
                made.append(train(place, language=code, rows_per_kind=rows_per_kind))
            except NotEnoughHistory as exc:
                log.info("no category model trained: %s", exc)
    return made
