"""Realistic synthetic requests for the city in the database: `manage.py generate_requests` (and its files).

Everything is drawn from one seeded random.Random, so the same seed on the
same database writes the same requests. What makes them realistic:

- a category mix weighted by what residents of large US cities report most
  (noise, parking, trash, streets...), matched to the city's own service types
  by keywords in their code and name, with seasons (heat in winter, noise in
  summer) and night-time categories;
- the weekly rhythm (Mondays busiest, weekends quiet) and the daily one;
- hot spots: a few places per jurisdiction where some categories bunch up;
  other requests sit on the city's address points, or anywhere inside its
  boundary when it has few;
- closure times drawn per category around its SLA, so older requests are
  mostly closed and recent ones mostly open, with a small backlog that
  never closes; closing outcomes per category;
- the timeline staff and the system would have written (submitted, routed,
  status changes), consistent with the request's status and dates.

With `clusters=N` it also injects N known clusters: extra requests of one
kind of problem within `CLUSTER_RADIUS_M` of one place, all in the last
`cluster_days` days, and lists them (`injected_clusters`) so hotspot
detection can be scored against them (civicdesk/insights, bench/hotspots.py).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import json
import math
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext

from civicdesk.catalog.models import ServiceType, Status
from civicdesk.jurisdictions.models import AddressPoint, Jurisdiction
from civicdesk.lib.ids import ALPHABET
from civicdesk.servicerequests.models import Channel, ServiceRequest, TimelineEntry

from .bulk import (
    NO_TIME,
    REQUEST_COLUMNS,
    BackgroundBatches,
    BulkWriter,
    collecting_between_batches,
    ensure_exclusive,
    foreign_keys_unchecked,
    restore_dropped_indexes,
    secondary_indexes_dropped,
)
from .services import UTC, Locator, RouteCache, SlaClock, StatusBook

WEEKDAY_WEIGHTS = [1.2, 1.12, 1.08, 1.05, 1.0, 0.62, 0.55]
DAY_HOURS = [1, 0.5, 0.3, 0.3, 0.4, 1, 3, 6, 9, 10, 10, 9, 8, 8, 8, 7, 7, 7, 6, 5, 4, 3, 2, 1.5]
NIGHT_HOURS = [6, 5, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 4, 6, 8, 9, 8]
CHANNELS = [("web", 45), ("phone", 25), ("api", 14), ("email", 6), ("sms", 5), ("counter", 5)]
OUTCOMES = {"fixed": 82, "no_further_action": 8, "not_responsible": 3, "referred": 2, "cancelled": 3,
            "duplicate": 2}
# The open status a request is in while being worked on, and how often each is used.
WORKING = {"acknowledged": 40, "in_progress": 35, "investigating": 15, "action_scheduled": 10}
WINTER = (3.0, 2.6, 1.3, 0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.3, 1.0, 2.4)
HEATING = (2.5, 2.3, 1.6, 0.8, 0.3, 0.1, 0.1, 0.1, 0.3, 1.2, 2.0, 2.5)
THAW = (1.3, 2.0, 2.2, 1.8, 1.1, 0.8, 0.7, 0.7, 0.7, 0.8, 0.9, 1.1)
SUMMER = (0.5, 0.5, 0.7, 0.9, 1.2, 1.5, 1.7, 1.6, 1.2, 0.9, 0.7, 0.5)
FIRST_NAMES = ["Maria", "James", "Linda", "Robert", "Aisha", "Daniel", "Sofia", "Michael", "Grace", "Luis",
               "Emily", "David", "Keisha", "Carlos", "Hannah", "Wei", "Olivia", "Andre", "Fatima", "Noah"]
LAST_NAMES = ["Johnson", "Garcia", "Miller", "Nguyen", "Brown", "Hernandez", "Wilson", "Okafor", "Lopez", "Kim",
              "Martinez", "Thompson", "Patel", "Schmidt", "Rivera", "Jackson", "Novak", "Ramirez", "Clark", "Lee"]
CHANNEL_NAMES = [c for c, _ in CHANNELS]
CHANNEL_P = np.array([w for _, w in CHANNELS], dtype=float) / sum(w for _, w in CHANNELS)
CHANNEL_LABELS = [{c.value: c.label for c in Channel}[name] for name in CHANNEL_NAMES]
#: The channels that keep office hours (8:00 to 17:00).
OFFICE_CHANNELS = [CHANNEL_NAMES.index("phone"), CHANNEL_NAMES.index("counter")]
FULL_NAMES = np.array([f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES], dtype=object)
PHONES = np.array([f"555-01{n:02d}" for n in range(100)], dtype=object)
#: Contact emails come from a pool this size, so some residents report more than once.
RESIDENTS = 200_000
#: An injected cluster: this many extra requests (at least, at most) within this many metres of one place.
CLUSTER_SIZE = (10, 18)
CLUSTER_RADIUS_M = 80


@dataclass(frozen=True)
class Family:
    """How one kind of request behaves, matched to service types by keywords in their code or name."""

    name: str
    keywords: tuple[str, ...]
    weight: float
    #: Median hours to close (wall clock) when the service type has no SLA target.
    close_hours: float
    season: tuple[float, ...] | None = None
    night: bool = False
    weekend: float = 1.0
    outcomes: dict[str, int] | None = None
    descriptions: tuple[str, ...] = ("It has been like this for a few days.", "Please send someone to look at it.")


# Shares loosely follow NYC's and Chicago's published 311 data (noise, parking, heat, sanitation and street
# conditions lead; records and accounts are rare). The first family with a keyword starting a word of the
# type's code or name wins, so the specific families come before the broad "street" one.
FAMILIES = [
    Family("noise", ("noise", "loud", "music", "party"), 10, 6, SUMMER, night=True, weekend=1.8,
           outcomes={"fixed": 45, "no_further_action": 50, "cancelled": 5},
           descriptions=("Loud music from the building next door every night.", "Party noise after midnight.",
                         "Construction noise before 7 am.")),
    Family("parking", ("parking", "driveway", "double park"), 6, 5, weekend=1.3,
           outcomes={"fixed": 60, "no_further_action": 36, "cancelled": 4},
           descriptions=("A car is blocking my driveway.", "Cars parked on the sidewalk all day.")),
    Family("heat", ("heat", "hot water", "heating", "boiler"), 5, 72, HEATING,
           descriptions=("No heat in the apartment since yesterday.", "No hot water in the whole building.")),
    Family("trash", ("trash", "garbage", "missed", "collection", "recycl", "bulk", "cart", "litter", "bin",
                     "sanitation"), 9, 36,
           descriptions=("Bins on the whole block were not emptied this week.",
                         "Recycling was left behind, regular trash was taken.")),
    Family("light", ("light", "lamp", "signal"), 5, 120,
           descriptions=("The streetlight has been out for a week.", "The light flickers all night.")),
    Family("water", ("water", "leak", "sewer", "hydrant", "drain", "flood", "culvert"), 4, 48,
           descriptions=("Water bubbling up from the street.", "The storm drain is blocked and the street floods.")),
    Family("graffiti", ("graffiti", "tags", "tagging"), 3, 168, descriptions=("Tags sprayed on the underpass wall again.",)),
    Family("tree", ("tree", "branch", "limb", "forestry", "stump"), 3, 240,
           descriptions=("A large branch is hanging over the sidewalk.", "The tree is leaning towards the house.")),
    Family("dumping", ("dumping", "debris", "dumped"), 3, 96,
           descriptions=("Someone dumped a mattress and tyres in the alley.",)),
    Family("vehicle", ("abandoned", "vehicle", "car"), 2.5, 200,
           outcomes={"fixed": 55, "no_further_action": 40, "cancelled": 5},
           descriptions=("The car has not moved in three weeks and has a flat tyre.",)),
    Family("sidewalk", ("sidewalk", "curb", "kerb"), 2, 500, descriptions=("The sidewalk slab is lifted by roots.",)),
    Family("sign", ("sign", "marking"), 1.5, 200, descriptions=("The stop sign is bent and hard to see.",)),
    Family("snow", ("snow", "ice", "plow", "plough", "salt"), 2, 24, WINTER,
           descriptions=("The street has not been plowed.", "The sidewalk is a sheet of ice.")),
    Family("rodent", ("rodent", "rat", "mice", "pest"), 2, 240, SUMMER,
           descriptions=("Rats running in the alley behind the restaurants.",)),
    Family("animal", ("animal", "dog", "dead", "cats", "raccoon"), 1.5, 24, descriptions=("A dead animal in the road.",)),
    Family("building", ("building", "property", "vacant", "lot", "overgrown", "weeds", "housing", "code"), 2.5,
           400, descriptions=("The vacant house is open and people go in at night.", "Weeds taller than me.")),
    Family("park", ("park", "playground", "bench"), 1.5, 200, SUMMER,
           descriptions=("The swing in the playground is broken.",)),
    Family("street", ("pothole", "street condition", "road", "pavement", "asphalt", "cave", "street"), 8, 96, THAW,
           descriptions=("Big hole by the bus stop, cars swerve around it.", "The road surface is breaking up.")),
    Family("office", ("record", "tax", "permit", "account", "bill", "license"), 0.8, 200,
           outcomes={"fixed": 85, "no_further_action": 5, "cancelled": 10},
           descriptions=("Please send copies of the inspection reports for my street.",)),
]
OTHER = Family("other", (), 1, 96)


def family_for(service_type: ServiceType) -> Family:
    """The first Family with a keyword starting a word of the type's code or name (OTHER when none does)."""
    text = " " + re.sub(r"[^a-z0-9]+", " ", f"{service_type.code} {service_type.name}".lower())
    for family in FAMILIES:
        if any(" " + keyword in text for keyword in family.keywords):
            return family
    return OTHER


