"""Background work for the roll-ups: the sync job the scheduler runs every minute."""

from __future__ import annotations

from django_tasks import task


@task()
def sync_rollups_task() -> int:
    """Apply every request change since the last run to the roll-ups; returns how many requests changed.

    Safe to run twice or late (see rollups.sync_rollups). A busy or unreachable database is logged and left
    to the next slot, which looks back far enough to catch up.
    """
    from civicdesk.core.periodic import unless_database_busy

    from .rollups import sync_rollups

    return unless_database_busy(lambda: sync_rollups().changed, "roll-up sync")
