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
def invite_audience(survey_id: int, district_ids: list[int], subscribers: bool, service_type_ids: list[int],
                    attempt: int = 1) -> int:
    """Invite a survey's audience (services.invite); returns the messages queued. Safe to run twice."""
    from . import services
    from .models import Survey

    survey = Survey.objects.select_related("form").filter(pk=survey_id).first()
    if survey is None:
        return 0
    try:
        return services.invite(survey, district_ids=district_ids, subscribers=subscribers,
                               service_type_ids=service_type_ids)
    except OperationalError:
        if attempt >= MAX_ATTEMPTS:
            raise
        log.warning("survey %s invitations failed to write, attempt %s; retrying", survey_id, attempt)
        invite_audience.using(run_after=timezone.now() + dt.timedelta(seconds=10 * attempt)).enqueue(
            survey_id, district_ids, subscribers, service_type_ids, attempt + 1)
        return 0
