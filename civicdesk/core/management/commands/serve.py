"""`manage.py serve`: gunicorn (one worker per core, whitenoise static files) plus the task worker.

Both run as child processes; Ctrl-C or SIGTERM stops both cleanly, and if
either dies the other is stopped too so a supervisor can restart the pair.
Gunicorn runs threaded workers (WEB_THREADS threads each, more than the
OVERLOAD_MAX_IN_FLIGHT requests each serves at once) so that a request over
capacity is refused at once with a 503 (civicdesk/core/overload.py). The task
worker runs under a stable id, so a restart requeues what a crash left running.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


def gunicorn_command(*, host: str, port: int, workers: int, threads: int | None = None) -> list[str]:
    """The gunicorn command line `serve` runs (tests and the crash benchmark start the same one)."""
    return [
        sys.executable, "-m", "gunicorn", "civicdesk.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", str(workers), "--no-control-socket",
        "--worker-class", "gthread", "--threads", str(threads or settings.WEB_THREADS),
        "--access-logfile", "-", "--graceful-timeout", "20", "--timeout", "60",
    ]


def task_worker_command(worker_id: str) -> list[str]:
    """The task worker command line `serve` runs, under the stable `worker_id`."""
    return [sys.executable, "-m", "django", "task_worker", "--worker-id", worker_id, "-v", "1",
            "--settings", os.environ.get("DJANGO_SETTINGS_MODULE", "civicdesk.settings")]


class Command(BaseCommand):
    help = "Serve CivicDesk with gunicorn and run the background task worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2)))
        parser.add_argument("--no-worker", action="store_true", help="Do not start the task worker.")
        parser.add_argument("--sweep-every", type=int, default=int(os.environ.get("SLA_SWEEP_SECONDS", "300")),
                            help="Seconds between SLA sweeps (due soon / overdue); 0 starts no sweeper.")
        parser.add_argument("--digest-at", default=os.environ.get("AREA_DIGEST_AT", "07:00"), metavar="HH:MM",
                            help="Local time to send the daily area-alert digests; 'off' or '' sends none.")

    def handle(self, *args, host, port, workers, no_worker, sweep_every, digest_at, **options):
        python = sys.executable
        if not os.environ.get("SITE_URL"):
            # Links in emails and feeds must point where this server listens, not at the default port.
            shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
            os.environ["SITE_URL"] = settings.SITE_URL = f"http://{shown}:{port}"
        children = {"gunicorn": subprocess.Popen(gunicorn_command(host=host, port=port, workers=workers))}
        if not no_worker:
            worker_id = os.environ.get("TASK_WORKER_ID") or f"{socket.gethostname()}:{port}"
            children["db_worker"] = subprocess.Popen(task_worker_command(worker_id[:64]))
        if sweep_every > 0:
            children["sla_sweep"] = subprocess.Popen([
                python, "-m", "django", "sla_sweep", "--every", str(sweep_every),
                "--settings", os.environ.get("DJANGO_SETTINGS_MODULE", "civicdesk.settings"),
            ])
        if digest_at and digest_at.lower() != "off":
            children["area_digests"] = subprocess.Popen([
                python, "-m", "django", "send_area_digests", "--daily-at", digest_at,
                "--settings", os.environ.get("DJANGO_SETTINGS_MODULE", "civicdesk.settings"),
            ])
        self.stdout.write(self.style.SUCCESS(f"CivicDesk is running on http://{host}:{port}/  (Ctrl-C to stop)"))
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        while not stopping:
            for name, child in children.items():
                code = child.poll()
                if code is not None:
                    self.stderr.write(f"{name} exited with {code}; stopping everything.")
                    exit_code = code or 1
                    stopping = True
            time.sleep(0.3)
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 25
        for name, child in children.items():
            try:
                code = child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                code = child.wait()
            # Each child's code is reported so a supervisor (or a test) can tell a clean stop from a crash.
            self.stdout.write(f"{name} stopped (exit code {code}).")
            if code != 0 and not exit_code:
                exit_code = 1
        self.stdout.write("CivicDesk stopped.")
        if exit_code:
            sys.exit(exit_code)
