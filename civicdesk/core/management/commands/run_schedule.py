"""manage.py run_schedule: enqueue the registered periodic jobs when they fall due (civicdesk/core/schedule.py).

`manage.py serve` (and so `make run`) starts one beside the web server; with several servers each may run
one: a slot is enqueued once whichever scheduler gets there first. `--once` enqueues what is due and exits
(for cron). A tick that meets a busy or briefly unreachable database is logged and tried again
(civicdesk/core/periodic.py).
"""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand

from civicdesk.core import schedule
from civicdesk.core.periodic import run_periodically


class Command(BaseCommand):
    help = "Enqueue registered periodic jobs as tasks when they fall due (--once: once, then exit)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue what is due now and exit.")
        parser.add_argument("--list", action="store_true", help="List the registered jobs and exit.")

    def handle(self, *args, once: bool, list: bool, **options):
        if list:
            for job in schedule.jobs():
                rhythm = (f"every {job.every}" if job.every else
                          f"monthly on day {job.monthly_on_day} at {job.daily_at or '00:00'}" if job.monthly_on_day
                          else f"daily at {job.daily_at}")
                self.stdout.write(f"{job.name}: {rhythm} -> {job.task_path}")
            return
        if once:
            self._tick()
            return
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        run_periodically(self._tick, name="run_schedule", wait=schedule.seconds_until_next, stop=stop,
                         retry_first=5, retry_longest=300)

    def _tick(self) -> None:
        for name in schedule.enqueue_due():
            self.stdout.write(f"enqueued {name}")
