"""Background work for applications: the deadline sweep the scheduler runs every 30 minutes."""

from __future__ import annotations

from django_tasks import task


@task()
def deadline_sweep_task() -> int:
    """Warn staff before legal deadlines pass (services.sweep); returns the warnings sent. Safe to run twice; a
    busy or unreachable database is logged and left to the next run."""
    from civicdesk.core.periodic import unless_database_busy

    from .services import sweep

    return unless_database_busy(sweep, "application deadline sweep")
