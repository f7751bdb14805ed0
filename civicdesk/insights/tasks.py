"""Background work for insights: the periodic hotspot detection."""

from __future__ import annotations

import logging

from django_tasks import task

log = logging.getLogger(__name__)


@task()
def detect_hotspots() -> dict:
    """Run detection and store its results (see services.run_detection). Safe to run twice: a second run finds
    the same places and only updates them. A transient database error (locked, connection lost) is raised to
    the task worker, which records the failure; the next scheduled slot runs it again."""
    from .services import run_detection

    run = run_detection()
    log.info("hotspot detection: %s flagged (%s new, %s resolved) of %s tested in %.2f s",
             run.flagged, run.new, run.resolved, run.tested, run.seconds)
    return {"run": run.pk, "flagged": run.flagged, "new": run.new, "resolved": run.resolved,
            "seconds": round(run.seconds, 3)}
