"""The SLA sweep: mark requests that are due soon or overdue, and tell the team lead once per state."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import formats, timezone
from django.utils.translation import gettext

from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.lib.business_time import BusinessCalendar
from civicdesk.servicerequests import signals
from civicdesk.servicerequests.models import ServiceRequest, TimelineEntry

STATES = ("overdue", "due_soon")

#: A request is due soon when at most this many of its jurisdiction's business hours are left
#: (one working day): a Friday-evening due time is not "soon" while a Monday-morning one after
#: a weekend is, however many wall-clock hours separate them.
DUE_SOON_BUSINESS_HOURS = 8.0
#: The SQL bound reaches one second of business time further, so that due times falling in the
#: closed hours right after the threshold (still exactly DUE_SOON_BUSINESS_HOURS away) are included.
_SLACK_HOURS = 1 / 3600


def calendars(jurisdiction_ids=None) -> dict[int, BusinessCalendar]:
    """Business calendars by jurisdiction id (all jurisdictions by default), in one query."""
    queryset = Jurisdiction.objects.all()
    if jurisdiction_ids is not None:
        queryset = queryset.filter(pk__in=list(jurisdiction_ids))
    # One row per holiday (or one with None for a jurisdiction without any), through a LEFT JOIN.
    found: dict[int, tuple[dict, str, list]] = {}
    for pk, hours, time_zone, holiday in queryset.values_list("pk", "business_hours", "time_zone",
                                                              "holidays__date"):
        found.setdefault(pk, (hours, time_zone, []))[2].extend([holiday] if holiday else [])
    return {pk: BusinessCalendar.from_hours(hours, time_zone, holidays)
            for pk, (hours, time_zone, holidays) in found.items()}


def is_due_soon(calendar: BusinessCalendar, now: dt.datetime, expected_at: dt.datetime) -> bool:
    """The rule itself: not yet due, and at most DUE_SOON_BUSINESS_HOURS business hours left."""
    return expected_at >= now and calendar.business_hours_between(now, expected_at) <= DUE_SOON_BUSINESS_HOURS


def due_soon_q(now: dt.datetime, cals: dict[int, BusinessCalendar]) -> Q:
    """Open-ended SQL filter for requests that may be due soon, one due-time bound per jurisdiction.

    It may include a request up to one business second past the threshold;
    `is_due_soon` is exact. Business time is monotonic, so a due time with at
    most N business hours left lies before `add_business_hours(now, N + slack)`.
    """
    condition = Q(pk__in=[])
    for jurisdiction_id, calendar in cals.items():
        bound = calendar.add_business_hours(now, DUE_SOON_BUSINESS_HOURS + _SLACK_HOURS)
        condition |= Q(jurisdiction_id=jurisdiction_id, expected_at__gte=now, expected_at__lt=bound)
    return condition


def _pending(state: str, now: dt.datetime, cals: dict[int, BusinessCalendar]):
    window = Q(expected_at__lt=now) if state == "overdue" else due_soon_q(now, cals)
    already = TimelineEntry.objects.filter(request=OuterRef("pk"), kind=TimelineEntry.Kind.INTERNAL_NOTE,
                                           data__sla=state)
    return ServiceRequest.objects.filter(window, is_open__in=[True]).exclude(Exists(already))


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Mark every open request newly overdue or due soon, once per state; returns how many of each.

    "Due soon" counts business hours of the request's jurisdiction (opening
    hours and holidays), see DUE_SOON_BUSINESS_HOURS.

    Each mark is an internal timeline entry (`data["sla"]`), an audit entry and
    the `sla_marked` signal (whose receiver queues the message to the team lead, or else the
    department's supervisors), written together.
    Running it again marks nothing twice, so cron may run it as often as wanted.
    """
    now = now or timezone.now()
    cals = calendars()
    marked = {}
    for state in STATES:
        count = 0
        for request in _pending(state, now, cals).select_related("jurisdiction").iterator(chunk_size=500):
            if state == "due_soon" and not is_due_soon(cals[request.jurisdiction_id], now, request.expected_at):
                continue
            due = formats.date_format(request.expected_at.astimezone(request.jurisdiction.tz),
                                      "DATETIME_FORMAT")
            text = (gettext("Overdue: it was due by %s.") if state == "overdue"
                    else gettext("Due soon: it is due by %s.")) % due
            with transaction.atomic():
                entry = TimelineEntry.objects.create(request=request, kind=TimelineEntry.Kind.INTERNAL_NOTE,
                                                     is_public=False, message=text, created_at=now,
                                                     data={"sla": state})
                request.log_action(f"servicerequest.sla_{state}", data={"expected_at": request.expected_at})
                signals.sla_marked.send(sender=ServiceRequest, request=request, entry=entry, state=state)
            count += 1
        marked[state] = count
    return marked
