"""Background work for meetings: the reminder job the scheduler runs every 15 minutes."""

from __future__ import annotations

from django_tasks import task


@task()
def send_reminders_task() -> int:
    """Queue the day-before reminders (see services.send_reminders); safe to run twice or late.

    A busy or unreachable database is logged and left to the next slot."""
    from civicdesk.core.periodic import unless_database_busy

    from .services import send_reminders

    return unless_database_busy(send_reminders, "meeting reminders")
