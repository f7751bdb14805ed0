"""manage.py purge_pending_uploads: delete photos kept between report attempts that were never sent.

Run from cron (hourly is plenty), or with --every SECONDS as a long-running loop (`manage.py serve` does);
a purge that meets a busy or briefly unreachable database is tried again later (civicdesk/core/periodic.py).
"""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand

from civicdesk.core.periodic import run_periodically
from civicdesk.intake import services


class Command(BaseCommand):
    help = "Delete pending report uploads older than PENDING_UPLOAD_MAX_AGE_HOURS, with their files."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, metavar="SECONDS",
                            help="Purge again every SECONDS until stopped (0: purge once and exit).")

    def handle(self, *args, every: int, **options):
        if every <= 0:
            self._purge()
            return
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        run_periodically(self._purge, name="purge_pending_uploads", wait=lambda: every, stop=stop,
                         retry_first=min(every, 60), retry_longest=every)

    def _purge(self) -> None:
        self.stdout.write(f"pending uploads deleted: {services.purge_expired()}")
