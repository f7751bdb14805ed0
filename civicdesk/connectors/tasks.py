"""Background tasks of the connectors: one delivery attempt, and the periodic poll for updates."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_record(record_id: int) -> str:
    """One attempt to forward a record (services.deliver): safe to run twice, late, or as a watchdog."""
    from . import services

    return services.deliver(record_id)


@task()
def poll_connectors() -> int:
    """Bring every polling connector's updates in (services.poll_all); a busy database waits for the next
    slot, which reads from the same cursor."""
    from civicdesk.core.periodic import unless_database_busy

    from . import services

    return unless_database_busy(lambda: services.poll_all(), "connector poll")
