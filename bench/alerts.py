"""Area alert benchmark: one new request in an area with 100,000 subscribers, through two task workers to SMTP.

    python bench/alerts.py [--subscribers 100000] [--workers 2] [--no-record]

SQLite by default (a fresh file under CIVICDESK_VAR_DIR, default bench/out/alerts-var); PostgreSQL when
DATABASE_URL is set (it must point at an empty database: the benchmark migrates and fills it). The real
path end to end: `submit_request()` → the `alerts` receiver enqueues the fan-out task → the workers match
subscriptions and call `notify()` per subscription → the workers send each delivery to a real SMTP
server (aiosmtpd, in this process, on a free loopback port). Times are wall-clock on one machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import common  # noqa: E402  (bench/ is not a package)

HEADER = ["database", "subscribers", "workers", "matched and queued s", "all received s", "messages/s",
          "latency p50 s", "latency p99 s", "latency max s"]


def parse_args(argv: list[str] | None, doc: str = __doc__) -> argparse.Namespace:
    """The options of a fan-out benchmark (this one and bench/survey_invitations.py, described by `doc`)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000, help="confirmed subscribers in the area")
    parser.add_argument("--workers", type=int, default=2, help="`manage.py db_worker` processes")
    parser.add_argument("--timeout", type=float, default=7200, help="give up after this many seconds")
    parser.add_argument("--results", type=Path, default=common.RESULTS, help="markdown file results are appended to")
    parser.add_argument("--no-record", action="store_true", help="print the results without appending them")
    args = parser.parse_args(argv)
    if args.subscribers < 1 or args.workers < 1:
        parser.error("--subscribers and --workers must be positive")
    return args


def say(message: str) -> None:
    print(message, flush=True)


class Sink:
    """An SMTP server that records when each recipient's message arrived (time.time())."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.arrivals: dict[str, float] = {}
        self.duplicates = 0
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                now = time.time()
                with sink.lock:
                    for address in envelope.rcpt_tos:
                        if address.lower() in sink.arrivals:
                            sink.duplicates += 1
                        sink.arrivals.setdefault(address.lower(), now)
                return "250 OK"

        self.port = common.free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def count(self) -> int:
        with self.lock:
            return len(self.arrivals)


def setup_environment(name: str = "alerts") -> str:
    """Point Django at the benchmark's database before it is imported; return a description of it. `name` names
    its folder and SQLite file (bench/autopay.py shares this)."""
    var_dir = Path(os.environ.get("CIVICDESK_VAR_DIR") or common.OUT_DIR / f"{name}-var").resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    os.environ["CIVICDESK_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")
    os.environ["CITY_PACK"] = "civicdesk.cities.default.DefaultCity"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return "postgres"
    database = var_dir / f"{name}-bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    template = os.environ.get("BENCH_SQLITE_TEMPLATE")
    if template and Path(template).is_file():  # a migrated empty database (as common.database_url)
        shutil.copyfile(template, database)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    return "sqlite"


def load_subscribers(count: int, world) -> float:
    """Bulk-insert `count` confirmed immediate subscriptions around the world's West Elm point; seconds taken."""
    import random

    from django.db import transaction
    from django.utils import timezone

    from civicdesk.alerts.models import AreaSubscription
    from civicdesk.testing.world import IN_WEST_ELM

    rng = random.Random(311)
    began = time.perf_counter()
    now = timezone.now()
    batch: list[AreaSubscription] = []
    for i in range(count):
        # Centres within about 300 m of the point, radii 500 m to 2 km: every circle holds the new request.
        sub = AreaSubscription(email=f"resident{i}@bench.example", language="en",
                               lat=IN_WEST_ELM[0] + rng.uniform(-0.002, 0.002),
                               long=IN_WEST_ELM[1] + rng.uniform(-0.002, 0.002),
                               radius_m=rng.choice([500, 1000, 2000]), confirmed_at=now, created_at=now)
        sub.update_box()
        batch.append(sub)
        if len(batch) == 5000:
            with transaction.atomic():
                AreaSubscription.objects.bulk_create(batch)
            batch = []
    if batch:
        with transaction.atomic():
            AreaSubscription.objects.bulk_create(batch)
    return time.perf_counter() - began


