"""`manage.py serve`: gunicorn (one worker per core, whitenoise static files) plus the task worker, the SLA
sweeper, the daily area digests and the scheduler of periodic jobs (civicdesk/core/schedule.py), under a small
supervisor.

Every part runs as a child process. Ctrl-C or SIGTERM stops them all cleanly.
A child that dies is started again after a pause that doubles with each crash
(`--restart-delay`, at most 30 s), and each restart is logged; a crash loop
(`--max-crashes` crashes of one child within `--crash-window` seconds) makes
serve give up: it stops everything and exits non-zero, for systemd or an
operator to look at. The supervisor writes each child's state (running,
restarting, given up; restarts; pid) to a small JSON file
(`SERVE_STATUS_FILE`, default `VAR_DIR/serve-<port>.json`) that `/healthz`
in the web workers reads (docs/durability.md).

Gunicorn runs threaded workers (WEB_THREADS threads each, more than the
OVERLOAD_MAX_IN_FLIGHT requests each serves at once) so that a request over
capacity is refused at once with a 503 (civicdesk/core/overload.py). The task
worker runs under a stable id, so a restart requeues what a crash left running.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from civicdesk.core.periodic import retry_delay

#: Longest pause before a crashed child is started again.
LONGEST_RESTART_DELAY = 30.0


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


@dataclass
class Child:
    """One supervised process: its command line and what the supervisor knows of it."""

    name: str
    command: list[str]
    process: subprocess.Popen | None = None
    state: str = "starting"  # running | restarting | given up | stopped
    restarts: int = 0
    last_exit_code: int | None = None
    started_at: str | None = None
    restart_at: float | None = None  # monotonic time of the next start, while restarting
    crashes: collections.deque = field(default_factory=collections.deque)  # monotonic times of recent crashes

    def start(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(self.command, env=env)
        self.state, self.restart_at = "running", None
        self.started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")

    def as_status(self) -> dict:
        running = self.process is not None and self.process.poll() is None
        return {"state": self.state, "pid": self.process.pid if running else None, "restarts": self.restarts,
                "last_exit_code": self.last_exit_code, "started_at": self.started_at}


def status_file_for(port: int) -> Path:
    """Where serve on `port` writes its children's states: SERVE_STATUS_FILE, else VAR_DIR/serve-<port>.json."""
    return Path(settings.SERVE_STATUS_FILE or Path(settings.VAR_DIR) / f"serve-{port}.json")


def write_status(path: Path, *, state: str, children: dict[str, Child]) -> None:
    """Replace the status file in one step (write aside, then rename), so a reader never sees half of it."""
    status = {
        "supervisor": {"pid": os.getpid(), "state": state},
        "updated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "processes": {name: child.as_status() for name, child in children.items()},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.{os.getpid()}")
    aside.write_text(json.dumps(status, indent=1))
    os.replace(aside, path)


