"""Background work for insights: the periodic hotspot detection."""

from __future__ import annotations

import logging
import time

from django_tasks import task

from civicdesk.core.periodic import forget_connections, is_transient_database_error, retry_delay

log = logging.getLogger(__name__)

#: Attempts within one run when the database is busy or briefly unreachable, and the first wait (doubling).
ATTEMPTS = 4
FIRST_WAIT = 2.0


@task()
def detect_hotspots() -> dict:
    """Run detection and store its results (see services.run_detection).

    Safe to run twice: a second run finds the same places and only updates them, and everything a run writes is
    one transaction. A transient database error (locked, lock timeout, connection lost: see
    civicdesk.core.periodic) drops the connections and tries again, up to ATTEMPTS times with growing waits;
    after that, or on any other error, the task fails (the worker records it) and the next hourly slot runs it.
    """
    from .services import run_detection

    for attempt in range(1, ATTEMPTS + 1):
        try:
            run = run_detection()
            break
        except Exception as exc:
            if attempt == ATTEMPTS or not is_transient_database_error(exc):
                raise
            delay = retry_delay(attempt, first=FIRST_WAIT, longest=30)
            log.warning("hotspot detection: the database is busy or unreachable (%s); trying again in %.0f s",
                        exc, delay)
            forget_connections()
            time.sleep(delay)
    log.info("hotspot detection: %s flagged (%s new, %s resolved) of %s tested in %.2f s",
             run.flagged, run.new, run.resolved, run.tested, run.seconds)
    return {"run": run.pk, "flagged": run.flagged, "new": run.new, "resolved": run.resolved,
            "seconds": round(run.seconds, 3)}
