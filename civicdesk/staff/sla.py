"""The SLA sweep: mark requests that are due soon or overdue, and tell the team lead once per state."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import formats, timezone
from django.utils.translation import gettext

from civicdesk.servicerequests.models import ServiceRequest, TimelineEntry

from .services import DUE_SOON

STATES = ("overdue", "due_soon")


def _pending(state: str, now: dt.datetime):
    window = Q(expected_at__lt=now) if state == "overdue" else Q(expected_at__gte=now,
                                                                  expected_at__lt=now + DUE_SOON)
    already = TimelineEntry.objects.filter(request=OuterRef("pk"), kind=TimelineEntry.Kind.INTERNAL_NOTE,
                                           data__sla=state)
    return ServiceRequest.objects.filter(window, is_open__in=[True]).exclude(Exists(already))


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Mark every open request newly overdue or due soon, once per state; returns how many of each.

    Each mark is an internal timeline entry (`data["sla"]`), an audit entry and
    a queued email to the team lead (or the department), written together.
    Running it again marks nothing twice, so cron may run it as often as wanted.
    """
    from . import tasks

    now = now or timezone.now()
    marked = {}
    for state in STATES:
        count = 0
        for request in _pending(state, now).select_related("jurisdiction").iterator(chunk_size=500):
            due = formats.date_format(request.expected_at.astimezone(request.jurisdiction.tz),
                                      "DATETIME_FORMAT")
            text = (gettext("Overdue: it was due by %s.") if state == "overdue"
                    else gettext("Due soon: it is due by %s.")) % due
            with transaction.atomic():
                entry = TimelineEntry.objects.create(request=request, kind=TimelineEntry.Kind.INTERNAL_NOTE,
                                                     is_public=False, message=text, created_at=now,
                                                     data={"sla": state})
                request.log_action(f"servicerequest.sla_{state}", data={"expected_at": request.expected_at})
                tasks.notify_sla_lead.enqueue(entry.pk)
            count += 1
        marked[state] = count
    return marked
