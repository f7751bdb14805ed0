"""`manage.py serve`, the stack behind `make run`: gunicorn plus the task worker, stopped cleanly by SIGTERM."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
MANAGE = [sys.executable, str(ROOT / "manage.py")]
# Only what a shell needs: settings read everything else from the environment, and the suite's own
# variables (TESTING, DATABASE_URL, CITY_PACK, ...) must not leak into the production-like server.
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_of(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def get(url: str, **headers: str):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as response:
        return response.status, dict(response.headers), response.read()


def test_it_serves_pages_and_static_files_then_stops_both_processes_on_sigterm(tmp_path, bench_sqlite_template):
    env = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
    env.update(CIVICDESK_VAR_DIR=str(tmp_path / "var"), STATIC_ROOT=str(tmp_path / "static"),
               SECRET_KEY="serve-test-" + "x" * 50, DJANGO_SETTINGS_MODULE="civicdesk.settings",
               PYTHONUNBUFFERED="1", LOG_LEVEL="INFO")
    log_path = tmp_path / "serve.log"
    # The default database (VAR_DIR/civicdesk.sqlite3) starts as a copy of the empty one migrated once per test
    # run (civicdesk/testing/fixtures.py): applying every migration again here took half a minute of CPU.
    (tmp_path / "var").mkdir()
    shutil.copyfile(bench_sqlite_template, tmp_path / "var" / "civicdesk.sqlite3")

    # `make setup`'s two steps, side by side to keep the test short (migrate finds nothing left to apply). The
    # 2,100 Material icon SVGs nothing links to are left out: copying and compressing them was half of
    # collectstatic's time.
    setup = [subprocess.Popen(MANAGE + args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
             for args in (["migrate", "--noinput", "-v0"],
                          ["collectstatic", "--noinput", "-v0", "--ignore", "material-icons"])]
    for step in setup:
        output, _ = step.communicate(timeout=120)
        assert step.returncode == 0, output
    assert (tmp_path / "static" / "staticfiles.json").exists()  # the manifest whitenoise serves from

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        server = subprocess.Popen(MANAGE + ["serve", "--port", str(port), "--workers", "1"], cwd=ROOT, env=env,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        healthy = False
        while time.monotonic() < deadline and not (healthy and "Starting worker" in log_path.read_text()):
            assert server.poll() is None, log_path.read_text()
            if not healthy:
                try:
                    healthy = get(f"{base}/healthz")[0] == 200
                except (urllib.error.URLError, OSError):  # refused, reset or timed out while starting
                    pass
            time.sleep(0.1)
        assert healthy, "no answer from /healthz:\n" + log_path.read_text()
        assert "Starting worker" in log_path.read_text(), log_path.read_text()

        status, _, page = get(f"{base}/")
        assert status == 200 and b"Report a problem" in page
        stylesheet = re.search(rb'href="(/static/css/civicdesk\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, "the page does not link the hashed stylesheet from the manifest"
        status, headers, css = get(base + stylesheet.group(1).decode(), **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Type"].startswith("text/css")
        assert headers.get("Content-Encoding") == "gzip"  # compressed at collectstatic time
        assert "immutable" in headers["Cache-Control"]  # hashed names may be cached for ever

        gunicorn, worker, sweeper, digests, scheduler, purger = children_of(server.pid)
        gunicorn_workers = children_of(gunicorn)
        assert len(gunicorn_workers) == 1

        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=15) == 0, log_path.read_text()
        # About 2 s on a quiet machine (gunicorn's master waits for its worker); allow for a busy one.
        assert time.monotonic() - started < 10
        output = log_path.read_text()
        assert "gunicorn stopped (exit code 0)." in output and "db_worker stopped (exit code 0)." in output
        assert "sla_sweep stopped (exit code 0)." in output and "area_digests stopped (exit code 0)." in output
        assert "pending_uploads stopped (exit code 0)." in output and "scheduler stopped (exit code 0)." in output
        assert not any(is_running(pid) for pid in [gunicorn, worker, sweeper, digests, scheduler, purger,
                                                   *gunicorn_workers])
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def start_serve(tmp_path, *args: str, **extra: str) -> tuple[subprocess.Popen, Path, str]:
    """`manage.py serve` on the test database (no collectstatic: TESTING serves static files as they are)."""
    from django.db import connection

    from civicdesk.testing.live_stack import database_url_of, server_env

    port = free_port()
    env = server_env(database_url=database_url_of(connection), var_dir=tmp_path / "var", LOG_LEVEL="WARNING",
                     SERVE_RESTART_DELAY="0.2", **extra)
    (tmp_path / "var").mkdir(exist_ok=True)
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(MANAGE + ["serve", "--port", str(port), "--workers", "1", *args], cwd=ROOT,
                                  env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return server, log_path, f"http://127.0.0.1:{port}"


def health(base: str) -> dict | None:
    try:
        return json.loads(get(f"{base}/healthz")[2])
    except (urllib.error.URLError, OSError, ValueError):  # not serving yet
        return None


def wait_for_health(base: str, server: subprocess.Popen, log_path: Path, check, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, log_path.read_text()
        status = health(base)
        if status and check(status):
            return status
        time.sleep(0.1)
    raise AssertionError(f"/healthz never showed it: {health(base)}\n{log_path.read_text()}")


def test_it_restarts_a_killed_child_and_healthz_shows_the_restart(transactional_db, tmp_path):
    server, log_path, base = start_serve(tmp_path, "--sweep-every", "1", "--digest-at", "off")
    try:
        status = wait_for_health(base, server, log_path, lambda s: s["processes"]["db_worker"]["pid"]
                                 and s["processes"]["sla_sweep"]["pid"])
        assert status["status"] == "ok" and status["supervisor"]["alive"] and status["supervisor"]["pid"] == server.pid
        assert {name: p["state"] for name, p in status["processes"].items()} == {
            "gunicorn": "running", "db_worker": "running", "sla_sweep": "running", "scheduler": "running",
            "pending_uploads": "running"}
        killed = status["processes"]["db_worker"]["pid"]
        os.kill(killed, signal.SIGKILL)

        status = wait_for_health(base, server, log_path, lambda s: s["processes"]["db_worker"]["restarts"] == 1
                                 and s["processes"]["db_worker"]["state"] == "running")
        worker = status["processes"]["db_worker"]
        assert worker["pid"] != killed and is_running(worker["pid"]) and worker["last_exit_code"] == -signal.SIGKILL
        assert status["status"] == "ok" and status["processes"]["gunicorn"]["restarts"] == 0
        assert "db_worker exited with -9; restarting it in 0.2 s" in log_path.read_text()
        assert "db_worker restarted (restart 1" in log_path.read_text()

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0, log_path.read_text()
        assert not is_running(worker["pid"])
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_it_gives_up_cleanly_when_a_child_crashes_in_a_loop(transactional_db, tmp_path):
    # A digest time that does not exist: the scheduler exits with an error each time it starts.
    server, log_path, base = start_serve(tmp_path, "--no-worker", "--sweep-every", "0", "--digest-at", "25:00",
                                         SERVE_MAX_CRASHES="3", SERVE_CRASH_WINDOW="120")
    try:
        assert server.wait(timeout=90) == 1, log_path.read_text()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    output = log_path.read_text()
    assert output.count("area_digests exited with 1; restarting it") == 2
    assert "area_digests exited with 1: 3 crashes within 120 s; giving up and stopping everything." in output
    assert "gunicorn stopped (exit code 0)." in output
    status = json.loads(next((tmp_path / "var").glob("serve-*.json")).read_text())
    assert status["supervisor"]["state"] == "given up"
    assert status["processes"]["area_digests"]["state"] == "given up"
    assert status["processes"]["area_digests"]["restarts"] == 2
    assert status["processes"]["gunicorn"]["state"] == "stopped" and status["processes"]["gunicorn"]["pid"] is None
