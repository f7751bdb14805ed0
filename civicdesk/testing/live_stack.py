"""The real serve stack (gunicorn and the task worker) as child processes, for fault and load tests.

Tests point it at the test database (`database_url_of(connection)` after the
test database exists and the world is committed); the crash benchmark at its
own. Nothing here is a stand-in: the processes are the ones `manage.py serve`
starts, with the same command lines (`serve.gunicorn_command`,
`serve.task_worker_command`), so kill -9 hits what production runs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Only what a shell needs; the suite's own variables (TESTING, DATABASE_URL, ...) must not leak in.
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url_of(connection) -> str:
    """A DATABASE_URL naming the database `connection` uses now (the test database inside a test)."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    credentials = quote(params.get("USER") or "", safe="")
    if params.get("PASSWORD"):
        credentials += ":" + quote(params["PASSWORD"], safe="")
    host = params.get("HOST") or "localhost"
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{params['NAME']}"


def server_env(*, database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a production-like server on `database_url` (settings come only from here)."""
    env = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
    env.update(DATABASE_URL=database_url, CIVICDESK_VAR_DIR=str(var_dir), SECRET_KEY="live-stack-" + "x" * 50,
               DJANGO_SETTINGS_MODULE="civicdesk.settings", PYTHONUNBUFFERED="1", LOG_LEVEL="WARNING",
               ALLOWED_HOSTS="127.0.0.1", SITE_URL="http://127.0.0.1", TESTING="true",
               CITY_PACK="civicdesk.cities.default.DefaultCity", SLA_SWEEP_SECONDS="0",
               RATE_LIMITS_ENABLED="false")
    # TESTING=true: static files without collectstatic's manifest, and the fast test password hasher.
    # RATE_LIMITS_ENABLED=false: every client here shares 127.0.0.1, so per-address limits would refuse the load.
    env.update(extra)
    return env


def children_of(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(child) for child in path.read_text().split()]
    except OSError:
        return []


def command_line(pid: int) -> bytes:
    """The NUL-separated command line of process `pid` (b"" once it is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


class _Adopted:
    """A process this one did not start (gunicorn under `serve`), with the little of Popen that Stack uses."""

    def __init__(self, pid: int):
        self.pid = pid

    def poll(self) -> int | None:
        return None if Path(f"/proc/{self.pid}").exists() and b"gunicorn" in command_line(self.pid) else 1


def get(url: str, timeout: float = 5) -> tuple[int, dict[str, str], bytes]:
    """GET `url`: (status, headers, body); HTTP errors are answers too, not exceptions."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@dataclass
class Stack:
    """A running gunicorn (and optionally a task worker) on 127.0.0.1:`port`, logging into `log_dir`."""

    env: dict[str, str]
    log_dir: Path
    port: int = field(default_factory=free_port)
    gunicorn: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None
    worker_starts: int = 0
    serve: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start_gunicorn(self, *, workers: int, threads: int) -> None:
        from civicdesk.core.management.commands.serve import gunicorn_command

        command = gunicorn_command(host="127.0.0.1", port=self.port, workers=workers, threads=threads)
        with (self.log_dir / "gunicorn.log").open("a") as log:
            self.gunicorn = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                             start_new_session=True)
        self.wait_until_serving(workers)

    def wait_until_serving(self, workers: int, timeout: float = 60) -> None:
        """Wait until /healthz answers and `workers` worker processes run; AssertionError otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.gunicorn.poll() is None, self.log("serve.log" if self.serve else "gunicorn.log")
            if len(self.web_workers()) == workers:
                with contextlib.suppress(OSError):
                    if get(f"{self.base}/healthz")[0] == 200:
                        return
            time.sleep(0.1)
        raise AssertionError("gunicorn did not start:\n" + self.log("gunicorn.log"))

    def start_serve(self, *, workers: int, threads: int, sweep_every: int = 0, timeout: float = 60) -> None:
        """`manage.py serve --no-worker` itself: gunicorn, the SLA sweep (every `sweep_every` s) and the digests.

        The task worker is left out on purpose: `serve` stops everything when a child dies, so a fault test
        runs the worker beside it (start_worker) and restarts it as a supervisor would.
        """
        command = [sys.executable, "-m", "django", "serve", "--no-worker", "--host", "127.0.0.1",
                   "--port", str(self.port), "--workers", str(workers), "--sweep-every", str(sweep_every)]
        with (self.log_dir / "serve.log").open("a") as log:
            self.serve = subprocess.Popen(command, cwd=ROOT, env={**self.env, "WEB_THREADS": str(threads)},
                                          stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while self.gunicorn is None and time.monotonic() < deadline:
            assert self.serve.poll() is None, self.log("serve.log")
            for pid in children_of(self.serve.pid):
                if b"gunicorn" in command_line(pid):
                    self.gunicorn = _Adopted(pid)
            time.sleep(0.1)
        if self.gunicorn is None:
            raise AssertionError("serve did not start gunicorn:\n" + self.log("serve.log"))
        self.wait_until_serving(workers, timeout=max(1.0, deadline - time.monotonic()))

    def serve_children(self) -> dict[str, int]:
        """The running children of `serve` by role (gunicorn, sla_sweep, send_area_digests): name -> pid."""
        roles = {}
        for pid in children_of(self.serve.pid) if self.serve else []:
            line = command_line(pid)
            for role in (b"gunicorn", b"sla_sweep", b"send_area_digests", b"task_worker"):
                if role in line:
                    roles[role.decode()] = pid
        return roles

    def web_workers(self) -> list[int]:
        return children_of(self.gunicorn.pid) if self.gunicorn else []

    def start_worker(self, worker_id: str = "crash-test-worker") -> None:
        """Start the task worker, as a supervisor (systemd) does after a crash: same command, same id."""
        from civicdesk.core.management.commands.serve import task_worker_command

        with (self.log_dir / "worker.log").open("a") as log:
            self.worker = subprocess.Popen(task_worker_command(worker_id), cwd=ROOT, env=self.env, stdout=log,
                                           stderr=subprocess.STDOUT, start_new_session=True)
        self.worker_starts += 1

    def drain_worker(self, done, worker_id: str = "crash-test-worker", timeout: float = 120) -> None:
        """Stop the running worker gently, then run one under the same id until `done()` is true, and stop it
        gently too. AssertionError when it exits on its own, does not stop cleanly, or `done()` is still false
        after `timeout` seconds.

        One worker that keeps polling (every 0.2 s) rather than `--batch` passes one after the other: a batch
        pass ends at the first moment nothing is due, so tasks due a few seconds later (a claim's lease) took a
        new process, and a Django start-up, each."""
        from civicdesk.core.management.commands.serve import task_worker_command

        self.stop_worker()
        if done():
            return
        log_path = self.log_dir / "drain-worker.log"
        with log_path.open("a") as log:
            worker = subprocess.Popen([*task_worker_command(worker_id), "--interval", "0.2"], cwd=ROOT, env=self.env,
                                      stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + timeout
            while not done():
                assert worker.poll() is None, f"the draining worker exited with {worker.returncode}:\n" + self.log(
                    "drain-worker.log")
                if time.monotonic() > deadline:
                    raise AssertionError("tasks still queued after the drain:\n" + self.log("drain-worker.log"))
                time.sleep(0.2)
            worker.send_signal(signal.SIGTERM)  # finishes a task it is running, then exits 0
            assert worker.wait(timeout=20) == 0, self.log("drain-worker.log")
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()

    def stop_worker(self) -> None:
        if self.worker is not None and self.worker.poll() is None:
            self.worker.send_signal(signal.SIGTERM)
            try:
                self.worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.worker.kill()
                self.worker.wait()
        self.worker = None

    def stop(self) -> None:
        """Stop everything this stack started; kill what does not stop within 20 s."""
        self.stop_worker()
        self.stop_serve()

    def stop_serve(self) -> None:
        """Stop `serve` (gunicorn, the SLA sweep, the scheduler of periodic jobs) or the bare gunicorn; the task
        worker started beside it keeps running."""
        if self.serve is not None and self.serve.poll() is None:
            self.serve.send_signal(signal.SIGTERM)  # serve stops its own children
            try:
                self.serve.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.serve.pid, signal.SIGKILL)
                self.serve.wait()
            return
        if self.gunicorn is not None and self.gunicorn.poll() is None:
            self.gunicorn.send_signal(signal.SIGTERM)
            try:
                self.gunicorn.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.gunicorn.pid, signal.SIGKILL)
                self.gunicorn.wait()

    def log(self, name: str) -> str:
        path = self.log_dir / name
        return path.read_text(errors="replace")[-5000:] if path.exists() else ""


@contextlib.contextmanager
def live_stack(*, database_url: str, var_dir: Path, **extra: str) -> Iterator[Stack]:
    """A Stack that is stopped, whatever happens, when the block ends."""
    var_dir.mkdir(parents=True, exist_ok=True)
    stack = Stack(env=server_env(database_url=database_url, var_dir=var_dir, **extra), log_dir=var_dir)
    try:
        yield stack
    finally:
        stack.stop()


@contextlib.contextmanager
def database_lock_held(connection, *, table: str) -> Iterator[None]:
    """Hold, for the block, a real lock other processes' writes to `table` must wait for.

    SQLite: the database's write lock (`BEGIN IMMEDIATE` on the test's own
    connection); a writer elsewhere waits SQLITE_BUSY_TIMEOUT, then gets
    "database is locked". PostgreSQL: an ACCESS EXCLUSIVE lock on `table`; a
    process whose URL sets `lock_timeout` (`lock_timeout_url`) then gets
    "lock_not_available" (55P03), even when only reading it.
    """
    from django.db import transaction

    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
            else:
                # BEGIN IMMEDIATE (transaction_mode) took the lock already; writing makes it certain.
                cursor.execute(f'UPDATE "{table}" SET id = id WHERE 1 = 0')
        yield


def lock_timeout_url(database_url: str, milliseconds: int = 1000) -> str:
    """`database_url` with a PostgreSQL lock_timeout, so lock waits end with an error (SQLite: unchanged)."""
    if database_url.startswith("sqlite"):
        return database_url
    return f"{database_url}?options=-c%20lock_timeout%3D{milliseconds}"


def wait_for_text(path: Path, text: str, *, process: subprocess.Popen | None = None, timeout: float = 60) -> str:
    """Wait until the log file at `path` contains `text`; its content. AssertionError on timeout or exit."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        content = path.read_text(errors="replace") if path.exists() else ""
        if text in content:
            return content
        assert process is None or process.poll() is None, f"exited with {process.returncode}:\n{content[-5000:]}"
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared in {path.name}:\n" + (path.read_text(errors="replace")[-5000:]
                                                                        if path.exists() else ""))
