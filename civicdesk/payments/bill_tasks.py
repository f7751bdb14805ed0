"""Background work for bills: the reminder and late-fee run the scheduler starts every hour, and a staff upload's
import carried on by the worker."""

from __future__ import annotations

from django_tasks import task

from civicdesk.core.periodic import unless_database_busy


@task()
def send_bill_reminders() -> int:
    """Apply due late fees and queue due reminders (reminders.run_reminders); returns the reminders queued.

    Safe to run twice, late or after a crash: each stage of each bill is recorded with its messages in one
    transaction. A busy or unreachable database is logged and left to the next hourly run."""
    from .reminders import run_reminders

    return unless_database_busy(lambda: run_reminders().reminders, "bill reminders")


@task()
def import_uploaded_bills(run_id: int) -> int:
    """Carry an uploaded bill file's import on to its end; returns the bills loaded so far by the run.

    Idempotent: a second call (a retry, or staff pressing "continue") resumes after the last committed batch."""
    from .billimport import ImportFailed, import_bills
    from .models import BillImportRun

    run = BillImportRun.objects.select_related("jurisdiction", "started_by").get(pk=run_id)
    if run.is_finished():
        return run.bills_loaded
    try:
        return import_bills(run).bills_loaded
    except ImportFailed as exc:
        # The file itself is gone or unreadable: say so on the import's page instead of retrying for ever.
        BillImportRun.objects.filter(pk=run.pk).update(state=BillImportRun.State.FAILED, error=str(exc)[:2000])
        return run.bills_loaded
