"""Background work for the roll-ups: the sync job the scheduler runs every minute."""

from __future__ import annotations

import logging

from django_tasks import task

log = logging.getLogger(__name__)


@task()
def sync_rollups_task() -> int:
    """Apply every request change since the last run to the roll-ups; returns how many requests changed.

    Safe to run twice or late (see rollups.sync_rollups). A busy or unreachable database is logged and left
    to the next slot, which looks back far enough to catch up.
    """
    from civicdesk.core.periodic import is_transient_database_error

    from .rollups import sync_rollups

    try:
        return sync_rollups().changed
    except Exception as exc:
        if is_transient_database_error(exc):
            log.warning("roll-up sync skipped, database busy or unreachable: %s", exc)
            return 0
        raise
