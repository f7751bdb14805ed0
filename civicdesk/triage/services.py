"""Emergency detection and duplicate candidates, used by every intake channel."""

from __future__ import annotations

import json
import math
from pathlib import Path

from django.db import transaction

from civicdesk.lib import config_cache
from civicdesk.lib.geo import distance_m
from civicdesk.lib.wording import split_list

from .detection import Detection, Matcher
from .models import EmergencyPhrase, EmergencyWordVariant

config_cache.clear_on_change(EmergencyPhrase, EmergencyWordVariant)

#: The starting set of phrases and variants (English and Spanish) that `load_emergency_phrases` installs.
DEFAULT_PHRASES_FILE = Path(__file__).resolve().parent / "data" / "emergency_phrases.json"


def _matcher() -> Matcher:
    # Oldest first: phrases that read the same are reported by the first one entered (see Matcher).
    phrases = list(EmergencyPhrase.objects.filter(is_active=True).order_by("pk")
                   .values("phrase", "action", "window", "except_near"))
    variants = {v.word: split_list(v.variants) for v in EmergencyWordVariant.objects.all()}
    return Matcher(phrases, variants)


def detect_emergency(*texts: str) -> Detection:
    """Which active phrases the texts match: `stop` ones refuse the report, `flag` ones mark it for triage.

    Forgiving: word variants, run-together words, any order within the phrase's window, fuzzy spelling
    (loose matches only flag). See triage/detection.py. The phrases are cached per process
    (civicdesk/lib/config_cache.py).
    """
    return config_cache.cached("emergency_matcher", _matcher).check(*texts)


def emergency_phrases_in(*texts: str) -> list[str]:
    """The active phrases that stop these texts with "call 911" (see detect_emergency); [] when none."""
    return detect_emergency(*texts).stop


def load_emergency_phrases(path: Path | str = DEFAULT_PHRASES_FILE, *, replace: bool = False) -> tuple[int, int]:
    """Install the phrases and word variants of a JSON file like triage/data/emergency_phrases.json.

    Adds what is missing and updates what is there (by phrase, by word); with `replace`, also deletes
    phrases and variants not in the file. All or nothing. Returns (phrases, variants) in the file.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    with transaction.atomic():
        for spec in data.get("variants", []):
            EmergencyWordVariant.objects.update_or_create(
                word=spec["word"], defaults={"variants": ", ".join(spec["variants"]),
                                             "language": spec.get("language", "")})
        for spec in data.get("phrases", []):
            EmergencyPhrase.objects.update_or_create(
                phrase=spec["phrase"], defaults={
                    "language": spec.get("language", ""), "action": spec.get("action", EmergencyPhrase.Action.STOP),
                    "window": spec.get("window", 3), "except_near": spec.get("except_near", ""), "is_active": True})
        if replace:
            EmergencyPhrase.objects.exclude(phrase__in=[p["phrase"] for p in data.get("phrases", [])]).delete()
            EmergencyWordVariant.objects.exclude(word__in=[v["word"] for v in data.get("variants", [])]).delete()
    config_cache.clear()
    return len(data.get("phrases", [])), len(data.get("variants", []))


def duplicate_candidates(*, service_type, lat: float, long: float, limit: int = 5, exclude_id=None):
    """Open public requests of the same type within the type's duplicate radius, nearest first.

    Returns a list of (request, distance in metres).

    This runs inside every submission, so the database does the sorting: the box of `near()` (served by the
    partial index `sr_open_type_pos`) is ordered by a flat-earth distance (longitude scaled by the cosine of
    the latitude, exact to well under a metre at duplicate radii) and only the nearest few rows come back.
    Whatever the number of open reports at a busy spot, a submission loads `limit` + 2 requests, not hundreds.
    The exact great-circle distance then decides the radius.
    """
    from django.db.models import F, FloatField, Value
    from django.db.models.expressions import ExpressionWrapper

    from civicdesk.servicerequests.models import ServiceRequest

    radius = service_type.duplicate_radius_m
    if radius <= 0:
        return []
    coslat = math.cos(math.radians(lat))
    north = F("lat") - Value(lat)
    east = (F("long") - Value(long)) * Value(coslat)
    flat_distance = ExpressionWrapper(north * north + east * east, output_field=FloatField())
    candidates = (
        ServiceRequest.objects.public().open()
        .filter(service_type=service_type, duplicate_of__isnull=True)
        .near(lat, long, radius)
    )
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    candidates = (
        candidates.select_related("status", "service_type")
        .annotate(flat_distance=flat_distance)
        .order_by("flat_distance", "-requested_at")[:limit + 2]
    )
    scored = []
    for req in candidates:
        dist = distance_m(lat, long, req.lat, req.long)
        if dist <= radius:
            scored.append((req, dist))
    return scored[:limit]
