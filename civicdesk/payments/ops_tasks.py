"""Background work of the staff money operations: the daily reconciliation and the retry of approved refunds.
Both are safe to run twice; a busy or unreachable database is logged and left to the next run
(core.periodic.unless_database_busy)."""

from __future__ import annotations

from django_tasks import task


@task()
def reconcile_payouts_task() -> int:
    """The daily reconciliation (reconciliation.run_daily); returns the new differences (the next day's run looks
    back 90 days, so a skipped day is caught up)."""
    from civicdesk.core.periodic import unless_database_busy

    from .reconciliation import run_daily

    return unless_database_busy(lambda: run_daily().new_differences, "payout reconciliation")


def _send_approved_refunds() -> int:
    from .models import Refund
    from .refunds import send_refund

    tried = 0
    for refund in Refund.objects.filter(status=Refund.Status.APPROVED).order_by("decided_at", "pk")[:200]:
        send_refund(refund)
        tried += 1
    return tried


@task()
def send_approved_refunds_task() -> int:
    """Send again the approved refunds a provider could not take yet (a soft error, a crash after approval), with
    their stored idempotency keys; returns how many were tried."""
    from civicdesk.core.periodic import unless_database_busy

    return unless_database_busy(_send_approved_refunds, "refund retry")
