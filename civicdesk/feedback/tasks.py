"""Background work for "was it fixed?": the job that asks about requests closed long enough ago."""

from __future__ import annotations

from django_tasks import task


@task()
def ask_due_task() -> int:
    """Ask the people of every request now due (services.ask_due); returns how many messages were queued.

    Twice-safe (each request is marked asked in the transaction that asks). A busy or unreachable database is
    logged and left to the next slot, which finds the same requests still due.
    """
    from civicdesk.core.periodic import unless_database_busy

    from .services import ask_due

    return unless_database_busy(ask_due, "feedback questions")
