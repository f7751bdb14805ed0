"""Periodic work of inspections: reminders of inspections within a day, hourly."""

from __future__ import annotations

from django_tasks import task


@task()
def reminders_task() -> int:
    """Remind applicants of inspections within 24 hours (services.send_reminders); safe to run twice (notify()'s
    keys); a busy or unreachable database is logged and left to the next run."""
    from civicdesk.core.periodic import unless_database_busy

    from .services import send_reminders

    return unless_database_busy(send_reminders, "inspection reminders")
