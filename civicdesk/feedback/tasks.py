"""Background work for "was it fixed?": the job that asks about requests closed long enough ago."""

from __future__ import annotations

import logging

from django_tasks import task

log = logging.getLogger(__name__)


@task()
def ask_due_task() -> int:
    """Ask the people of every request now due (services.ask_due); returns how many messages were queued.

    Twice-safe (each request is marked asked in the transaction that asks). A busy or unreachable database is
    logged and left to the next slot, which finds the same requests still due.
    """
    from civicdesk.core.periodic import is_transient_database_error

    from .services import ask_due

    try:
        return ask_due()
    except Exception as exc:
        if is_transient_database_error(exc):
            log.warning("feedback questions skipped, database busy or unreachable: %s", exc)
            return 0
        raise