@dataclass
class Kind:
    """A service type as the generator uses it."""

    service_type: ServiceType
    family: Family
    median_hours: float
    answers: list[str]
    #: Closing outcomes (status codes), each repeated by its weight: a draw is one index.
    outcomes: list[str]

    def __post_init__(self) -> None:
        # Plain copies of what every row reads: model attribute access is slow in a loop of millions.
        t = self.service_type
        self.type_id, self.sla_hours, self.priority, self.private = t.pk, t.sla_hours, t.default_priority, t.is_private
        #: (contact required, name required, email wanted always, phone required)
        self.contact = (t.contact_required(), t.requires_name, t.requires_email or not t.allow_anonymous,
                        t.requires_phone)


@dataclass
class Place:
    lat: float
    long: float
    district_id: int | None
    address: str = ""
    address_id: str = ""


@dataclass
class Area:
    """One jurisdiction's share of the requests: its types, places and hot spots."""

    jurisdiction: Jurisdiction
    weight: float
    kinds: list[Kind]
    places: list[Place]
    hotspots: list[tuple[Place, float, set[int]]]  # centre, radius in metres, favoured service type ids
    mixes: dict[tuple, tuple[list[Kind], list[float]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.jid = self.jurisdiction.pk


@dataclass
class Drawn:
    """A batch of drawn requests as arrays, oldest first: when, which kind (an index into
    RequestGenerator.kind_list), which place (an index into its place arrays), the pin, the local hour."""

    requested: np.ndarray
    kind: np.ndarray
    place: np.ndarray
    lat: np.ndarray
    long: np.ndarray
    hour: np.ndarray

    def __len__(self) -> int:
        return len(self.requested)


@dataclass
class GenerateResult:
    requests: int = 0
    timeline_entries: int = 0
    by_jurisdiction: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    #: The known clusters injected (`clusters=N`), as RequestGenerator.injected_clusters lists them.
    clusters: list[dict] = field(default_factory=list)


class GeneratorError(Exception):
    """The city in the database cannot hold generated requests (no jurisdiction, types or statuses)."""


class RequestGenerator:
    """Draws requests for the jurisdictions in the database; see the module docstring.

    `jurisdiction` limits them to one; `since_days` is how far back the
    oldest may be; `now` is the end of the window (default: the current time).
    Raises GeneratorError when there is nothing to generate for.
    """

    def __init__(self, *, seed: int = 0, jurisdiction: Jurisdiction | None = None, since_days: int = 365,
                 now: dt.datetime | None = None, clusters: int = 0, cluster_days: int = 10):
        self.rng = random.Random(seed)
        # Clusters draw from their own stream, so adding them leaves the ordinary requests as they were.
        self.cluster_rng = random.Random(f"clusters:{seed}")
        self.clusters = max(0, clusters)
        self.cluster_days = max(1, min(cluster_days, since_days))
        #: The clusters injected so far: {"service_code", "jurisdiction", "lat", "long", "radius_m", "count",
        #: "start", "end"} (instants as ISO 8601 UTC).
        self.injected_clusters: list[dict] = []
        self.seed = seed
        self.now = (now or timezone.now()).astimezone(UTC)
        self.since_days = max(1, since_days)
        chosen = [jurisdiction] if jurisdiction else list(Jurisdiction.objects.filter(is_active=True).order_by("pk"))
        if not chosen:
            raise GeneratorError(gettext("There is no active jurisdiction to generate requests for."))
        try:
            self.statuses = StatusBook.load()
        except Status.DoesNotExist as exc:
            raise GeneratorError(gettext("No initial status is configured.")) from exc
        self.locator = Locator(None if jurisdiction is None else chosen)
        self.routes = RouteCache(chosen)
        self.sla = SlaClock(chosen, start=self.now.timestamp() - self.since_days * 86400 - 3600,
                            end=self.now.timestamp())
        self.areas = [area for area in (self._area(j) for j in chosen) if area.kinds and area.places]
        if not self.areas:
            raise GeneratorError(gettext("No active service type is offered in %(names)s, or the boundary holds "
                                         "no point.") % {"names": ", ".join(j.name for j in chosen)})
        self.area_pick = list(itertools.accumulate(area.weight for area in self.areas))
        self.tz = self.areas[0].jurisdiction.tz
        self._slots()
        self.channels = [c for c, w in CHANNELS for _ in range(w)]
        working = [code for code in WORKING if code in self.statuses.open_codes()]
        self.working = [code for code in working for _ in range(WORKING[code])] or self.statuses.open_codes()
        self._ids = _PublicIds(seed)
        self.messages = {code: STATUS_MESSAGES.get(code, "Status changed to {name}.").replace("{name}", status.name)
                         for code, status in self.statuses.by_code.items()}
        self._kind_arrays()

    def _kind_arrays(self) -> None:
        """What columns() reads per kind, as arrays indexed by a kind's position in kind_list."""
        self.np_rng = np.random.default_rng(self.seed % (1 << 64))
        codes = list(self.statuses.by_code)
        code_index = {code: i for i, code in enumerate(codes)}
        kinds = self.kind_list = [kind for area in self.areas for kind in area.kinds]
        self.kind_index = {id(kind): i for i, kind in enumerate(kinds)}
        self.kind_type = np.array([kind.type_id for kind in kinds], dtype=np.int64)
        self.kind_median = np.array([kind.median_hours for kind in kinds], dtype=float)
        self.kind_sla = np.array([kind.sla_hours or 0 for kind in kinds], dtype=float)
        self.kind_priority = np.array([kind.priority for kind in kinds], dtype=object)
        self.kind_private = np.array([kind.private for kind in kinds], dtype=bool)
        self.kind_contact = np.array([kind.contact for kind in kinds], dtype=bool).reshape(len(kinds), 4)
        self.kind_answers = np.empty((len(kinds), len(kinds[0].answers)), dtype=object)
        self.kind_answers[:] = [kind.answers for kind in kinds]
        width = max(max(len(kind.outcomes) for kind in kinds), 1)
        self.outcome_table = np.full((len(kinds), width), -1, dtype=np.int64)
        self.outcome_count = np.array([len(kind.outcomes) for kind in kinds], dtype=np.int64)
        width = max(len(kind.family.descriptions) for kind in kinds)
        self.kind_descriptions = np.empty((len(kinds), width), dtype=object)
        self.kind_description_count = np.array([len(kind.family.descriptions) for kind in kinds], dtype=np.int64)
        for i, kind in enumerate(kinds):
            self.outcome_table[i, :len(kind.outcomes)] = [code_index[code] for code in kind.outcomes]
            texts = kind.family.descriptions
            self.kind_descriptions[i] = [texts[j % len(texts)] for j in range(width)]
        self.working_codes = np.array([code_index[code] for code in self.working], dtype=np.int64)
        self.kind_jid = np.array([area.jid for area in self.areas for _kind in area.kinds], dtype=np.int64)
        self.area_first_kind = np.cumsum([0] + [len(area.kinds) for area in self.areas])[:-1]
        places = [place for area in self.areas for place in area.places]
        self.place_index = {id(place): i for i, place in enumerate(places)}
        self.area_first_place = np.cumsum([0] + [len(area.places) for area in self.areas])[:-1]
        self.area_place_count = np.array([len(area.places) for area in self.areas], dtype=np.int64)
        self.place_lat = np.array([p.lat for p in places], dtype=float)
        self.place_long = np.array([p.long for p in places], dtype=float)
        self.place_district = np.array([p.district_id for p in places], dtype=object)
        self.place_district_key = np.array([-1 if p.district_id is None else p.district_id for p in places],
                                           dtype=np.int64)
        self.place_address = np.array([p.address for p in places], dtype=object)
        self.place_address_id = np.array([p.address_id for p in places], dtype=object)
        # Hot spots: (centre's place index, radius, row of kind_favoured, area index).
        favoured_rows, self.hotspot_list = [], []
        for a, area in enumerate(self.areas):
            for centre, radius, favoured in area.hotspots:
                self.hotspot_list.append((self.place_index[id(centre)], radius, len(favoured_rows), a))
                favoured_rows.append(np.isin(self.kind_type, list(favoured)))
        self.kind_favoured = np.array(favoured_rows, dtype=bool).reshape(len(favoured_rows), len(kinds))
        self.slot_key_list = sorted(set(self.slot_keys))
        key_index = {key: i for i, key in enumerate(self.slot_key_list)}
        self.slot_key_np = np.array([key_index[key] for key in self.slot_keys], dtype=np.int64)
        self.slot_hour_np = np.array([key[2] for key in self.slot_keys], dtype=np.int64)
        self.slot_starts_np = np.array(self.slot_starts, dtype=np.int64)
        self.slot_cumulative_np = np.array(self.slot_cumulative, dtype=float)
        self.area_pick_np = np.array(self.area_pick, dtype=float)

    # --- the city ------------------------------------------------------------------------------------

    def _area(self, jurisdiction: Jurisdiction) -> Area:
        rng = self.rng
        types = list(ServiceType.objects.for_jurisdiction(jurisdiction).filter(is_active=True)
                     .prefetch_related("attributes__values").order_by("pk"))
        kinds = [self._kind(t) for t in types]
        addresses = list(AddressPoint.objects.filter(jurisdiction=jurisdiction).order_by("address_id")
                         .values_list("lat", "long", "full_address", "address_id")[:200_000])
        located = self.locator.locate_many([a[0] for a in addresses], [a[1] for a in addresses])
        places = [Place(lat, long, district, address[:255], address_id[:64])
                  for (lat, long, address, address_id), (j, district) in zip(addresses, located)
                  if j == jurisdiction.pk]
        if len(places) < 200:
            # Few or no addresses: pins anywhere inside the boundary too, as on a map.
            places += [Place(lat, long, d) for lat, long, d in self.locator.random_points(jurisdiction, 5000, rng)]
        hotspots = []
        if places and kinds:
            for _ in range(min(5, 1 + len(places) // 40)):
                centre = rng.choice(places)
                favoured = {k.service_type.pk for k in rng.sample(kinds, min(3, len(kinds)))}
                hotspots.append((centre, rng.uniform(150, 600), favoured))
        # Busier where more people live: in proportion to the address count, with a floor for an area
        # whose address list is not loaded yet.
        return Area(jurisdiction, max(len(addresses), 200), kinds, places, hotspots)

    def _kind(self, service_type: ServiceType) -> Kind:
        family = family_for(service_type)
        if service_type.sla_hours:
            # An SLA in business hours is about 3.5 times as long on the wall clock, except the
            # short emergency-like ones that crews answer around the clock.
            factor = 1.0 if service_type.sla_hours <= 8 else 3.5
            median = service_type.sla_hours * 0.7 * factor
        else:
            median = family.close_hours
        outcomes = {code: w for code, w in (family.outcomes or OUTCOMES).items()
                    if code in self.statuses.by_code and not self.statuses.by_code[code].is_open}
        if not outcomes:
            closed = self.statuses.first_closed()
            outcomes = {closed.code: 1} if closed else {}
        answer_rng = random.Random(f"{self.seed}:{service_type.code}")
        answers = [json.dumps(_answers(service_type, answer_rng), sort_keys=True) for _ in range(8)]
        return Kind(service_type, family, median, answers, [code for code, w in outcomes.items() for _ in range(w)])

    def _slots(self) -> None:
        """Hourly slots of the window, oldest first, with the cumulative weight of the weekly and daily rhythm."""
        end = self.now
        start = end - dt.timedelta(days=self.since_days)
        first = start.replace(minute=0, second=0, microsecond=0)
        self.slot_starts: list[float] = []
        self.slot_keys: list[tuple[int, bool, int]] = []  # (month, weekend, local hour)
        weights = []
        moment = first
        while moment < end:
            local = moment.astimezone(self.tz)
            weekend = local.weekday() >= 5
            self.slot_starts.append(moment.timestamp())
            self.slot_keys.append((local.month, weekend, local.hour))
            weights.append(WEEKDAY_WEIGHTS[local.weekday()] * (DAY_HOURS[local.hour] + 0.15 * NIGHT_HOURS[local.hour]))
            moment += dt.timedelta(hours=1)
        self.slot_cumulative = list(itertools.accumulate(weights))
        self.window = (start.timestamp(), end.timestamp())

    def _mix(self, area: Area, key: tuple[int, bool, int]) -> tuple[list[Kind], list[float]]:
        mix = area.mixes.get(key)
        if mix is None:
            month, weekend, hour = key
            weights = []
            for kind in area.kinds:
                family = kind.family
                w = family.weight * (family.season[month - 1] if family.season else 1.0)
                if weekend:
                    w *= family.weekend
                if family.night:
                    w *= NIGHT_HOURS[hour] / max(DAY_HOURS[hour], 0.3)
                weights.append(max(w, 0.001))
            mix = area.mixes[key] = (area.kinds, list(itertools.accumulate(weights)))
        return mix

    # --- drawing -------------------------------------------------------------------------------------

    def draws(self, count: int, batch: int) -> Iterator[Drawn]:
        """Batches of drawn requests (as arrays), oldest first across the whole run; then one batch of the
        injected clusters' requests, when there are any."""
        batches = max(1, math.ceil(count / batch))
        total = self.slot_cumulative[-1]
        for index in range(batches):
            size = min(batch, count - index * batch)
            if size <= 0:
                break  # nothing to draw (count 0: the command only builds indexes an interrupted load left)
            low, high = total * index / batches, total * (index + 1) / batches
            yield self._draw_batch(size, low, high)
        if self.clusters:
            yield self._cluster_batch()

    def _cluster_batch(self) -> Drawn:
        """The injected clusters' requests (see the module docstring), newest last."""
        rng = self.cluster_rng
        start, end = self.window[1] - self.cluster_days * 86400, self.window[1] - 60
        drafts = []
        for _ in range(self.clusters):
            area = self.areas[bisect.bisect_right(self.area_pick, rng.random() * self.area_pick[-1])]
            public = [kind for kind in area.kinds if not kind.private] or area.kinds
            kind = rng.choice(public)
            centre = rng.choice(area.places)
            count = rng.randint(CLUSTER_SIZE[0], CLUSTER_SIZE[1])
            for _n in range(count):
                metres = rng.uniform(0, CLUSTER_RADIUS_M)
                lat, long = _offset(centre.lat, centre.long, metres, rng.uniform(0, 2 * math.pi))
                requested = int(rng.uniform(start, end))
                local = dt.datetime.fromtimestamp(requested, UTC).astimezone(self.tz)
                drafts.append((requested, self.kind_index[id(kind)], self.place_index[id(centre)], lat, long,
                               local.hour))
            self.injected_clusters.append({
                "service_code": kind.service_type.code, "jurisdiction": area.jurisdiction.slug,
                "lat": centre.lat, "long": centre.long, "radius_m": CLUSTER_RADIUS_M, "count": count,
                "start": dt.datetime.fromtimestamp(start, UTC).isoformat(),
                "end": dt.datetime.fromtimestamp(end, UTC).isoformat()})
        drafts.sort(key=lambda d: d[0])
        columns = list(zip(*drafts)) or [()] * 6
        return self._kept_inside(Drawn(*(np.array(values, dtype=dtype) for values, dtype in zip(
            columns, (np.int64, np.int64, np.int64, float, float, np.int64)))))

    def _draw_batch(self, size: int, low: float, high: float) -> Drawn:
        """`size` requests in the share [low, high) of the window's cumulative rhythm, drawn as arrays."""
        rng = self.np_rng
        slot = np.minimum(np.searchsorted(self.slot_cumulative_np, low + (high - low) * rng.random(size),
                                          side="right"), len(self.slot_starts) - 1)
        requested = np.clip(self.slot_starts_np[slot] + (rng.random(size) * 3600).astype(np.int64),
                            int(self.window[0]), int(self.window[1] - 60))
        area = np.searchsorted(self.area_pick_np, rng.random(size) * self.area_pick[-1], side="right")
        # The kind, from the mix of the request's area and hour slot: one group of requests per (area, mix).
        kind = np.empty(size, dtype=np.int64)
        group = area * len(self.slot_key_list) + self.slot_key_np[slot]
        order = np.argsort(group, kind="stable")
        starts = np.flatnonzero(np.r_[True, group[order][1:] != group[order][:-1]])
        pick = rng.random(size)
        for first, last in zip(starts.tolist(), [*starts[1:].tolist(), size]):
            rows = order[first:last]
            area_index, key = divmod(int(group[rows[0]]), len(self.slot_key_list))
            a = self.areas[area_index]
            _kinds, cumulative = self._mix(a, self.slot_key_list[key])
            local = np.minimum(np.searchsorted(cumulative, pick[rows] * cumulative[-1], side="right"),
                               len(cumulative) - 1)
            kind[rows] = self.area_first_kind[area_index] + local
        # The place: a hot spot favouring the kind (three times in ten, the first that says yes), else an address.
        place = self.area_first_place[area] + (rng.random(size) * self.area_place_count[area]).astype(np.int64)
        metres = rng.uniform(2, 20, size)
        free = np.ones(size, dtype=bool)
        for centre, radius, favoured, hotspot_area in self.hotspot_list:
            hit = free & (area == hotspot_area) & self.kind_favoured[favoured][kind] & (rng.random(size) < 0.3)
            place[hit] = centre
            metres[hit] = np.abs(rng.normal(0, radius / 2, int(hit.sum())))
            free &= ~hit
        lat, long = _offset(self.place_lat[place], self.place_long[place], metres, rng.uniform(0, 2 * math.pi, size))
        order = np.argsort(requested, kind="stable")
        drawn = Drawn(requested[order], kind[order], place[order], lat[order], long[order],
                      self.slot_hour_np[slot[order]])
        return self._kept_inside(drawn)

    def _kept_inside(self, drawn: Drawn) -> Drawn:
        """A pin nudged over a boundary falls back onto its address (or point), which is known to be inside."""
        found = self.locator.locate_many(drawn.lat, drawn.long)
        jurisdiction = np.array([j if j is not None else -1 for j, _ in found], dtype=np.int64)
        district = np.array([d if d is not None else -1 for _, d in found], dtype=np.int64)
        moved = (jurisdiction != self.kind_jid[drawn.kind]) | (district != self.place_district_key[drawn.place])
        drawn.lat[moved] = self.place_lat[drawn.place[moved]]
        drawn.long[moved] = self.place_long[drawn.place[moved]]
        return drawn

    # --- rows ----------------------------------------------------------------------------------------

    def columns(self, drafts: Drawn, ids: list[int], entry_ids: Callable[[int], list[int]],
                public_ids: list[str]) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
        """Request and timeline columns for a drawn batch (numpy arrays, instants as epoch seconds, NO_TIME for
        none), keyed by REQUEST_COLUMNS / TIMELINE_COLUMNS; also the count per status code.

        Everything a request's life needs is drawn for the whole batch at once
        from a numpy generator seeded by the run's seed (the same seed gives
        the same batch), so no Python runs per row except the routing look-up.
        """
        n = len(drafts.requested)
        rng = self.np_rng
        book, now = self.statuses, int(self.now.timestamp())
        codes = list(book.by_code)  # a status as an index into codes
        code_index = {code: i for i, code in enumerate(codes)}
        status_pk = np.array([book.by_code[c].pk for c in codes])
        status_open = np.array([book.by_code[c].is_open for c in codes])
        initial = code_index[book.initial.code]
        kinds = self.kind_list
        k, requested, hour, place = drafts.kind, drafts.requested, drafts.hour, drafts.place
        jid = self.kind_jid[k]
        lat, long = np.round(drafts.lat, 6), np.round(drafts.long, 6)
        district = self.place_district[place]
        type_id = self.kind_type[k]
        routes, route_of = self.routes.decide_many(jid, [kind.service_type for kind in kinds], k, district, lat, long)

        # Channel: the call centre and the counter keep office hours.
        channel = rng.choice(len(CHANNEL_NAMES), size=n, p=CHANNEL_P)
        office = (hour >= 8) & (hour < 17)
        channel[~office & np.isin(channel, OFFICE_CHANNELS)] = CHANNEL_NAMES.index("web")
        # The life of the request: when it is (or will be) closed, and how.
        hours = np.minimum(rng.lognormal(np.log(self.kind_median[k]), 0.9), 24 * 400)
        closes = requested + np.maximum(900, (hours * 3600).astype(np.int64))
        backlog = rng.random(n) < 0.04
        counts_k = self.outcome_count[k]
        outcome = np.where(counts_k > 0,
                           self.outcome_table[k, (rng.random(n) * np.maximum(counts_k, 1)).astype(np.int64)], -1)
        # A duplicate points at the batch's previous request of the same type; the first of its type cannot be one.
        order = np.lexsort((np.arange(n), type_id))
        previous = np.full(n, -1)
        same = type_id[order[1:]] == type_id[order[:-1]]
        previous[order[1:][same]] = order[:-1][same]
        duplicate_code = code_index.get("duplicate", -2)
        is_dup = outcome == duplicate_code
        lonely = is_dup & (previous < 0)
        first_outcome = self.outcome_table[k, 0]
        outcome[lonely] = np.where(first_outcome[lonely] != duplicate_code, first_outcome[lonely], -1)
        is_dup &= ~lonely
        closes = np.where(is_dup, requested + (rng.uniform(0.3, 12, n) * 3600).astype(np.int64), closes)
        ids_array = np.asarray(ids, dtype=np.int64)
        duplicate_of = np.where(is_dup, ids_array[np.maximum(previous, 0)], -1)
        # Steps: a working status on three requests in four (not duplicates), then the outcome unless in the backlog.
        working = self.working_codes
        has_work = (~is_dup) & (rng.random(n) < 0.75) & (len(working) > 0)
        work_code = working[rng.integers(0, max(len(working), 1), n)] if len(working) else np.full(n, initial)
        work_at = requested + ((closes - requested) * rng.uniform(0.05, 0.6, n)).astype(np.int64)
        has_work &= work_at <= now
        has_end = (outcome >= 0) & ~backlog & (closes <= now)
        code = np.where(has_end, outcome, np.where(has_work, work_code, initial))
        updated = np.where(has_end, closes, np.where(has_work, work_at, requested))
        is_open = status_open[code]
        counts = {codes[c]: int(m) for c, m in zip(*np.unique(code, return_counts=True))}

        contact_name, contact_email, contact_phone = self._contacts(k, n)
        descriptions = self.kind_descriptions[k, rng.integers(0, 1 << 30, n) % self.kind_description_count[k]]
        descriptions[rng.random(n) >= 0.8] = ""
        api = channel == CHANNEL_NAMES.index("api")
        device = np.full(n, "", dtype=object)
        device[api] = [f"{value:016x}" for value in rng.integers(0, 1 << 63, int(api.sum()), dtype=np.int64).tolist()]
        supporters = np.where(rng.random(n) < 0.08, rng.integers(0, 4, n), 0)
        route_values = np.array([(r.department_id, r.team_id, r.assignee_id, r.rule_id, r.note) for r in routes]
                                + [(None, None, None, None, "")], dtype=object)[route_of]
        expected = self.sla.due_many(jid, requested, self.kind_sla[k])
        requests = {
            "id": ids_array, "public_id": np.asarray(public_ids, dtype=object), "jurisdiction_id": jid,
            "service_type_id": type_id, "status_id": status_pk[code], "is_open": is_open,
            "priority": self.kind_priority[k], "description": descriptions,
            "attributes": self.kind_answers[k, rng.integers(0, self.kind_answers.shape[1], n)], "lat": lat,
            "long": long, "address": self.place_address[place], "address_id": self.place_address_id[place],
            "district_id": district,
            "channel": np.array(CHANNEL_NAMES, dtype=object)[channel], "reporter_id": np.full(n, None, dtype=object),
            "contact_name": contact_name, "contact_email": contact_email, "contact_phone": contact_phone,
            "language": np.where(rng.random(n) < 0.15, "es", "en").astype(object), "device_id": device,
            "client_name": np.where(api, "CivicDesk 311 app", "").astype(object),
            "department_id": route_values[:, 0], "team_id": route_values[:, 1], "assignee_id": route_values[:, 2],
            "routing_rule_id": route_values[:, 3], "routing_note": route_values[:, 4], "requested_at": requested,
            "updated_at": updated, "expected_at": expected, "closed_at": np.where(is_open, NO_TIME, updated),
            "duplicate_of_id": np.where(code == duplicate_code, duplicate_of, None).astype(object),
            "supporters_count": supporters, "is_private": self.kind_private[k],
            "media_url": np.full(n, "", dtype=object),
        }
        entries = self._timeline_columns(
            entry_ids, ids_array, requested, channel, route_values[:, 3], route_values[:, 4],
            (has_work, work_code, work_at), (has_end, outcome, closes), status_pk, codes,
            np.where(is_dup, np.asarray(public_ids, dtype=object)[np.maximum(previous, 0)], None))
        return requests, entries, counts

    def _timeline_columns(self, entry_ids, pks, requested, channel, rule_ids, notes, work, end, status_pk, codes,
                          original) -> dict[str, Any]:
        """The timeline of a batch as columns: per request SUBMITTED, ROUTED, then one STATUS entry per step."""
        n = len(pks)
        has_work, work_code, work_at = work
        has_end, outcome, closes = end
        initial_pk = self.statuses.initial.pk
        parts = []  # (position in a request's timeline, request index, columns)
        every = np.arange(n)
        received = np.array([f"Request received via {label}." for label in CHANNEL_LABELS], dtype=object)
        rule_data = {rule: json.dumps({"rule": rule, "possible_duplicates": []}) for rule in set(rule_ids.tolist())}
        parts.append((0, every, str(TimelineEntry.Kind.SUBMITTED.value), True, received[channel], None, initial_pk,
                      "{}", requested))
        parts.append((1, every, str(TimelineEntry.Kind.ROUTED.value), False, notes, None, None,
                      np.array([rule_data[r] for r in rule_ids.tolist()], dtype=object), requested))
        messages = np.array([self.messages[c] for c in codes], dtype=object)
        status_kind = str(TimelineEntry.Kind.STATUS.value)
        at = every[has_work]
        parts.append((2, at, status_kind, True, messages[work_code[at]], initial_pk, status_pk[work_code[at]], "{}",
                      work_at[at]))
        at = every[has_end]
        text = messages[outcome[at]]
        data = np.full(len(at), "{}", dtype=object)
        dup = np.flatnonzero(np.not_equal(original[at], None))
        text[dup] = [t.format(original=o) for t, o in zip(text[dup], original[at][dup])]
        data[dup] = [json.dumps({"duplicate_of": o}) for o in original[at][dup]]
        before = np.where(has_work[at], status_pk[work_code[at]], initial_pk)
        parts.append((3, at, status_kind, True, text, before, status_pk[outcome[at]], data, closes[at]))
        position = np.concatenate([np.full(len(p[1]), p[0]) for p in parts])
        index = np.concatenate([p[1] for p in parts])
        order = np.lexsort((position, index))  # a request's entries together, in the order they happened

        def column(values_at, dtype=object):
            return np.concatenate([np.broadcast_to(np.asarray(p[values_at], dtype=dtype), (len(p[1]),))
                                   for p in parts])[order]

        count = len(order)
        return {
            "id": np.asarray(entry_ids(count), dtype=np.int64), "request_id": pks[index[order]],
            "kind": column(2), "is_public": column(3, bool), "message": column(4),
            "author_id": np.full(count, None, dtype=object), "status_from_id": column(5), "status_to_id": column(6),
            "data": column(7), "created_at": column(8, np.int64),
        }

    def _contacts(self, k: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Name, email and phone columns: half the reporters leave details, always when the type needs them."""
        rng = self.np_rng
        must, requires_name, requires_email, requires_phone = (self.kind_contact[k, i] for i in range(4))
        leaves = must | (rng.random(n) < 0.5)
        name = np.where(leaves & (requires_name | (rng.random(n) < 0.7)),
                        FULL_NAMES[rng.integers(0, len(FULL_NAMES), n)], "")
        wants_email = leaves & (requires_email | (rng.random(n) < 0.8))
        email = np.full(n, "", dtype=object)
        email[wants_email] = [f"resident{r}@example.org"
                              for r in rng.integers(0, RESIDENTS, int(wants_email.sum())).tolist()]
        phone = np.where(leaves & (requires_phone | ~wants_email | (rng.random(n) < 0.2)),
                         PHONES[rng.integers(0, 100, n)], "")
        return name.astype(object), email, phone.astype(object)

    def public_ids(self, count: int, writer: BulkWriter | None) -> list[str]:
        """`count` tracking numbers in new_public_id()'s format, none of them stored yet."""
        ids = self._ids.next_many(count).tolist()
        taken = writer.existing_public_ids(ids) if writer is not None else set()
        while taken:  # a clash with a request made another way: draw again for those only
            positions = [n for n, public_id in enumerate(ids) if public_id in taken]
            # The same ids next() would give one by one, drawn at once (a run repeated with its seed clashes on all).
            for n, public_id in zip(positions, self._ids.next_many(len(positions)).tolist()):
                ids[n] = public_id
            taken = writer.existing_public_ids([ids[n] for n in positions])
        return ids


STATUS_MESSAGES = {
    "acknowledged": "Thank you for your report. It has been passed to the crew.",
    "investigating": "An inspector will visit the location.",
    "in_progress": "A crew has been assigned and the work is under way.",
    "action_scheduled": "The work has been scheduled.",
    "fixed": "The problem has been fixed. Thank you for reporting it.",
    "no_further_action": "We looked into this and no further action is needed.",
    "not_responsible": "This is not something we look after; we have let the owner know.",
    "referred": "We have referred this to the agency responsible for it.",
    "duplicate": "This problem was already reported as {original}. Please follow that request for updates.",
    "cancelled": "Cancelled at the reporter's request.",
}


class _PublicIds:
    """Distinct ids in new_public_id()'s format without remembering them: a seeded 40-bit permutation
    (a Feistel network) of a counter, so ten million ids need no set of ten million strings."""

    def __init__(self, seed: int):
        keys = random.Random(f"public-ids:{seed}")
        self.keys = [keys.getrandbits(20) for _ in range(4)]
        self.counter = keys.getrandbits(39)
        self.pairs = np.array([a + b for a in ALPHABET for b in ALPHABET], dtype=object)

    def next(self) -> str:
        return self.next_many(1)[0]

    def next_many(self, count: int) -> np.ndarray:
        """The next `count` ids (an object array of texts), computed for all of them at once."""
        counters = (self.counter + 1 + np.arange(count, dtype=np.uint64)) % np.uint64(1 << 40)
        self.counter = (self.counter + count) % (1 << 40)
        left, right = counters >> np.uint64(20), counters & np.uint64(0xFFFFF)
        for key in self.keys:
            left, right = right, left ^ ((((right * np.uint64(0x9E3779B1)) ^ np.uint64(key)) >> np.uint64(3))
                                         & np.uint64(0xFFFFF))
        bits = (left << np.uint64(20)) | right
        pairs, mask = self.pairs, np.uint64(1023)
        return (pairs[(bits >> np.uint64(30)) & mask] + pairs[(bits >> np.uint64(20)) & mask] + "-"
                + pairs[(bits >> np.uint64(10)) & mask] + pairs[bits & mask])


def _offset(lat, long, metres, angle):
    """The point `metres` away from (lat, long) in direction `angle` (radians); numbers or numpy arrays."""
    return (lat + metres * np.cos(angle) / 111_000,
            long + metres * np.sin(angle) / (111_000 * np.maximum(np.cos(np.radians(lat)), 0.01)))


def _answers(service_type: ServiceType, rng: random.Random) -> dict:
    """Answers a resident would give to the type's questions (all required ones, some optional ones)."""
    answers: dict = {}
    for attribute in service_type.attributes.all():
        if not attribute.required and rng.random() < 0.4:
            continue
        keys = [value.key for value in attribute.values.all()]
        kind = attribute.datatype
        if kind == "singlevaluelist" and keys:
            answers[attribute.code] = rng.choice(keys)
        elif kind == "multivaluelist" and keys:
            answers[attribute.code] = [rng.choice(keys)]
        elif kind == "number":
            answers[attribute.code] = rng.randint(1, 10)
        elif kind == "datetime":
            answers[attribute.code] = "2025-01-01T08:00:00"
        elif kind in ("string", "text"):
            answers[attribute.code] = rng.choice(["Seen from the street", "Near the corner", "Since last week"])
    return answers


def generate_requests(count: int, *, seed: int = 0, jurisdiction: Jurisdiction | None = None, since_days: int = 365,
                      batch: int = 50_000, now: dt.datetime | None = None, rebuild_indexes: bool = False,
                      on_batch: Callable[[int], None] | None = None, clusters: int = 0,
                      cluster_days: int = 10) -> GenerateResult:
    """Store `count` generated requests with their timelines, one transaction per `batch`.

    With `rebuild_indexes` the two tables' secondary indexes are dropped for
    the load and built again after it, and the foreign keys are not checked
    (SQLite; PostgreSQL as a superuser): only for a database nobody else uses
    meanwhile: refused (ExclusiveLoadRefused) while other clients are
    connected. On PostgreSQL outside a transaction each batch is stored from
    a thread of its own while the next one is drawn (BackgroundBatches).
    `on_batch(rows_so_far)` is called after each commit. Each
    jurisdiction that received requests gets an audit entry. `clusters`
    injects that many known clusters in the last `cluster_days` days on top
    of the `count` requests (listed in the result's `clusters`). Raises
    GeneratorError when the database holds no city to generate for.
    """
    import time

    started = time.perf_counter()
    restore_dropped_indexes()  # left dropped by an interrupted exclusive load
    if rebuild_indexes:
        ensure_exclusive()
    generator = RequestGenerator(seed=seed, jurisdiction=jurisdiction, since_days=since_days, now=now,
                                 clusters=clusters, cluster_days=cluster_days)
    # An exclusive load (indexes dropped) also skips PostgreSQL's foreign-key triggers: every key written
    # was read from the database just before (see BulkWriter.begin_batch).
    writer = BulkWriter(skip_fk_checks=rebuild_indexes, exclusive=rebuild_indexes)
    result = GenerateResult()
    by_jurisdiction: dict[int, int] = {}

    def prepare(drafts: Drawn) -> tuple[Drawn, list, int, dict]:
        """The batch drawn into columns and encoded for storing (see BackgroundBatches)."""
        public_ids = generator.public_ids(len(drafts), writer)
        ids = writer.new_ids(ServiceRequest, len(drafts))
        requests, entries, counts = generator.columns(drafts, ids, lambda n: writer.new_ids(TimelineEntry, n),
                                                      public_ids)
        tables = [writer.encode_columns(ServiceRequest, requests, len(drafts)),
                  writer.encode_columns(TimelineEntry, entries, len(entries["id"]))]
        return drafts, tables, len(entries["id"]), counts

    def write(batch: tuple[Drawn, list, int, dict]) -> None:
        for table in batch[1]:
            if table is not None:
                writer.write_encoded(table)

    def done(batch: tuple[Drawn, list, int, dict]) -> None:
        drafts, _tables, entry_count, counts = batch
        result.requests += len(drafts)
        result.timeline_entries += entry_count
        for code, n in counts.items():
            result.by_status[code] = result.by_status.get(code, 0) + n
        for jurisdiction_id, n in zip(*np.unique(generator.kind_jid[drafts.kind], return_counts=True)):
            by_jurisdiction[int(jurisdiction_id)] = by_jurisdiction.get(int(jurisdiction_id), 0) + int(n)
        collect()
        if on_batch:
            on_batch(result.requests)

    with secondary_indexes_dropped() if rebuild_indexes else _nothing(), \
            foreign_keys_unchecked(writer) if rebuild_indexes else _nothing(), \
            collecting_between_batches() as collect, BackgroundBatches(writer, background=True) as batches:
        for drafts in generator.draws(count, batch):
            batches.store(lambda drafts=drafts: prepare(drafts), write, done)
    for area in generator.areas:
        if by_jurisdiction.get(area.jurisdiction.pk):
            result.by_jurisdiction[area.jurisdiction.slug] = by_jurisdiction[area.jurisdiction.pk]
            area.jurisdiction.log_action("datasets.requests_generated", data={
                "count": by_jurisdiction[area.jurisdiction.pk], "seed": seed, "since_days": since_days,
                "clusters": len([c for c in generator.injected_clusters
                                 if c["jurisdiction"] == area.jurisdiction.slug])})
    result.clusters = generator.injected_clusters
    result.seconds = time.perf_counter() - started
    return result


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def generated_rows(generator: RequestGenerator, count: int, batch: int) -> Iterator[tuple]:
    """Request rows (REQUEST_COLUMNS order, instants as epoch seconds or None) for writing a file, not the
    database."""
    first = 1
    for drafts in generator.draws(count, batch):
        ids = list(range(first, first + len(drafts)))
        first += len(drafts)
        requests, _entries, _counts = generator.columns(drafts, ids, lambda n: list(range(n)),
                                                        generator.public_ids(len(drafts), None))
        columns = []
        for name in REQUEST_COLUMNS:
            values = np.asarray(requests[name]).tolist()
            if name.endswith("_at"):
                values = [None if value == NO_TIME else value for value in values]
            columns.append(values)
        yield from zip(*columns)
