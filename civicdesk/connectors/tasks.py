"""Background tasks of the connectors: one delivery attempt, and the periodic poll for updates."""

from __future__ import annotations

import logging

from django_tasks import task

log = logging.getLogger(__name__)


@task()
def deliver_record(record_id: int) -> str:
    """One attempt to forward a record (services.deliver): safe to run twice, late, or as a watchdog."""
    from . import services

    return services.deliver(record_id)


@task()
def poll_connectors() -> int:
    """Bring every polling connector's updates in (services.poll_all); a busy database waits for the next
    slot, which reads from the same cursor."""
    from civicdesk.core.periodic import is_transient_database_error

    from . import services

    try:
        return services.poll_all()
    except Exception as exc:
        if is_transient_database_error(exc):
            log.warning("connector poll skipped, database busy or unreachable: %s", exc)
            return 0
        raise
