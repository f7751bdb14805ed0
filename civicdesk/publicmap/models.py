"""The public map's roll-up: public requests counted per grid cell, kept current by the roll-up sync job.

`MapCellCount` holds, for every grid level 0..ROLLUP_MAX_LEVEL (the map's cell at zoom L, `cell_degrees(L)`
wide), one row per cell × service type × open/closed × district × department × period, with how many public
requests have their public point there and the sums of those points' coordinates (so a cell's drawn position,
the mean, is exact). Periods come in three grains: the whole history (`ALL`), a calendar month and a day
(local dates in settings.TIME_ZONE), so a date-range filter is answered exactly by whole months plus the days
of the partial months at its edges. `MappedRequest` is each request's last counted state for this table (as
transparency.CountedRequest is for the dashboards) and `MapRollupState` what the table was built against.
See rollup.py and docs/public-map.md.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

#: The finest grid level kept (zoom 14: cells of 90 / 2^14 ≈ 0.0055°, about 600 m); views zoomed in further
#: are counted on the fly from the requests table.
ROLLUP_MAX_LEVEL = 14
#: The `period` of the whole-history rows (a fixed date, so the unique key has no NULL).
ALL_TIME = dt.date(1970, 1, 1)


class Grain(models.IntegerChoices):
    ALL = 0, "all time"
    MONTH = 1, "month"
    DAY = 2, "day"


#: The key columns of MapCellCount, in the order rollup.py builds its keys.
CELL_KEYS: tuple[str, ...] = ("level", "grain", "period", "cy", "cx", "service_type_key", "is_open",
                              "district_key", "department_key")


class MapCellCount(models.Model):
    """Public requests in one grid cell for one combination of the map's filters and one period.

    `cy`, `cx`: the cell's row and column, floor(public lat / size) and floor(public long / size) with
    size = cell_degrees(level); `period`: ALL_TIME, the first day of a month, or a day, per `grain`, of the
    day the request was made; 0 in `district_key` / `department_key` stands for none. `requests` is the count,
    `sum_lat` / `sum_long` the sums of their public points (snapped for sensitive types).
    """

    level = models.SmallIntegerField()
    grain = models.SmallIntegerField(choices=Grain.choices)
    period = models.DateField()
    cy = models.IntegerField()
    cx = models.IntegerField()
    service_type_key = models.BigIntegerField()
    is_open = models.BooleanField()
    district_key = models.BigIntegerField(default=0)
    department_key = models.BigIntegerField(default=0)
    requests = models.IntegerField(default=0)
    sum_lat = models.FloatField(default=0.0)
    sum_long = models.FloatField(default=0.0)

    class Meta:
        # The unique key doubles as the read index: a view is one range of `cy` at one level, grain (and
        # period range), the other columns filtered inside it.
        constraints = [models.UniqueConstraint(fields=["level", "grain", "period", "cy", "cx", "service_type_key",
                                                       "is_open", "district_key", "department_key"],
                                               name="mapcell_key")]
        # Rows a change left empty, found and deleted after each batch of changes.
        indexes = [models.Index(fields=["level"], condition=models.Q(requests__lte=0), name="mapcell_empty")]

    def __str__(self) -> str:
        return f"L{self.level} g{self.grain} {self.period} ({self.cy}, {self.cx}) t{self.service_type_key}"


#: What a request contributes (MappedRequest columns after request_id).
MAPPED_FIELDS: tuple[str, ...] = ("service_type_key", "is_open", "district_key", "department_key", "day", "plat",
                                  "plong", "on_line")


class MappedRequest(models.Model):
    """What one public request contributes to MapCellCount now (requests the map does not count have no row).
    The request is referenced by id only, so the row outlives its deletion until its contribution is taken
    away."""

    request_id = models.BigIntegerField(primary_key=True)
    service_type_key = models.BigIntegerField(default=0)
    is_open = models.BooleanField(default=False)
    district_key = models.BigIntegerField(default=0)
    department_key = models.BigIntegerField(default=0)
    day = models.DateField(null=True)
    #: The public point: exact, or snapped for a sensitive type.
    plat = models.FloatField(null=True)
    plong = models.FloatField(null=True)
    #: The public point lies exactly on a line of the finest grid, so maybe on the north or east edge of a
    #: view, where the roll-up's cells do not hold it (see rollup.cells_from_rollup). Rare: a partial index.
    on_line = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["plat", "plong"], condition=models.Q(on_line=True), name="mapped_on_line")]

    def __str__(self) -> str:
        return f"mapped request {self.request_id}"


class MapRollupState(models.Model):
    """One row (pk=1): when the map roll-up was last rebuilt, and which service types were sensitive when
    their requests were last counted (a type whose sensitivity changes is counted again)."""

    sensitive_types = models.JSONField(default=list)
    rebuilt_at = models.DateTimeField(null=True)
    synced_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"map roll-up rebuilt at {self.rebuilt_at}"
