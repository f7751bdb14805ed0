"""manage.py sla_sweep: mark due-soon and overdue requests and alert team leads.

Run once (from cron), or with --every SECONDS as a long-running scheduler; `manage.py serve`
(and so `make run`) starts it that way beside the web server and the task worker.
"""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection

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
        while not stop.is_set():
            try:
                self._sweep()
            except DatabaseError as exc:
                # A database busy for longer than its timeout (SQLite under heavy writes) or briefly gone must
                # not end the scheduler, and with it `serve`: the next round tries again (each mark is its own
                # transaction, so what was marked stays marked).
                self.stderr.write(f"SLA sweep failed ({type(exc).__name__}: {exc}); trying again in {every} s.")
                if not connection.in_atomic_block:
                    connection.close()  # a fresh connection for the next round
            stop.wait(every)  # wakes at once on SIGTERM, so shutdown is never delayed by the interval

    def _sweep(self) -> None:
        marked = sla.sweep()
        self.stdout.write(f"overdue: {marked['overdue']}, due soon: {marked['due_soon']}")
