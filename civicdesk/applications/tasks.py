"""Background work for applications: the deadline sweep (every 30 minutes) and renewal reminders (daily)."""

from __future__ import annotations

from django_tasks import task


@task()
def deadline_sweep_task() -> int:
    """Warn staff before legal deadlines pass (services.sweep); returns the warnings sent. Safe to run twice; a
    busy or unreachable database is logged and left to the next run."""
    from civicdesk.core.periodic import unless_database_busy

    from .services import sweep

    return unless_database_busy(sweep, "application deadline sweep")


@task()
def renewal_reminders_task() -> int:
    """Remind holders of licences about to expire (renewals.send_reminders); returns the reminders sent. Safe to
    run twice; a busy or unreachable database is logged and left to the next run."""
    from civicdesk.core.periodic import unless_database_busy

    from .renewals import send_reminders

    return unless_database_busy(send_reminders, "licence renewal reminders")
