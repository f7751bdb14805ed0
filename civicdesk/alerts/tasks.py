"""Background work for area alerts: find who is interested in a request, then queue their messages."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import OperationalError
from django.utils import timezone
from django_tasks import task

from civicdesk.servicerequests.models import ServiceRequest

from . import services

log = logging.getLogger(__name__)

#: Matching and queueing run before sending (priority 0): they are cheap next to SMTP, and once every
#: Delivery row exists nothing about the alert can be lost or forgotten behind a long send queue.
PRIORITY = 10
#: A chunk that could not write (SQLite busy past its timeout, a PostgreSQL serialization or connection
#: failure) is tried again this many times, 10 s, 20 s, ... later; its keys make a retry send nothing twice.
MAX_ATTEMPTS = 6


@task(priority=PRIORITY)
def fan_out_area_alert(request_id: int, event: str) -> int:
    """Match the request against live immediate subscriptions and enqueue one send task per chunk.

    Splitting the fan-out into chunk tasks lets every running worker share a large area's alerts.
    Returns the number of subscriptions matched.
    """
    request = ServiceRequest.objects.select_related("service_type").filter(pk=request_id).first()
    if request is None:
        return 0
    matched = 0
    for rows in services.subscriptions_for_request(request, event,
                                                   frequency=services.AreaSubscription.Frequency.IMMEDIATE):
        send_area_alerts.enqueue(request_id, event, [s.pk for s in rows])
        matched += len(rows)
    return matched


@task(priority=PRIORITY)
def send_area_alerts(request_id: int, event: str, subscription_ids: list[int], attempt: int = 1) -> int:
    """Queue the alert about one request to a chunk of subscriptions (see services.send_alerts).

    A database that stays busy or fails mid-chunk rolls the chunk back and enqueues it again (up to
    MAX_ATTEMPTS), so a chunk is never silently dropped.
    """
    try:
        return services.send_alerts(request_id, event, subscription_ids)
    except OperationalError:
        if attempt >= MAX_ATTEMPTS:
            raise
        log.warning("area alert chunk for request %s (%s subscriptions) failed to write, attempt %s; retrying",
                    request_id, len(subscription_ids), attempt)
        send_area_alerts.using(run_after=timezone.now() + dt.timedelta(seconds=10 * attempt)).enqueue(
            request_id, event, subscription_ids, attempt + 1)
        return 0
