"""Emergency detection and duplicate candidates, used by every intake channel."""

from __future__ import annotations

import re

from civicdesk.lib import config_cache
from civicdesk.lib.geo import distance_m
from civicdesk.lib.text import fold

from .models import EmergencyPhrase

config_cache.clear_on_change(EmergencyPhrase)


def _phrase_patterns() -> list[tuple[str, re.Pattern]]:
    """Each active phrase with its whole-word pattern over folded text (empty phrases left out)."""
    patterns = []
    for phrase in EmergencyPhrase.objects.filter(is_active=True).values_list("phrase", flat=True):
        needle = fold(phrase)
        if needle:
            patterns.append((phrase, re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)")))
    return patterns


def emergency_phrases_in(*texts: str) -> list[str]:
    """The active emergency phrases found in the texts, as whole words, ignoring case and accents.

    The phrases are cached per process (civicdesk/lib/config_cache.py).
    """
    haystack = " " + " ".join(fold(t) for t in texts if t) + " "
    return [phrase for phrase, pattern in config_cache.cached("emergency_phrases", _phrase_patterns)
            if pattern.search(haystack)]


def duplicate_candidates(*, service_type, lat: float, long: float, limit: int = 5, exclude_id=None):
    """Open public requests of the same type within the type's duplicate radius, nearest first.

    Returns a list of (request, distance in metres).
    """
    from civicdesk.servicerequests.models import ServiceRequest

    radius = service_type.duplicate_radius_m
    if radius <= 0:
        return []
    candidates = (
        ServiceRequest.objects.public().open()
        .filter(service_type=service_type, duplicate_of__isnull=True)
        .near(lat, long, radius)
        .select_related("status", "service_type")
        .order_by("-requested_at")[:200]
    )
    scored = []
    for req in candidates:
        if exclude_id is not None and req.pk == exclude_id:
            continue
        dist = distance_m(lat, long, req.lat, req.long)
        if dist <= radius:
            scored.append((req, dist))
    scored.sort(key=lambda pair: pair[1])
    return scored[:limit]
