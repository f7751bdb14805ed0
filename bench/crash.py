"""Crash benchmark, long form: minutes of resident load against the real stack while app server and task
worker processes are killed with SIGKILL again and again; then an audit of what survived.

    python bench/crash.py [--minutes 3] [--kills 40] [--db sqlite|postgres|both]

The short form runs in CI (civicdesk/core/tests/test_crash.py); both use civicdesk/testing/crashload.py.
For each database, in a fresh subprocess (settings come from the environment at django.setup()): a new
database (a SQLite file in --out-dir, or a throwaway PostgreSQL 15 cluster with production durability
settings, or BENCH_DATABASE_URL), migrated, with the shared test world; a real SMTP server (aiosmtpd);
gunicorn (`manage.py serve`'s command line, 2 workers) and the task worker (`manage.py task_worker`).
Clients submit through Open311 and the web form while the killer alternates between a gunicorn worker
(the arbiter replaces it) and the task worker (restarted under the same id, as a supervisor would). The
queue is drained afterwards and every request checked. Prints a table and appends it to RESULTS.md.
Exits 1 when anything was lost, repeated or half-written.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import common  # bench/ is not a package: its modules import each other by name

HEADER = ["database", "minutes", "kills (web / worker)", "attempted", "acknowledged", "found", "refused",
          "no answer", "stored", "duplicates", "lost", "half-written", "ack emails", "ack missing",
          "ack repeated", "resent (same Message-ID)"]

LEGEND = ("Acknowledged: the client got a tracking number. Found: stored exactly once under it. Stored: every "
          "request of the run in the database, acknowledged or not; each must have its timeline and exactly one "
          "acknowledgement email (distinct Message-IDs; a resend of the same message after a worker died "
          "mid-send is counted apart). Refused: answered without a tracking number (503 while every worker was "
          "busy or down). No answer: the connection was cut (a killed worker) or timed out.")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0, help="how long the load and the kills last")
    parser.add_argument("--kills", type=int, default=40, help="SIGKILLs over the run, alternating web and worker")
    parser.add_argument("--open311-clients", type=int, default=3, help="threads posting Open311 requests")
    parser.add_argument("--web-clients", type=int, default=1, help="threads submitting the web form")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--out-dir", type=Path, default=common.OUT_DIR, help="databases and logs go here")
    parser.add_argument("--results", type=Path, default=common.RESULTS, help="markdown file the table is appended to")
    parser.add_argument("--no-record", action="store_true", help="print only, do not append to --results")
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.minutes <= 0 or args.kills < 1 or args.workers < 1 or args.open311_clients + args.web_clients < 1:
        parser.error("--minutes, --kills, --workers and the clients must be positive")
    args.out_dir = args.out_dir.resolve()
    return args


def say(message: str) -> None:
    print(message, flush=True)


# --- The parent: one database at a time, each in a fresh subprocess ---------------------------------------------

@contextlib.contextmanager
def database_url(db: str, args: argparse.Namespace) -> Iterator[str]:
    """A URL of an empty database of kind `db`, removed afterwards when this run created it."""
    if db == "sqlite":
        path = args.out_dir / "crash.sqlite3"
        files = [Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm")]
        for file in files:
            file.unlink(missing_ok=True)
        try:
            yield f"sqlite:///{path}"
        finally:
            for file in files:
                file.unlink(missing_ok=True)
    elif os.environ.get("BENCH_DATABASE_URL"):
        yield os.environ["BENCH_DATABASE_URL"]
    else:
        # Durable like a production server: what the crash test is about.
        with common.throwaway_postgres({"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on",
                                        "max_connections": "50"}) as url:
            yield url


def run_in_subprocess(db: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    result_file = args.out_dir / f"crash-{db}.json"
    result_file.unlink(missing_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", db, "--result-file", str(result_file),
               "--minutes", str(args.minutes), "--kills", str(args.kills), "--workers", str(args.workers),
               "--open311-clients", str(args.open311_clients), "--web-clients", str(args.web_clients),
               "--seed", str(args.seed), "--out-dir", str(args.out_dir)]
    env = {**os.environ, "DATABASE_URL": url, "CIVICDESK_VAR_DIR": str(args.out_dir / f"crash-var-{db}"),
           "CITY_PACK": "civicdesk.cities.default.DefaultCity", "DJANGO_SETTINGS_MODULE": "civicdesk.settings",
           "LOG_LEVEL": "WARNING", "TESTING": "false"}
    env.pop("DATABASE_URL_FILE", None)  # it would win over DATABASE_URL
    subprocess.run(command, env=env, cwd=common.REPO, check=True)
    return json.loads(result_file.read_text(encoding="utf-8"))


def render(results: list[dict[str, Any]], args: argparse.Namespace, machine: str) -> str:
    command = (f"python bench/crash.py --minutes {args.minutes:g} --kills {args.kills} --db {args.db} "
               f"--workers {args.workers} --open311-clients {args.open311_clients} --web-clients {args.web_clients}")
    rows = [[r["db"], args.minutes, f"{r['web_kills']} / {r['worker_kills']}", r["attempted"], r["acknowledged"],
             r["found"], r["refused"], r["no_answer"], r["stored"], r["duplicates"], len(r["lost"]),
             len(r["half_written"]), r["ack_emails"], len(r["ack_missing"]), len(r["ack_repeated"]), r["resent"]]
            for r in results]
    lines = [f"## Crash · {common.now_utc()} · commit {common.git_commit()}", "", f"`{command}` on {machine}.", ""]
    lines += [f"- {r['db']}: {r['server']}" for r in results]
    lines += ["", LEGEND, "", common.markdown_table(HEADER, rows), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker(args)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    machine = common.machine(os.getloadavg(), common.fsync_ms(args.out_dir))
    results = []
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        try:
            with database_url(db, args) as url:
                results.append(run_in_subprocess(db, url, args))
        except (RuntimeError, subprocess.CalledProcessError) as exc:
            say(f"crash benchmark on {db} failed: {exc}")
            return 1
    text = render(results, args, machine)
    say("\n" + text)
    if not args.no_record:
        with args.results.open("a", encoding="utf-8") as handle:
            handle.write("\n" + text)
    return 0 if all(r["ok"] for r in results) else 1


# --- The worker: set up, load, kill, audit -------------------------------------------------------------------------

@contextlib.contextmanager
def smtp_sink() -> Iterator[tuple[int, list[tuple[str, str]]]]:
    """A real SMTP server (aiosmtpd) on loopback; yields its port and the (To, Message-ID) of each message."""
    from aiosmtpd.controller import Controller

    received: list[tuple[str, str]] = []
    lock = threading.Lock()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
            with lock:
                received.append((str(message["To"]), str(message["Message-ID"])))
            return "250 OK"

    with socket.socket() as probe:  # aiosmtpd 1.4 cannot start on port 0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


def worker(args: argparse.Namespace) -> int:
    import django

    django.setup()
    import intake
    from django.core.management import call_command
    from django.db import connection

    from civicdesk.open311.services import issue_api_key
    from civicdesk.testing.crashload import Killer, Load, audit, drain
    from civicdesk.testing.live_stack import live_stack
    from civicdesk.testing.world import build_world

    db = args.worker
    call_command("migrate", verbosity=0, interactive=False)
    build_world()
    _, key = issue_api_key(name="Crash benchmark", rate_limit_per_minute=0)
    server = intake.describe_server(connection)
    url = os.environ["DATABASE_URL"]
    connection.close()
    seconds = args.minutes * 60
    with smtp_sink() as (smtp_port, received), \
            live_stack(database_url=url, var_dir=args.out_dir / f"crash-stack-{db}", EMAIL_HOST="127.0.0.1",
                       EMAIL_PORT=str(smtp_port), NOTIFICATIONS_LEASE_SECONDS="5",
                       NOTIFICATIONS_RETRY_BASE_SECONDS="1", LOG_LEVEL="WARNING") as stack:
        stack.start_gunicorn(workers=args.workers, threads=8)
        stack.start_worker()
        load = Load(stack.base, key, open311_clients=args.open311_clients, web_clients=args.web_clients)
        killer = Killer(stack, seed=args.seed)
        say(f"[{db}] {args.minutes:g} min of load, {args.kills} kills ...")
        began = time.monotonic()
        load.start()
        try:
            killer.run(seconds=seconds, kills=args.kills)
        finally:
            attempts = load.stop()
        say(f"[{db}] load stopped after {time.monotonic() - began:.0f} s; draining the queue ...")
        drain(stack, timeout=600)
        result = audit(attempts, list(received))
    say(f"[{db}] {result.acknowledged} acknowledged of {result.attempted}; {'OK' if result.ok else result.problems()}")
    args.result_file.write_text(json.dumps({
        "db": db, "server": server, "ok": result.ok, "web_kills": killer.web_kills,
        "worker_kills": killer.worker_kills, **dataclasses.asdict(result)}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
