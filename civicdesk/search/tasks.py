"""Background work for search: the periodic sync that makes the index match every source, and the daily prune
of the searches without results (kept 180 days)."""

from __future__ import annotations

import logging

from django_tasks import task

from civicdesk.core.periodic import unless_database_busy

log = logging.getLogger(__name__)


@task()
def sync_search_index() -> int:
    """Re-read every registered source and rewrite the entries that changed; returns how many were written.

    Catches what no save signal announces (a notice whose start time came, a bulk update, a re-index that
    failed). Safe to run twice (it converges); a busy or unreachable database is logged and left to the next
    slot.
    """
    from . import services

    written = unless_database_busy(services.sync_all, "search sync")
    if written == 0:  # the database was busy
        return 0
    if written.added or written.changed or written.removed:
        log.info("search sync: %s added, %s changed, %s removed", written.added, written.changed, written.removed)
    return written.added + written.changed + written.removed


@task()
def prune_search_misses() -> int:
    """Delete the counts of searches without results older than misses.MISS_DAYS (180 days); returns how many
    rows went. Safe to run twice; a busy database is left to the next day."""
    from . import misses

    return unless_database_busy(misses.prune, "search misses prune")
