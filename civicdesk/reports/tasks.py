"""Background work for reports: last month's report for every jurisdiction, on the 1st of each month."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

from civicdesk.core.periodic import forget_connections, is_transient_database_error

log = logging.getLogger(__name__)

#: A run that meets a busy or unreachable database is tried again this many times, 1, 2, 4 ... minutes later.
MAX_ATTEMPTS = 6


@task()
def generate_monthly_reports(attempt: int = 1) -> list[str]:
    """Generate each active jurisdiction's report for its last complete month, where still missing.

    Returns "slug YYYY-MM" of each report made. Running it twice makes nothing the second time (a stored
    report is never replaced by the schedule). A transient database error (locked, timed out, connection
    lost) enqueues a later attempt instead of failing; each report is stored in its own transaction, so
    the reports already made stay made.
    """
    from .services import generate_due_reports

    try:
        return [f"{r.jurisdiction.slug} {r.month_slug}" for r in generate_due_reports()]
    except Exception as exc:
        if not is_transient_database_error(exc) or attempt >= MAX_ATTEMPTS:
            raise
        delay = dt.timedelta(minutes=2 ** (attempt - 1))
        log.warning("monthly reports: database busy or unreachable (%s); trying again in %s", exc, delay)
        forget_connections()
        generate_monthly_reports.using(run_after=timezone.now() + delay).enqueue(attempt + 1)
        return []