class Command(BaseCommand):
    help = "Serve CivicDesk with gunicorn and run the background task worker beside it, restarting what crashes."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2)))
        parser.add_argument("--no-worker", action="store_true", help="Do not start the task worker.")
        parser.add_argument("--sweep-every", type=int, default=int(os.environ.get("SLA_SWEEP_SECONDS", "300")),
                            help="Seconds between SLA sweeps (due soon / overdue); 0 starts no sweeper.")
        parser.add_argument("--digest-at", default=os.environ.get("AREA_DIGEST_AT", "07:00"), metavar="HH:MM",
                            help="Local time to send the daily area-alert digests; 'off' or '' sends none.")
        parser.add_argument("--restart-delay", type=float, default=float(os.environ.get("SERVE_RESTART_DELAY", "1")),
                            help="Seconds before a crashed child is started again; doubles with each recent crash.")
        parser.add_argument("--max-crashes", type=int, default=int(os.environ.get("SERVE_MAX_CRASHES", "5")),
                            help="Crashes of one child within --crash-window that make serve give up.")
        parser.add_argument("--crash-window", type=float, default=float(os.environ.get("SERVE_CRASH_WINDOW", "60")),
                            help="Seconds over which crashes are counted (see --max-crashes).")

    def handle(self, *args, host, port, workers, no_worker, sweep_every, digest_at, restart_delay, max_crashes,
               crash_window, **options):
        python = sys.executable
        if not os.environ.get("SITE_URL"):
            # Links in emails and feeds must point where this server listens, not at the default port.
            shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
            os.environ["SITE_URL"] = settings.SITE_URL = f"http://{shown}:{port}"
        settings_module = os.environ.get("DJANGO_SETTINGS_MODULE", "civicdesk.settings")
        children = {"gunicorn": Child("gunicorn", gunicorn_command(host=host, port=port, workers=workers))}
        if not no_worker:
            worker_id = os.environ.get("TASK_WORKER_ID") or f"{socket.gethostname()}:{port}"
            children["db_worker"] = Child("db_worker", task_worker_command(worker_id[:64]))
        if sweep_every > 0:
            children["sla_sweep"] = Child("sla_sweep", [
                python, "-m", "django", "sla_sweep", "--every", str(sweep_every), "--settings", settings_module])
        if digest_at and digest_at.lower() != "off":
            children["area_digests"] = Child("area_digests", [
                python, "-m", "django", "send_area_digests", "--daily-at", digest_at, "--settings", settings_module])
        # Periodic jobs the apps register (civicdesk/core/schedule.py), enqueued for the task worker.
        children["scheduler"] = Child("scheduler", [
            python, "-m", "django", "run_schedule", "--settings", settings_module])
        # Photos kept between attempts of the report form and never sent are deleted after a day.
        children["pending_uploads"] = Child("pending_uploads", [
            python, "-m", "django", "purge_pending_uploads", "--every", "3600", "--settings", settings_module])
        status_path = status_file_for(port)
        # The web workers' /healthz reads the file this supervisor writes.
        env = {**os.environ, "SERVE_STATUS_FILE": str(status_path)}
        for child in children.values():
            child.start(env)
        write_status(status_path, state="running", children=children)
        self.stdout.write(self.style.SUCCESS(f"CivicDesk is running on http://{host}:{port}/  (Ctrl-C to stop)"))
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        gave_up = False
        while not stopping:
            now = time.monotonic()
            for child in children.values():
                if child.state == "running" and (code := child.process.poll()) is not None:
                    gave_up = self._crashed(child, code, now, restart_delay=restart_delay, max_crashes=max_crashes,
                                            crash_window=crash_window)
                    write_status(status_path, state="given up" if gave_up else "running", children=children)
                    if gave_up:
                        exit_code, stopping = 1, True
                        break
                elif child.state == "restarting" and now >= child.restart_at and not stopping:
                    child.restarts += 1
                    child.start(env)
                    self.stderr.write(f"{child.name} restarted (restart {child.restarts}, pid {child.process.pid}).")
                    write_status(status_path, state="running", children=children)
            time.sleep(0.2)
        for child in children.values():
            if child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 25
        for name, child in children.items():
            try:
                code = child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
                code = child.process.wait()
            # Each child's code is reported so a supervisor (or a test) can tell a clean stop from a crash.
            self.stdout.write(f"{name} stopped (exit code {code}).")
            # A child still starting up dies of the SIGTERM itself (-15) before it can handle it: a clean stop too.
            if child.state == "running" and code not in (0, -signal.SIGTERM) and not exit_code:
                exit_code = 1
            if child.state != "given up":
                child.state = "stopped"
        write_status(status_path, state="given up" if gave_up else "stopped", children=children)
        self.stdout.write("CivicDesk stopped.")
        if exit_code:
            sys.exit(exit_code)

    def _crashed(self, child: Child, code: int, now: float, *, restart_delay: float, max_crashes: int,
                 crash_window: float) -> bool:
        """Record that `child` exited with `code`; schedule its restart, or return True for a crash loop."""
        child.last_exit_code = code
        child.crashes.append(now)
        while child.crashes and now - child.crashes[0] > crash_window:
            child.crashes.popleft()
        if len(child.crashes) >= max_crashes:
            child.state = "given up"
            self.stderr.write(f"{child.name} exited with {code}: {len(child.crashes)} crashes within "
                              f"{crash_window:g} s; giving up and stopping everything.")
            return True
        delay = retry_delay(len(child.crashes), first=restart_delay, longest=LONGEST_RESTART_DELAY)
        child.state, child.restart_at = "restarting", now + delay
        self.stderr.write(f"{child.name} exited with {code}; restarting it in {delay:.1f} s "
                          f"({len(child.crashes)} crash(es) within {crash_window:g} s).")
        return False
