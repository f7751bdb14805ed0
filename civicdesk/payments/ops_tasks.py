"""Background work of the staff money operations: the daily reconciliation and the retry of approved refunds."""

from __future__ import annotations

import logging

from django_tasks import task

log = logging.getLogger(__name__)


@task()
def reconcile_payouts_task() -> int:
    """The daily reconciliation (reconciliation.run_daily); returns the new differences. Safe to run twice; a busy
    or unreachable database is logged and left to the next day's run (which looks back 90 days)."""
    from civicdesk.core.periodic import is_transient_database_error

    from .reconciliation import run_daily

    try:
        return run_daily().new_differences
    except Exception as exc:
        if is_transient_database_error(exc):
            log.warning("payout reconciliation skipped, database busy or unreachable: %s", exc)
            return 0
        raise


@task()
def send_approved_refunds_task() -> int:
    """Send again the approved refunds a provider could not take yet (a soft error, a crash after approval), with
    their stored idempotency keys; returns how many were tried."""
    from civicdesk.core.periodic import is_transient_database_error

    from .models import Refund
    from .refunds import send_refund

    tried = 0
    try:
        for refund in Refund.objects.filter(status=Refund.Status.APPROVED).order_by("decided_at", "pk")[:200]:
            send_refund(refund)
            tried += 1
    except Exception as exc:
        if is_transient_database_error(exc):
            log.warning("refund retry skipped, database busy or unreachable: %s", exc)
            return tried
        raise
    return tried
