"""`manage.py serve`, the stack behind `make run`: gunicorn plus the task worker, stopped cleanly by SIGTERM."""

from __future__ import annotations

import os
import re
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


def test_it_serves_pages_and_static_files_then_stops_both_processes_on_sigterm(tmp_path):
    env = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
    env.update(CIVICDESK_VAR_DIR=str(tmp_path / "var"), STATIC_ROOT=str(tmp_path / "static"),
               SECRET_KEY="serve-test-" + "x" * 50, DJANGO_SETTINGS_MODULE="civicdesk.settings",
               PYTHONUNBUFFERED="1", LOG_LEVEL="INFO")
    log_path = tmp_path / "serve.log"

    # `make setup`'s two steps, side by side to keep the test short. The 2,100 Material icon SVGs
    # nothing links to are left out: copying and compressing them was half of collectstatic's time.
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

        gunicorn, worker, sweeper, digests, purger = children_of(server.pid)
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
        assert "pending_uploads stopped (exit code 0)." in output
        assert not any(is_running(pid) for pid in [gunicorn, worker, sweeper, digests, purger, *gunicorn_workers])
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
