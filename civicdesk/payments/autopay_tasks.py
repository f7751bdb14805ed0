"""The autopay run the scheduler starts every 15 minutes: notices, then debits (docs/payments-autopay.md)."""

from __future__ import annotations

from django_tasks import task

from civicdesk.core.periodic import unless_database_busy


@task()
def run_autopay_task() -> int:
    """Schedule the debits whose notice day came and attempt those due (autopay.run_autopay); returns the debits
    that succeeded. Safe to run twice or beside another run; a worker killed mid-debit is recovered by the next
    run, which asks the provider again with the same idempotency key."""
    from .autopay import run_autopay

    return unless_database_busy(lambda: run_autopay().succeeded, "autopay run")
