"""The numbers of "was it fixed?" (defined in docs/feedback.md): per department, per kind of problem, in total.

Every number counts answers by the day they were given (the local day in settings.TIME_ZONE), one answer
per person per request:

- answers: how many answers;
- fixed share: answers saying "fixed" / answers (None without answers);
- mean satisfaction: the mean of the 1–5 ratings given (answers without a rating are left out; None without any).

The staff console, the public dashboard (civicdesk.transparency) and the monthly report (civicdesk.reports)
all read them from here, so they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, Q
from django.utils import timezone

from .models import Answer


@dataclass
class Row:
    """One line of a breakdown: `key` is the department or service type id (None: not routed)."""

    key: int | None
    name: str
    answers: int
    fixed: int
    rated: int
    mean_satisfaction: float | None

    @property
    def fixed_share(self) -> float | None:
        return self.fixed / self.answers if self.answers else None

    @property
    def fixed_percent(self) -> float | None:
        return None if self.fixed_share is None else round(100 * self.fixed_share, 1)


def day_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) in the site's time zone, as aware datetimes."""
    tz = timezone.get_default_timezone()
    return (dt.datetime.combine(start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))


def in_period(answers, start: dt.date, end: dt.date):
    """The answers given from the day `start` to the day `end`, both included (site time zone)."""
    return between(answers, *day_range(start, end))


def between(answers, since: dt.datetime, until: dt.datetime):
    """The answers given at or after `since` and before `until`."""
    return answers.filter(created_at__gte=since, created_at__lt=until)


def public_answers():
    """Answers about requests the public may see (not private, not of a private kind): what public pages count."""
    from civicdesk.servicerequests.models import ServiceRequest

    return Answer.objects.filter(request__in=ServiceRequest.objects.public().values("pk"))


def scoped(answers, *, jurisdiction_id=None, department_id=None, service_type_id=None, district_id=None):
    """The answers about requests in the given jurisdiction, department, kind of problem and district (None: all)."""
    where = Q()
    for field, value in (("request__jurisdiction_id", jurisdiction_id), ("request__department_id", department_id),
                         ("request__service_type_id", service_type_id), ("request__district_id", district_id)):
        if value is not None:
            where &= Q(**{field: value})
    return answers.filter(where)


def public_summary(start: dt.date, end: dt.date, **scope) -> Row:
    """The public dashboard's numbers: answers about public requests in `scope` (see `scoped`) given from
    `start` to `end`; never comments."""
    return total(in_period(scoped(public_answers(), **scope), start, end))


def as_data(row: Row) -> dict:
    """A total as JSON-ready data (the monthly report stores it)."""
    return {"answers": row.answers, "fixed": row.fixed, "fixed_share": row.fixed_share, "rated": row.rated,
            "mean_satisfaction": row.mean_satisfaction}


def total(answers) -> Row:
    row = answers.aggregate(answers=Count("pk"), fixed=Count("pk", filter=Q(fixed=True)),
                            rated=Count("satisfaction"), mean=Avg("satisfaction"))
    return Row(None, "", row["answers"], row["fixed"], row["rated"],
               float(row["mean"]) if row["mean"] is not None else None)


def breakdown(answers, by: str) -> list[Row]:
    """One Row per department (`by="department"`) or kind of problem (`by="service_type"`), most answers first,
    in one query."""
    field = {"department": "request__department", "service_type": "request__service_type"}[by]
    rows = (answers.values(field, f"{field}__name")
            .annotate(n=Count("pk"), fixed_n=Count("pk", filter=Q(fixed=True)), rated_n=Count("satisfaction"),
                      mean=Avg("satisfaction"))
            .order_by("-n", f"{field}__name"))
    return [Row(row[field], row[f"{field}__name"] or "", row["n"], row["fixed_n"], row["rated_n"],
                float(row["mean"]) if row["mean"] is not None else None) for row in rows]
