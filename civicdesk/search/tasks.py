"""Background work for search: the periodic sync that makes the index match every source."""

from __future__ import annotations

import logging

from django_tasks import task

log = logging.getLogger(__name__)


@task()
def sync_search_index() -> int:
    """Re-read every registered source and rewrite the entries that changed; returns how many were written.

    Catches what no save signal announces (a notice whose start time came, a bulk update, a re-index that
    failed). Safe to run twice (it converges); a busy or unreachable database is logged and left to the next
    slot.
    """
    from civicdesk.core.periodic import is_transient_database_error

    from .services import sync_all

    try:
        written = sync_all()
    except Exception as exc:
        if is_transient_database_error(exc):
            log.warning("search sync skipped, database busy or unreachable: %s", exc)
            return 0
        raise
    if written.added or written.changed or written.removed:
        log.info("search sync: %s added, %s changed, %s removed", written.added, written.changed, written.removed)
    return written.added + written.changed + written.removed


@task()
def prune_search_misses() -> int:
    """Delete the counts of searches without results older than misses.MISS_DAYS (180 days); returns how many
    rows went. Safe to run twice; a busy database is left to the next day."""
    from civicdesk.core.periodic import is_transient_database_error

    from .misses import prune

    try:
        return prune()
    except Exception as exc:
        if is_transient_database_error(exc):
            log.warning("search misses prune skipped, database busy or unreachable: %s", exc)
            return 0
        raise