def start_workers(count: int, smtp_port: int, log_dir: Path) -> list[subprocess.Popen]:
    env = {**os.environ, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_port), "EMAIL_USE_TLS": "false",
           "EMAIL_USE_SSL": "false"}
    workers = []
    for index in range(count):
        log = open(log_dir / f"alerts-worker-{index}.log", "w")  # noqa: SIM115  (closed with the process)
        workers.append(subprocess.Popen(
            [sys.executable, str(common.REPO / "manage.py"), "db_worker", "--no-reload", "--no-startup-delay",
             "--interval", "0.1", "--worker-id", f"bench-alerts-{index}"],
            cwd=common.REPO, env=env, stdout=log, stderr=subprocess.STDOUT))
    return workers


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def run(args: argparse.Namespace) -> dict:
    database = setup_environment()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from civicdesk.notifications.models import Delivery
    from civicdesk.testing.world import IN_WEST_ELM, build_world

    say(f"{database}: migrating")
    call_command("migrate", verbosity=0)
    world = build_world()
    say(f"{database}: inserting {args.subscribers:,} subscriptions")
    load_seconds = load_subscribers(args.subscribers, world)
    say(f"{database}: loaded in {load_seconds:.1f} s")
    sink = Sink()
    sink.controller.start()
    log_dir = Path(os.environ["CIVICDESK_VAR_DIR"])
    workers = start_workers(args.workers, sink.port, log_dir)
    connection.close()
    try:
        time.sleep(3)  # let the workers import Django and start polling before the clock starts
        from civicdesk.servicerequests import services

        began = time.time()
        request = services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                          description="Benchmark pothole", attributes={"depth": "deep"})
        submitted = time.time()
        timings = wait_for_messages(sink, workers, Delivery.objects.filter(key__endswith=f":{request.pk}:new"),
                                    expected=args.subscribers, began=began, timeout=args.timeout, log_dir=log_dir)
    finally:
        stop_workers(workers)
        sink.controller.stop()
    return {"database": database, "subscribers": args.subscribers, "workers": args.workers,
            "load_seconds": load_seconds, "submit_seconds": submitted - began, **timings}


def wait_for_messages(sink: Sink, workers: list[subprocess.Popen], deliveries, *, expected: int, began: float,
                      timeout: float, log_dir: Path) -> dict:
    """Wait until the SMTP sink has `expected` messages (or `timeout` seconds after `began`), noting when the
    `deliveries` queryset first held them all; return received, duplicates, queued_seconds, total_seconds, rate
    and per-message latency (Delivery created_at to arrival) p50, p99 and max."""
    queued_at = None
    while sink.count() < expected and time.time() < began + timeout:
        if queued_at is None and deliveries.count() >= expected:
            queued_at = time.time()
        if any(worker.poll() is not None for worker in workers):
            raise RuntimeError(f"a worker stopped; see {log_dir}/alerts-worker-*.log")
        time.sleep(0.5)
    finished = time.time()
    received = sink.count()
    created = dict(deliveries.values_list("address", "created_at"))
    if queued_at is None:
        queued_at = max(c.timestamp() for c in created.values()) if created else finished
    latencies = sorted(sink.arrivals[address] - when.timestamp() for address, when in created.items()
                       if address in sink.arrivals)
    last = max(sink.arrivals.values()) if sink.arrivals else finished
    return {"received": received, "duplicates": sink.duplicates, "queued_seconds": queued_at - began,
            "total_seconds": last - began, "rate": received / (last - began) if received else 0.0,
            "p50": common.percentile(latencies, 50), "p99": common.percentile(latencies, 99),
            "max": latencies[-1] if latencies else 0.0}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load = os.getloadavg()
    fsync = common.fsync_ms(common.OUT_DIR if common.OUT_DIR.exists() else Path("/tmp"))
    result = run(args)
    table = common.markdown_table(HEADER, [[
        result["database"], result["subscribers"], result["workers"], result["queued_seconds"],
        result["total_seconds"], result["rate"], result["p50"], result["p99"], result["max"]]])
    notes = (f"- received {result['received']:,} of {result['subscribers']:,} messages, {result['duplicates']} "
             f"duplicates; submit_request() returned in {result['submit_seconds'] * 1000:.0f} ms; "
             f"{result['subscribers']:,} subscriptions bulk-inserted in {result['load_seconds']:.1f} s\n"
             "- matched and queued: from submit_request() until every Delivery row existed (a fan-out task, then "
             "one notify() per 500 matched subscriptions); all received: until the SMTP server had the last message; latency: "
             "per message, from its Delivery row's created_at to its arrival at the SMTP server")
    say("")
    say(table)
    say(notes)
    if not args.no_record:
        entry = (f"\n## {common.now_utc()} · commit {common.git_commit()}\n\n"
                 f"`python bench/alerts.py --subscribers {args.subscribers} --workers {args.workers}` on "
                 f"{common.machine(load, fsync)}.\n\n{table}\n\n{notes}\n")
        with args.results.open("a", encoding="utf-8") as handle:
            handle.write(entry)
        say(f"appended to {args.results}")
    return 0 if result["received"] == result["subscribers"] and not result["duplicates"] else 1


if __name__ == "__main__":
    sys.exit(main())
