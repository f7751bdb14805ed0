"""manage.py sla_sweep: mark due-soon and overdue requests and alert team leads.

Run once (from cron), or with --every SECONDS as a long-running scheduler; `manage.py serve`
(and so `make run`) starts it that way beside the web server and the task worker. A sweep that meets
a busy or briefly unreachable database is logged and tried again on a later tick (civicdesk/core/periodic.py).
"""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand

from civicdesk.core.periodic import run_periodically
from civicdesk.staff import sla


class Command(BaseCommand):
    help = "Mark requests newly due soon or overdue and queue one alert to each team lead."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, metavar="SECONDS",
                            help="Sweep again every SECONDS until stopped (0: sweep once and exit).")

    def handle(self, *args, every: int, **options):
        if every <= 0:
            self._sweep()
            return
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        # stop.wait() wakes at once on SIGTERM, so shutdown is never delayed by the interval. After a failed
        # sweep the next one comes after the interval, then twice it, ..., at most an hour (or the interval).
        run_periodically(self._sweep, name="sla_sweep", wait=lambda: every, stop=stop,
                         retry_first=every, retry_longest=max(every, 3600))

    def _sweep(self) -> None:
        marked = sla.sweep()
        self.stdout.write(f"overdue: {marked['overdue']}, due soon: {marked['due_soon']}")
