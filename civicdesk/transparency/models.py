"""Roll-up tables for the public dashboards: daily counts per place, department and kind of problem.

`DailyCount` holds one row per day × jurisdiction × department × service type × district with what the
dashboards read (received, closed, time-to-close histogram, SLA, reopened, still open), and
`DailyTypeCount` the same summed per day × jurisdiction × service type. `CountedRequest` is the "last
counted state" of every request: what it currently contributes to `DailyCount`, so a change is applied
as old contribution minus, new contribution plus (see rollups.py). `RollupState` is the single row
holding the sync job's watermarks. See docs/dashboards.md for the definitions.
"""

from __future__ import annotations

from django.db import models

#: Upper bounds (hours, exclusive) of the time-to-close histogram buckets; the last bucket is open-ended
#: (365 days or more). Bucket i holds durations d with HOUR_EDGES[i-1] <= d < HOUR_EDGES[i].
HOUR_EDGES: tuple[int, ...] = (1, 2, 4, 8, 12, 24, 48, 72, 96, 120, 168, 240, 336, 504, 720, 1080, 1440, 2160,
                               4320, 8760)
BUCKETS = len(HOUR_EDGES) + 1
BUCKET_COLUMNS: tuple[str, ...] = tuple(f"h{i:02d}" for i in range(BUCKETS))
#: The summable columns of DailyCount, in the order rollups.py builds its delta vectors.
MEASURES: tuple[str, ...] = ("received", "closed", "closed_with_sla", "closed_within_sla", "reopened",
                             "open_now") + BUCKET_COLUMNS
#: The key columns of DailyCount (0 stands for "none" in department and district, so the key has no NULL
#: and "INSERT … ON CONFLICT" finds the row on both databases).
KEYS: tuple[str, ...] = ("day", "jurisdiction_key", "department_key", "service_type_key", "district_key")
#: The key columns of DailyTypeCount, and where they sit in a KEYS tuple.
TYPE_KEYS: tuple[str, ...] = ("day", "jurisdiction_key", "service_type_key")
TYPE_KEY_POSITIONS: tuple[int, ...] = (0, 1, 3)


class Counts(models.Model):
    """The summable measures both roll-up tables hold (see DailyCount for their meaning)."""

    received = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    closed_with_sla = models.IntegerField(default=0)
    closed_within_sla = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    open_now = models.IntegerField(default=0)

    class Meta:
        abstract = True


class DailyCount(Counts):
    """Counts of public requests for one day and one combination of the dimensions.

    `received` counts requests by the day they were received (`requested_at`), `open_now` counts the ones
    of them still open now (the backlog, aged from that day); `closed`, `closed_with_sla`,
    `closed_within_sla` and the `hNN` histogram count requests by the day they were closed (`closed_at`);
    `reopened` counts reopenings by the day they happened. Days are local dates in settings.TIME_ZONE.
    A request is always counted under its current jurisdiction, department, type and district.
    """

    day = models.DateField()
    jurisdiction_key = models.BigIntegerField()
    department_key = models.BigIntegerField(default=0)
    service_type_key = models.BigIntegerField()
    district_key = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=list(KEYS), name="rollup_daily_key")]
        indexes = [
            models.Index(fields=["jurisdiction_key", "day"], name="rollup_juris_day"),
            models.Index(fields=["department_key", "day"], name="rollup_dept_day"),
            models.Index(fields=["service_type_key", "day"], name="rollup_type_day"),
            models.Index(fields=["district_key", "day"], name="rollup_district_day"),
            models.Index(fields=["day"], condition=models.Q(open_now__gt=0), name="rollup_open_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} j{self.jurisdiction_key} d{self.department_key} t{self.service_type_key}"


class DailyTypeCount(Counts):
    """DailyCount summed over departments and districts: day × jurisdiction × service type.

    A city with hundreds of kinds of problem and dozens of districts has thousands of DailyCount rows a
    day; this coarser table answers the dashboards filtered by neither department nor district (city-wide,
    a jurisdiction, a kind of problem) from a few hundred rows a day. Kept in the same transactions.
    """

    day = models.DateField()
    jurisdiction_key = models.BigIntegerField()
    service_type_key = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=list(TYPE_KEYS), name="rollup_type_key")]
        indexes = [
            models.Index(fields=["jurisdiction_key", "day"], name="rollup_t_juris_day"),
            models.Index(fields=["service_type_key", "day"], name="rollup_t_type_day"),
            models.Index(fields=["day"], condition=models.Q(open_now__gt=0), name="rollup_t_open_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} j{self.jurisdiction_key} t{self.service_type_key}"


for _model in (DailyCount, DailyTypeCount):
    for _column in BUCKET_COLUMNS:
        _model.add_to_class(_column, models.IntegerField(default=0))


class CountedRequest(models.Model):
    """What one request contributes to DailyCount now (its "last counted state").

    Every request has a row once the sync job has seen it, private ones too (`counted=False`), so "new
    requests" are those without a row. The request is referenced by id only: the row must outlive the
    request's deletion long enough for its contribution to be taken away (receivers.py).
    """

    request_id = models.BigIntegerField(primary_key=True)
    counted = models.BooleanField(default=False)
    jurisdiction_key = models.BigIntegerField(default=0)
    department_key = models.BigIntegerField(default=0)
    service_type_key = models.BigIntegerField(default=0)
    district_key = models.BigIntegerField(default=0)
    received_day = models.DateField(null=True)
    is_open = models.BooleanField(default=False)
    closed_day = models.DateField(null=True)
    close_bucket = models.SmallIntegerField(null=True)
    #: 0 no SLA, 1 closed within it, 2 closed after it (only set for closed requests).
    sla = models.SmallIntegerField(default=0)
    #: The local dates of its reopenings, ISO, comma-separated ("2026-03-01,2026-03-09").
    reopen_days = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return f"request {self.request_id}"


class RollupState(models.Model):
    """The sync job's watermarks (one row, pk=1). See rollups.sync_rollups."""

    #: Start time of the last completed sync: requests updated after (this minus OVERLAP) are looked at again.
    changed_since = models.DateTimeField(null=True)
    #: [[iso time, highest request id then], …] of recent syncs: the id floor for new requests comes from the
    #: newest mark older than OVERLAP.
    id_marks = models.JSONField(default=list)
    #: Service types that were private when last counted: a type that changes privacy is counted again.
    private_types = models.JSONField(default=list)
    synced_at = models.DateTimeField(null=True)
    rebuilt_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"roll-ups synced at {self.synced_at}"
