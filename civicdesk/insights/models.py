"""Hotspots and trends for staff: what detection found (Hotspot), each run of it, who wants to hear of new
hotspots, and the proactive work created from one. See docs/insights.md for every number's definition."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel


class DetectionRun(models.Model):
    """One run of `detection.detect()`: when, the window it looked at, how much it tested and flagged."""

    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    as_of = models.DateTimeField(_("window end"))
    tested = models.PositiveIntegerField(_("groups tested"), default=0)
    flagged = models.PositiveIntegerField(_("insights found"), default=0)
    new = models.PositiveIntegerField(_("new insights"), default=0)
    resolved = models.PositiveIntegerField(_("resolved insights"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)

    class Meta:
        verbose_name = _("hotspot detection run")
        verbose_name_plural = _("hotspot detection runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.flagged})"


class Hotspot(LoggedModel):
    """One insight for one kind of problem: a grid cell, a district or a whole jurisdiction whose count in the
    recent window is significantly above its own baseline, or a location reported again and again.

    The fields `jurisdiction`, `department` and `service_type` carry the same meaning as on a request (the
    department is the one handling the requests counted; None for requests waiting in triage), so the staff
    console's visibility rules (`civicdesk.staff.access.visibility_q`) filter hotspots exactly as they filter
    requests. A row is one occurrence: status `new` on the run that first flags it, `ongoing` while later runs
    flag it again, `resolved` once a run no longer does; flagged again after that, it is a new row.
    """

    class Kind(models.TextChoices):
        CELL = "cell", _("Hotspot cell")
        DISTRICT = "district", _("District spike")
        CITY = "city", _("City-wide spike")
        REPEAT = "repeat", _("Repeat location")

    class State(models.TextChoices):
        NEW = "new", _("New")
        ONGOING = "ongoing", _("Ongoing")
        RESOLVED = "resolved", _("Resolved")

    ACTIVE = (State.NEW, State.ONGOING)

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("jurisdiction"))
    department = models.ForeignKey("jurisdictions.Department", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="+", verbose_name=_("department"))
    service_type = models.ForeignKey("catalog.ServiceType", on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("kind of problem"))
    district = models.ForeignKey("jurisdictions.District", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("district"))
    #: What identifies the place across runs: "<row>:<col>" grid indexes for a cell, the district id, "" for a
    #: jurisdiction, "a:<address lower-cased>" or "p:<row>:<col>" (a ~25 m point) for a repeat location.
    key = models.CharField(_("place key"), max_length=300, blank=True)
    label = models.CharField(_("where"), max_length=255, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    long = models.FloatField(_("longitude"), null=True, blank=True)
    #: Bounds of the grid cell (cells) or of the ~25 m point (repeat locations without an address).
    south = models.FloatField(null=True, blank=True)
    west = models.FloatField(null=True, blank=True)
    north = models.FloatField(null=True, blank=True)
    east = models.FloatField(null=True, blank=True)
    window_start = models.DateTimeField(_("window start"))
    window_end = models.DateTimeField(_("window end"))
    baseline_start = models.DateTimeField(_("baseline start"), null=True, blank=True)
    observed = models.PositiveIntegerField(_("reports in the window"))
    baseline = models.PositiveIntegerField(_("reports in the baseline"), default=0)
    expected = models.FloatField(_("expected in the window"), null=True, blank=True)
    p_value = models.FloatField(_("p-value"), null=True, blank=True)
    q_value = models.FloatField(_("adjusted p-value"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.NEW)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("hotspot")
        verbose_name_plural = _("hotspots")
        ordering = ["-first_seen", "-id"]
        indexes = [models.Index(fields=["status", "kind", "jurisdiction"], name="ins_hotspot_state")]
        constraints = [
            # One active occurrence per place: a second detection run updates it instead of adding a twin.
            # (Coalesce: a NULL department, triage, must clash with itself on SQLite as on PostgreSQL.)
            models.UniqueConstraint("kind", "jurisdiction", Coalesce("department", Value(0)), "service_type", "key",
                                    condition=Q(status__in=["new", "ongoing"]), name="ins_one_active_hotspot"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.service_type} — {self.place_name()}"

    def get_absolute_url(self) -> str:
        return reverse("insights:detail", args=[self.pk])

    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    def place_name(self) -> str:
        """Where, in staff's words: the label (an address or "around <address>"), the district, or the
        jurisdiction."""
        if self.kind == self.Kind.CITY:
            return str(self.jurisdiction)
        if self.kind == self.Kind.DISTRICT and self.district_id:
            return self.district.name
        return self.label or (f"{self.lat:.4f}, {self.long:.4f}" if self.lat is not None else "")

    def ratio(self) -> float | None:
        """Observed over expected (how many times the usual count), None without an expectation."""
        if not self.expected:
            return None
        return self.observed / self.expected

    def window_days(self) -> int:
        return max(1, round((self.window_end - self.window_start) / dt.timedelta(days=1)))

    def requests(self, since: dt.datetime | None = None):
        """The requests this insight counted in its window (a ServiceRequest queryset, not yet scoped to a
        viewer: callers intersect it with `access.requests_visible_to`); from `since` instead of the window's
        start when given (the baseline too)."""
        from civicdesk.servicerequests.models import ServiceRequest

        found = ServiceRequest.objects.filter(
            jurisdiction_id=self.jurisdiction_id, service_type_id=self.service_type_id,
            requested_at__gte=since or self.window_start, requested_at__lt=self.window_end)
        found = found.filter(department_id=self.department_id) if self.department_id else found.filter(
            department__isnull=True)
        if self.kind == self.Kind.DISTRICT:
            found = found.filter(district_id=self.district_id)
        elif self.kind == self.Kind.REPEAT and self.key.startswith("a:"):
            found = found.filter(address__iexact=self.label)
        elif self.south is not None:
            found = found.filter(lat__gte=self.south, lat__lt=self.north, long__gte=self.west, long__lt=self.east)
        return found

    def weekly_counts(self) -> list[tuple[dt.datetime, int]]:
        """(week start, reports) for each 7-day week of the baseline and the window, oldest first, the last week
        ending at `window_end`: the series the test compares (one query). Empty for repeat locations."""
        if self.baseline_start is None:
            return []
        weeks = max(1, round((self.window_end - self.baseline_start) / dt.timedelta(days=7)))
        first = self.window_end - dt.timedelta(days=7 * weeks)
        counts = [0] * weeks
        for moment in self.requests(since=first).values_list("requested_at", flat=True).iterator():
            counts[min(weeks - 1, int((moment - first) / dt.timedelta(days=7)))] += 1
        return [(first + dt.timedelta(days=7 * n), count) for n, count in enumerate(counts)]

    def as_row(self) -> dict:
        """The insight as plain values: one line of the CSV and JSON downloads (no personal data)."""
        return {
            "id": self.pk, "kind": self.kind, "status": self.status,
            "jurisdiction": self.jurisdiction.slug, "department": self.department.slug if self.department_id else "",
            "service_code": self.service_type.code, "service_name": str(self.service_type.name),
            "district": self.district.slug if self.district_id else "", "where": self.place_name(),
            "lat": self.lat, "long": self.long, "south": self.south, "west": self.west, "north": self.north,
            "east": self.east, "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "baseline_start": self.baseline_start.isoformat() if self.baseline_start else None,
            "observed": self.observed, "baseline": self.baseline,
            "expected": round(self.expected, 3) if self.expected is not None else None,
            "p_value": self.p_value, "q_value": self.q_value,
            "first_seen": self.first_seen.isoformat(), "last_seen": self.last_seen.isoformat(),
            "resolved_at": self.resolved_at.isoformat() if self.resolved_at else None,
        }


class HotspotSubscription(models.Model):
    """A supervisor's wish to hear of new hotspots in a jurisdiction, optionally of one department or one kind
    of problem. Only the hotspots the person may see reach them (see services.tell_subscribers)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("jurisdiction"))
    department = models.ForeignKey("jurisdictions.Department", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="+", verbose_name=_("department"))
    service_type = models.ForeignKey("catalog.ServiceType", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("kind of problem"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("hotspot subscription")
        verbose_name_plural = _("hotspot subscriptions")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint("user", "jurisdiction", Coalesce("department", Value(0)),
                                               Coalesce("service_type", Value(0)), name="ins_one_subscription")]

    def __str__(self) -> str:
        return f"{self.user} — {self.service_type or self.department or self.jurisdiction}"

    def matches(self, hotspot: Hotspot) -> bool:
        """True when this subscription asks for `hotspot` (same jurisdiction, department and type when set)."""
        return (self.jurisdiction_id == hotspot.jurisdiction_id
                and (self.department_id is None or self.department_id == hotspot.department_id)
                and (self.service_type_id is None or self.service_type_id == hotspot.service_type_id))


class ProactiveWork(models.Model):
    """The one staff-originated request created from a hotspot (a cell, spike or repeat location)."""

    hotspot = models.OneToOneField(Hotspot, on_delete=models.CASCADE, related_name="work")
    request = models.OneToOneField("servicerequests.ServiceRequest", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("proactive work")
        verbose_name_plural = _("proactive work")

    def __str__(self) -> str:
        return f"{self.request_id} ← {self.hotspot_id}"
