"""Emergency detection and duplicate candidates, used by every intake channel."""

from __future__ import annotations

import functools
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


#: The inner box of the duplicate look-up is this fraction of the radius (see nearest_open): at a busy spot of
#: evenly spread reports it holds about a twelfth of the circle's rows (the box's area over the circle's).
INNER_BOX_FRACTION = 0.25


def nearest_open(*, service_type, lat: float, long: float, limit: int = 5, exclude_id=None
                 ) -> list[tuple[int, str, float]]:
    """(id, tracking number, distance in metres) of the open public requests of the same type within the type's
    duplicate radius, nearest first (then newest): one statement.

    This runs inside every submission (the routing note lists the possible duplicates' numbers), so the
    database does the sorting and the statement is written once, not built by the ORM each call (building it
    cost more than running it). Requests inside a box that holds the circle (served by the partial index
    `sr_open_type_band`, by band of latitude and then longitude, so a look-up walks only the box's few short
    stretches of it, not every open request of the kind on the same latitude across the city) are ordered by a
    flat-earth distance (longitude scaled by the cosine of the latitude, exact to well under a metre at
    duplicate radii) and only the nearest `limit` + 2 come back; the exact great-circle distance then decides
    the radius.

    A busy spot (hundreds of open reports of one kind around one pothole) would make that box hold hundreds of
    rows, each read and sorted on every submission. So the statement first takes the nearest rows of an inner
    box, a quarter of the radius across each way: when every one of them lies inside the circle that box holds,
    nothing outside the box can be nearer, and they are the answer (about a twelfth of the rows read). Otherwise
    (a quiet place: few or no rows near) the whole box is read as before, in the same statement, so a quiet
    submission still sends one statement and a busy one reads a few dozen rows whatever the crowd.
    """
    from django.db import connection

    from civicdesk.lib.geo import bbox, latitude_bands

    radius = service_type.duplicate_radius_m
    if radius <= 0 or service_type.is_private:  # requests of a private type are never public
        return []
    coslat = math.cos(math.radians(lat))
    take = limit + 2
    inner, whole = bbox(lat, long, radius * INNER_BOX_FRACTION), bbox(lat, long, radius)
    # The flat distance (squared, in degrees of latitude) from the point to the inner box's nearest side: a
    # request outside the inner box is at least that far.
    in_lat, in_long = min(lat - inner[0], inner[1] - lat), min(long - inner[2], inner[3] - long) * coslat
    inner_reach = min(in_lat, in_long) ** 2
    distance = [lat, lat, long, coslat, long, coslat]
    excluded = [] if exclude_id is None else [exclude_id]
    inner_bands = latitude_bands(inner[0], inner[1], connection.vendor)
    whole_bands = latitude_bands(whole[0], whole[1], connection.vendor)

    def box(bounds, bands) -> list:
        return [*distance, service_type.pk, *bands, *bounds, *excluded]

    params = [*box(inner, inner_bands), take, inner_reach, take, *box(whole, whole_bands), inner_reach, take, take]
    sql = _nearest_open_sql(connection.vendor, exclude_id is not None, len(inner_bands), len(whole_bands))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        nearest = cursor.fetchall()
    return [(pk, public_id, dist) for pk, public_id, req_lat, req_long, *_ in nearest
            if (dist := distance_m(lat, long, req_lat, req_long)) <= radius][:limit]


def duplicate_candidates(*, service_type, lat: float, long: float, limit: int = 5, exclude_id=None):
    """Open public requests of the same type within the type's duplicate radius, nearest first, as
    (request, distance in metres) with their status and type loaded: `nearest_open`, then the few requests it
    found (no second query when it found none)."""
    from civicdesk.servicerequests.models import ServiceRequest

    within = nearest_open(service_type=service_type, lat=lat, long=long, limit=limit, exclude_id=exclude_id)
    if not within:
        return []
    loaded = ServiceRequest.objects.select_related("status", "service_type").in_bulk([pk for pk, _, _ in within])
    return [(loaded[pk], dist) for pk, _, dist in within if pk in loaded]


@functools.cache
def _nearest_open_sql(vendor: str, excluding: bool, inner_bands: int, whole_bands: int) -> str:
    """The duplicate look-up's statement (see nearest_open), written once per process, database `vendor` (its
    quoting) and number of latitude bands each box crosses.

    `inner_box` holds the nearest rows of the inner box; they are the answer when all of them lie nearer than
    the inner box's sides, and the second half reads the whole box only when they do not (a condition on no
    table, which both databases test once, before reading a row). Each half: open, public, not merged
    requests of one type inside a box, nearest first by flat-earth distance, then newest, read from the partial
    index `sr_open_type_band` alone: its condition is written in the index's own form (`is_open` bare; SQLite
    matches index conditions by form), and so is the band, `CAST(lat * 1000 AS integer)`, one of the bands the
    box crosses (`civicdesk.lib.geo.latitude_bands`). Only the nearest few rows are then joined to the table,
    for their tracking numbers. Parameters, in order: for each box the distance's six, the type, its bands,
    the box's four sides (and the excluded id); after the inner box its row count, the inner reach and the row
    count again; after the whole box the inner reach and the row count twice.
    """
    from django.db import connection

    from civicdesk.lib.geo import LATITUDE_BAND_SQL
    from civicdesk.servicerequests.models import ServiceRequest

    meta = ServiceRequest._meta

    def column(name: str) -> str:
        return connection.ops.quote_name(meta.get_field(name).column)

    table = connection.ops.quote_name(meta.db_table)
    id_, lat, long, requested_at = column("id"), column("lat"), column("long"), column("requested_at")
    band = LATITUDE_BAND_SQL % lat

    def nearest(bands: int) -> str:
        return (
            f"SELECT {id_}, {lat}, {long}, {requested_at}, "
            f"({lat} - %s) * ({lat} - %s) + (({long} - %s) * %s) * (({long} - %s) * %s) AS flat "
            f"FROM {table} "
            f"WHERE {column('is_open')} AND NOT {column('is_private')} AND {column('duplicate_of')} IS NULL "
            f"AND {column('service_type')} = %s AND {band} IN ({', '.join(['%s'] * bands)}) "
            f"AND {lat} >= %s AND {lat} <= %s AND {long} >= %s AND {long} <= %s "
            + (f"AND {id_} <> %s " if excluding else "")
        )

    settled = "(SELECT COUNT(*) FROM inner_box WHERE flat < %s)"
    return (
        f"WITH inner_box AS ({nearest(inner_bands)}ORDER BY flat, {requested_at} DESC LIMIT %s), "
        f"found AS (SELECT * FROM inner_box WHERE {settled} >= %s "
        f"UNION ALL SELECT * FROM ({nearest(whole_bands)}AND {settled} < %s "
        f"ORDER BY flat, {requested_at} DESC LIMIT %s) whole_box) "
        f"SELECT found.{id_}, {table}.{column('public_id')}, found.{lat}, found.{long}, found.{requested_at}, "
        f"found.flat FROM found JOIN {table} ON {table}.{id_} = found.{id_} "
        f"ORDER BY found.flat, found.{requested_at} DESC"
    )
