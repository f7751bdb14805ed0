"""`manage.py task_worker`: the database task worker (`db_worker`) under a stable name that survives a crash.

`db_worker` marks a task RUNNING when it takes it; if the process is killed
(kill -9, out of memory, power loss) the task stays RUNNING for ever and never
runs, so an acknowledgement could be lost. This command gives the worker a
stable id (`--worker-id`, default `TASK_WORKER_ID` or the host name), and
before it starts puts back in the queue every task still RUNNING under that
id: the process that took them is gone, since it is us restarting.

Run one per worker id. Several workers on one machine need distinct ids
(`--worker-id web1-a`, `--worker-id web1-b`); two live processes sharing an
id would hand each other's running tasks out twice.

A busy or briefly unreachable database (SQLite's "database is locked" past
the busy timeout, a PostgreSQL lock timeout or lost connection) does not end
the worker: it logs the error, closes its connections, waits (`--interval`,
doubling after each failure in a row, at most a minute), requeues what it had
itself left running, and goes on (civicdesk/core/periodic.py).
"""

from __future__ import annotations

import logging
import os
import socket
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from civicdesk.core.periodic import forget_connections, is_transient_database_error, retry_delay

log = logging.getLogger(__name__)

#: Longest wait, in seconds, between attempts while the database stays unavailable.
LONGEST_RETRY = 60
#: A worker that ran this long before failing starts its backoff again from the first wait.
STEADY_SECONDS = 60


def requeue_orphaned_tasks(worker_id: str) -> int:
    """Put tasks still RUNNING that `worker_id` took last back to READY; returns how many.

    Call it only when no live process uses `worker_id`. A requeued task runs
    again from the start, so tasks must be safe to run twice (sending code
    records what it sent, and message ids are stable).
    """
    requeued = 0
    with transaction.atomic():
        for task in DBTaskResult.objects.select_for_update().filter(status=TaskResultStatus.RUNNING):
            if task.worker_ids and task.worker_ids[-1] == worker_id:
                task.status = TaskResultStatus.READY
                task.started_at = None
                task.save(update_fields=["status", "started_at"])
                requeued += 1
    return requeued


class Command(BaseCommand):
    help = "Run the database task worker under a stable id, first requeueing tasks a crash left running."

    def add_arguments(self, parser):
        parser.add_argument("--worker-id", default=os.environ.get("TASK_WORKER_ID") or socket.gethostname()[:64],
                            help="Stable id of this worker (default TASK_WORKER_ID or the host name).")
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="Seconds to wait when the queue is empty (default 1).")

    def handle(self, *args, worker_id, batch, interval, verbosity, **options):
        failures = 0
        while True:
            started = time.monotonic()
            try:
                self._run(worker_id=worker_id, batch=batch, interval=interval, verbosity=verbosity)
                return
            except Exception as exc:
                if not is_transient_database_error(exc):
                    raise
                failures = 1 if time.monotonic() - started > STEADY_SECONDS else failures + 1
                delay = retry_delay(failures, first=max(interval, 0.5), longest=LONGEST_RETRY)
                log.warning("task_worker %s: the database is busy or unreachable (%s: %s); trying again in %.1f s "
                            "(%d failure(s) in a row)", worker_id, type(exc).__name__, exc, delay, failures)
                forget_connections()
                # db_worker's SIGTERM handler (still installed after its first start) ends this sleep cleanly.
                time.sleep(delay)

    def _run(self, *, worker_id, batch, interval, verbosity) -> None:
        # Also after a transient failure: a task whose result could not be saved is still RUNNING under
        # our id, and nobody else will ever run it.
        requeued = requeue_orphaned_tasks(worker_id)
        if requeued:
            self.stderr.write(f"Requeued {requeued} task(s) left running by an earlier {worker_id}.")
        call_command("db_worker", worker_id=worker_id, batch=batch, interval=interval, reload=False,
                     startup_delay=False, verbosity=verbosity)
