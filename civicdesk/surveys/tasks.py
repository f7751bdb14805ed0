"""Survey tasks: inviting an audience in the background."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import OperationalError
from django.utils import timezone
from django_tasks import task

log = logging.getLogger(__name__)

#: Queueing runs before sending (priority 0), like area alerts: once every Delivery row exists nothing is lost.
PRIORITY = 10
#: A run that could not write (database busy or failing) is tried again this many times, 10 s, 20 s, ... later;
#: invitations already queued are not queued twice (notify() is idempotent per address).
MAX_ATTEMPTS = 6


@task(priority=PRIORITY)
def invite_audience(survey_id: int, district_ids: list[int], subscribers: bool, service_type_ids: list[int]) -> int:
    """Find a survey's audience (services.audience) and enqueue one invite_chunk task per INVITE_CHUNK
    addresses, so every running worker shares the queueing. Returns the number of addresses found."""
    from . import services
    from .models import Survey

    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        return 0
    found = 0
    for chunk in services.chunks(services.audience(survey, district_ids=district_ids, subscribers=subscribers,
                                                    service_type_ids=service_type_ids), services.INVITE_CHUNK):
        invite_chunk.enqueue(survey_id, [list(row) for row in chunk])
        found += len(chunk)
    return found


@task(priority=PRIORITY)
def invite_chunk(survey_id: int, rows: list[list], attempt: int = 1) -> int:
    """Invite one chunk of the audience (services.invite_chunk); returns the messages queued. A chunk that could
    not write is enqueued again (up to MAX_ATTEMPTS); safe to run twice."""
    from . import services
    from .models import Survey

    survey = Survey.objects.select_related("form").filter(pk=survey_id).first()
    if survey is None:
        return 0
    try:
        return services.invite_chunk(survey, rows)
    except OperationalError:
        if attempt >= MAX_ATTEMPTS:
            raise
        log.warning("survey %s invitation chunk (%s addresses) failed to write, attempt %s; retrying", survey_id,
                    len(rows), attempt)
        invite_chunk.using(run_after=timezone.now() + dt.timedelta(seconds=10 * attempt)).enqueue(
            survey_id, rows, attempt + 1)
        return 0
