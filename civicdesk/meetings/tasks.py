"""Background work for meetings: the reminder job the scheduler runs every 15 minutes."""

from __future__ import annotations

import logging

from django_tasks import task

log = logging.getLogger(__name__)


@task()
def send_reminders_task() -> int:
    """Queue the day-before reminders (see services.send_reminders); safe to run twice or late.

    A busy or unreachable database is logged and left to the next slot."""
    from civicdesk.core.periodic import is_transient_database_error

    from .services import send_reminders

    try:
        return send_reminders()
    except Exception as exc:
        if is_transient_database_error(exc):
            log.warning("meeting reminders skipped, database busy or unreachable: %s", exc)
            return 0
        raise
