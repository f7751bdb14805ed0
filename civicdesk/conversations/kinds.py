"""The "what" step: kinds of problem suggested from the resident's words, and reading their choice.

Suggestions come from the category suggester (civicdesk/triage/suggest.py, trained on the city's own request
history) when it has a model; otherwise, and to fill the list, the jurisdiction's most reported kinds of the last
90 days. A suggestion is only ever offered: the resident confirms it with 1, 2, 3 or its name.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from rapidfuzz import fuzz

from civicdesk.catalog.models import ServiceType

#: Kinds offered at once ("1) Pothole 2) Streetlight out 3) Something else").
OFFERED = 2
#: How well a typed name must match a kind's name or keyword (rapidfuzz WRatio, 0–100).
NAME_MATCH = 85


@dataclass(frozen=True)
class Offer:
    """A kind offered to the resident and how sure the suggester was (0 for "most reported" fill-ins)."""

    service_type: ServiceType
    confidence: float


def reportable_types(jurisdiction):
    """Kinds a resident may report by message in `jurisdiction`: active, public, offered there."""
    types = ServiceType.objects.public()
    return types.for_jurisdiction(jurisdiction) if jurisdiction is not None else types


def suggestions(text: str, *, jurisdiction, language: str = "", limit: int = 3) -> list[Offer]:
    """The category suggester's kinds for `text`, best first; [] when it has no model for the jurisdiction."""
    if jurisdiction is None or not text.strip():
        return []
    try:
        from civicdesk.triage.suggest import suggest_kinds
    except ImportError:  # the suggester is not installed in this deployment
        return []
    allowed = set(reportable_types(jurisdiction).values_list("pk", flat=True))
    found = suggest_kinds(text, jurisdiction=jurisdiction, language=language or None, limit=limit)
    return [Offer(s.service_type, float(s.confidence)) for s in found if s.service_type.pk in allowed][:limit]


def most_reported(jurisdiction, *, limit: int = 3, exclude=()) -> list[ServiceType]:
    """The jurisdiction's most reported kinds of the last 90 days (then catalogue order) to offer as a list."""
    since = timezone.now() - timedelta(days=90)
    types = reportable_types(jurisdiction).exclude(pk__in=[t.pk for t in exclude])
    counted = list(types.annotate(reports=Count("requests", distinct=True, filter=Q(requests__requested_at__gte=since)))
                   .filter(reports__gt=0).order_by("-reports", "name", "code")[:limit])
    if len(counted) < limit:
        # Catalogue order, names as the resident reads them (sorted here: databases order a missing translation
        # differently).
        rest = sorted(types.exclude(pk__in=[t.pk for t in counted]).select_related("group"),
                      key=lambda t: (t.group.order if t.group else 0, t.order, str(t.name).lower(), t.code))
        counted += rest[:limit - len(counted)]
    return counted


def offers_for(text: str, *, jurisdiction, language: str = "") -> list[Offer]:
    """The kinds to offer first: the suggester's best OFFERED, filled up with the most reported kinds (all of
    them when the suggester has no model or nothing it is sure enough of)."""
    offered = suggestions(text, jurisdiction=jurisdiction, language=language, limit=OFFERED)
    if len(offered) < OFFERED:
        more = most_reported(jurisdiction, limit=OFFERED - len(offered), exclude=[o.service_type for o in offered])
        offered += [Offer(t, 0.0) for t in more]
    return offered


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().split())


def match_name(typed: str, *, jurisdiction) -> list[ServiceType]:
    """Kinds whose name (in any language) or keyword matches what the resident typed, best first (at most 3).

    Exact names win outright; otherwise fuzzy matches at NAME_MATCH or better.
    """
    wanted = _fold(typed)
    if len(wanted) < 3:
        return []
    scored = []
    for service_type in reportable_types(jurisdiction):
        names = [service_type.name_en, service_type.name_es, service_type.name_ar]
        if any(_fold(n) == wanted for n in names if n):
            return [service_type]
        words = names + [w for k in (service_type.keywords_en, service_type.keywords_es, service_type.keywords_ar)
                         for w in (k or "").split(",")]
        best = max((fuzz.WRatio(wanted, _fold(w)) for w in words if w and w.strip()), default=0)
        if best >= NAME_MATCH:
            scored.append((best, service_type))
    scored.sort(key=lambda pair: (-pair[0], pair[1].name))
    return [t for _, t in scored[:3]]
