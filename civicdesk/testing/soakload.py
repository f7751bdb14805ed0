"""Soak testing: minutes of mixed traffic against the real stack, with processes killed now and then.

Used by `civicdesk/core/tests/test_soak.py` (2 minutes of traffic, in CI) and `bench/soak.py` (30 minutes by
default). It builds on the crash test (civicdesk/testing/crashload.py): its `Load` submits the reports
(Open311 POSTs and the web form, each with its own address) and its `Killer` kills gunicorn workers and the
task worker; `crashload.audit` checks that every acknowledged report is stored exactly once. Around that
load this module adds what a city sees on an ordinary day:

- residents browsing: the home page and tracking pages of reports made during the run;
- Open311 readers: the service list, single requests and request lists;
- residents subscribing to area alerts through the web form (confirmed subscriptions set up beforehand
  make every new report in West Elm send alerts);
- residents answering their acknowledgement by email, through the signed inbound-mail webhook;
- staff moving reports along (status changes, public notes) through the services the console calls;
- a `generate_requests` run and an `import_311` run writing in bulk, as `manage.py` commands;
- the SLA sweep every few seconds (`serve --sweep-every`).

`Soak.run()` also samples every process's resident memory (VmRSS in /proc) and checks that every part
of the stack is still up; `SoakReport` holds what to assert and `table()` prints it.
"""

from __future__ import annotations

import email.utils
import http.client
import http.cookiejar
import random
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlencode

from django.test import override_settings

from .crashload import Killer, Load, _call, _NoRedirects, audit, drain
from .live_stack import ROOT, Stack, get
from .world import IN_WEST_ELM

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REPLY_DOMAIN = "replies.soak.example.org"
WEBHOOK_SECRET = "soak-webhook-secret-5f1c"
# Growth of a process's resident memory between its first sample after WARM_UP seconds of life and its last
# one that is flagged: more than both MEMORY_GROWTH_MB and MEMORY_GROWTH_SHARE of the first.
WARM_UP = 60.0
MEMORY_GROWTH_MB = 64.0
MEMORY_GROWTH_SHARE = 0.5


def server_settings() -> dict[str, str]:
    """Extra server environment a soak needs (inbound replies on, the webhook signed with a known secret)."""
    return {"INBOUND_EMAIL_DOMAIN": REPLY_DOMAIN, "INBOUND_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "NOTIFICATIONS_LEASE_SECONDS": "5", "NOTIFICATIONS_RETRY_BASE_SECONDS": "1"}


@dataclass
class Tally:
    """Answers per kind of request: total, 5xx split into 503 with Retry-After / 503 without / 500 and others."""

    counts: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    failures: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, status: int | None, headers: dict | None = None, detail: str = "") -> None:
        headers = {name.lower(): value for name, value in (headers or {}).items()}
        with self.lock:
            row = self.counts[kind]
            row["requests"] += 1
            if status is None:
                row["no answer"] += 1
            elif status == 503 and headers.get("retry-after"):
                row["503"] += 1
            elif status >= 500:
                row["500"] += 1
                self.failures.append(f"{kind}: {status} {detail}"[:300])
            elif status in (200, 201, 302):
                row["ok"] += 1
            else:
                row["other"] += 1
                self.failures.append(f"{kind}: unexpected {status} {detail}"[:300])

    def total(self, column: str) -> int:
        return sum(row[column] for row in self.counts.values())


@dataclass
class Process:
    """A process of the stack whose memory was sampled: its role and (seconds since soak start, RSS MB) pairs."""

    pid: int
    role: str
    samples: list = field(default_factory=list)

    @property
    def lived(self) -> float:
        return self.samples[-1][0] - self.samples[0][0] if self.samples else 0.0

    def baseline(self) -> float | None:
        """RSS at the first sample taken WARM_UP seconds after this process was first seen (None: too young)."""
        start = self.samples[0][0]
        return next((rss for moment, rss in self.samples if moment - start >= WARM_UP), None)

    @property
    def growth_flagged(self) -> bool:
        base = self.baseline()
        if base is None:
            return False
        grown = self.samples[-1][1] - base
        return grown > MEMORY_GROWTH_MB and grown > base * MEMORY_GROWTH_SHARE


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class MemorySampler(threading.Thread):
    """Samples the RSS of serve, its children, gunicorn's workers and the task worker every `every` seconds."""

    def __init__(self, stack: Stack, every: float):
        super().__init__(daemon=True)
        self.stack, self.every = stack, every
        self.processes: dict[int, Process] = {}
        self.started = time.monotonic()
        self._halt = threading.Event()

    def roles(self) -> dict[int, str]:
        found = {}
        if self.stack.serve is not None:
            found[self.stack.serve.pid] = "serve"
            for role, pid in self.stack.serve_children().items():
                found[pid] = "gunicorn master" if role == "gunicorn" else role
        for pid in self.stack.web_workers():
            found[pid] = "gunicorn worker"
        if self.stack.worker is not None and self.stack.worker.poll() is None:
            found[self.stack.worker.pid] = "task worker"
        return found

    def sample(self) -> None:
        moment = time.monotonic() - self.started
        for pid, role in self.roles().items():
            rss = rss_mb(pid)
            if rss is not None:
                self.processes.setdefault(pid, Process(pid, role)).samples.append((moment, rss))

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.every)

    def stop(self) -> list[Process]:
        self._halt.set()
        self.join()
        self.sample()
        return sorted(self.processes.values(), key=lambda p: (p.role, p.samples[0][0]))


class Traffic:
    """Everything besides the report submissions, each kind in its own thread, recorded in a Tally."""

    def __init__(self, stack: Stack, load: Load, *, staff_user, think: float = 0.2, seed: int = 11):
        self.stack, self.load, self.staff_user, self.think = stack, load, staff_user, think
        self.base = stack.base
        self.tally = Tally()
        self.random = random.Random(seed)
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._guard, args=(target,), daemon=True) for target in (
            self._browser, self._browser, self._open311_reader, self._alert_subscriber, self._replier, self._staff)]
        self.crashed: list[str] = []
        self.replies = 0

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _guard(self, target) -> None:
        try:
            target()
        except Exception as exc:  # noqa: BLE001 - a client thread that dies is a finding, reported at the end
            self.crashed.append(f"{target.__name__}: {type(exc).__name__}: {exc}")
        finally:
            from django.db import connection

            connection.close()

    def _acknowledged(self) -> list:
        return [attempt for attempt in self.load.attempts[-500:] if attempt.acknowledged]

    def _get(self, kind: str, path: str, opener=None) -> tuple[int | None, dict, str]:
        opener = opener or urllib.request.build_opener(_NoRedirects)
        try:
            status, headers, body = _call(opener, urllib.request.Request(self.base + path), 30)
        except (OSError, http.client.HTTPException):  # cut short by a killed worker
            self.tally.add(kind, None)
            return None, {}, ""
        self.tally.add(kind, status, headers, path)
        return status, headers, body

    def _browser(self) -> None:
        while not self._stop.wait(self.think):
            recent = self._acknowledged()
            if recent and self.random.random() < 0.6:
                self._get("page: tracking", f"/requests/{self.random.choice(recent).public_id}/")
            else:
                self._get("page: home", "/")

    def _open311_reader(self) -> None:
        while not self._stop.wait(self.think):
            recent = self._acknowledged()
            choice = self.random.random()
            if recent and choice < 0.4:
                self._get("open311: GET request", f"/open311/v2/requests/{self.random.choice(recent).public_id}.json"
                          "?jurisdiction_id=elm.example.gov")
            elif choice < 0.7:
                self._get("open311: GET list", "/open311/v2/requests.json?jurisdiction_id=elm.example.gov"
                          "&service_code=graffiti&status=open")
            else:
                self._get("open311: GET services", "/open311/v2/services.json?jurisdiction_id=elm.example.gov")

    def _alert_subscriber(self) -> None:
        sent = 0
        while not self._stop.wait(self.think * 5):
            sent += 1
            opener = urllib.request.build_opener(_NoRedirects,
                                                 urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
            status, _, page = self._get("alerts: form", "/alerts/", opener)
            token = _CSRF.search(page) if status == 200 else None
            if token is None:
                continue
            form = {"csrfmiddlewaretoken": token.group(1), "lat": f"{IN_WEST_ELM[0]:.6f}",
                    "long": f"{IN_WEST_ELM[1]:.6f}", "radius_m": "500", "events": ["new", "closed"],
                    "frequency": "immediate", "email": f"alerts{sent}@soak-alerts.example.org"}
            request = urllib.request.Request(f"{self.base}/alerts/", data=urlencode(form, doseq=True).encode(),
                                             headers={"Referer": f"{self.base}/alerts/"})
            try:
                status, headers, body = _call(opener, request, 30)
            except (OSError, http.client.HTTPException):
                self.tally.add("alerts: subscribe", None)
                continue
            self.tally.add("alerts: subscribe", status, headers, body[:200] if status != 302 else "")

    def _replier(self) -> None:
        from civicdesk.inbound import tokens, webhook

        sent = 0
        while not self._stop.wait(self.think * 3):
            recent = self._acknowledged()
            if not recent:
                continue
            attempt = self.random.choice(recent)
            sent += 1
            message = EmailMessage()
            message["From"] = attempt.email
            message["To"] = tokens.reply_address(attempt.public_id, attempt.email)
            message["Subject"] = f"Re: Your report {attempt.public_id}"
            message["Message-ID"] = email.utils.make_msgid(f"soak{sent}", domain="soak.example.org")
            message["Date"] = email.utils.formatdate()
            message.set_content("Thanks. The paint is still there this morning, it is on both sides now.\n\n"
                                "On Monday the city wrote:\n> We received your report.\n")
            body = message.as_bytes()
            stamp = str(int(time.time()))
            request = urllib.request.Request(f"{self.base}/inbound/email/", data=body, headers={
                "Content-Type": "message/rfc822", webhook.TIMESTAMP_HEADER: stamp,
                webhook.SIGNATURE_HEADER: webhook.sign(body, stamp, WEBHOOK_SECRET)})
            try:
                status, headers, answer = _call(urllib.request.build_opener(_NoRedirects), request, 30)
            except (OSError, http.client.HTTPException):
                self.tally.add("inbound: email reply", None)
                continue
            self.tally.add("inbound: email reply", status, headers, answer[:200])
            if status == 200:
                self.replies += 1

    def _staff(self) -> None:
        from django.db import DatabaseError

        from civicdesk.core.overload import is_busy_database_error
        from civicdesk.servicerequests.models import ServiceRequest
        from civicdesk.servicerequests.services import TransitionNotAllowed, add_note, transition

        while not self._stop.wait(self.think * 2):
            recent = self._acknowledged()
            if not recent:
                continue
            public_id = self.random.choice(recent).public_id
            try:
                request = ServiceRequest.objects.select_related("status").get(public_id=public_id)
                moves = list(request.status.allowed_next.all())
                if moves and self.random.random() < 0.6:
                    transition(request, self.random.choice(moves), user=self.staff_user,
                               message="Crew checked the site during the soak.")
                    self.tally.add("staff: status change", 200)
                else:
                    add_note(request, message="A crew is scheduled for this week.", user=self.staff_user)
                    self.tally.add("staff: note", 200)
            except TransitionNotAllowed:
                self.tally.add("staff: status change", 200)  # another move won the race: a normal answer
            except DatabaseError as exc:
                # The console answers a busy database as every page does (core/overload.py): 503, try again.
                busy = is_busy_database_error(exc)
                self.tally.add("staff: service call", 503 if busy else 500, {"Retry-After": "2"} if busy else {},
                               detail=f"{type(exc).__name__}: {exc}")


@dataclass
class BulkRun:
    """A management command run beside the traffic (generate_requests, import_311)."""

    name: str
    command: list[str]
    started: float = 0.0
    seconds: float = 0.0
    returncode: int | None = None
    output: str = ""


def bulk_runs(stack: Stack, work_dir: Path, *, rows: int) -> tuple[list[str], list[BulkRun]]:
    """The bulk writers of a soak: generate `rows` requests into the database, and import `rows` NYC rows.

    Returns (the command that writes the NYC file, the runs). That file is written first (by
    generate_requests --output, no database writes), in BulkRunner's thread while the traffic runs. Small
    batches keep each write transaction short, as an operator would run them beside live traffic.
    """
    django = [sys.executable, "-m", "django"]
    csv_path = work_dir / "soak-import.csv"
    prepare = [*django, "generate_requests", str(rows), "--seed", "7", "--output", str(csv_path), "--format", "nyc",
               "--no-progress"]
    return prepare, [BulkRun("generate_requests", [*django, "generate_requests", str(rows), "--seed", "3", "--batch",
                                                   "200", "--since", "30", "--no-progress"]),
                     BulkRun("import_311", [*django, "import_311", str(csv_path), "--format", "nyc", "--create-types",
                                            "--batch", "200", "--source", "soak", "--no-progress"])]


class BulkRunner(threading.Thread):
    """Runs `prepare` (a command that writes no data: the import's file), then each BulkRun at its moment (`at`
    seconds after start, or as soon as the one before has finished), one after the other."""

    def __init__(self, stack: Stack, runs: list[BulkRun], at: list[float], prepare: list[str] | None = None):
        super().__init__(daemon=True)
        self.stack, self.runs, self.at, self.prepare = stack, runs, at, prepare

    def run(self) -> None:
        began = time.monotonic()
        if self.prepare:
            # Beside the traffic rather than before it: the file is needed only by the second run, and writing it
            # first kept the soak waiting several seconds of Django start-up and generation.
            result = subprocess.run(self.prepare, cwd=ROOT, env=self.stack.env, capture_output=True, text=True,
                                    check=False)
            if result.returncode != 0:  # every run is then reported failed, with the reason
                for run in self.runs:
                    run.returncode = result.returncode
                    run.output = f"preparing failed: {(result.stdout + result.stderr)[-1500:]}"
                return
        for run, moment in zip(self.runs, self.at, strict=True):
            time.sleep(max(0.0, began + moment - time.monotonic()))
            run.started = time.monotonic() - began
            result = subprocess.run(run.command, cwd=ROOT, env=self.stack.env, capture_output=True, text=True,
                                    check=False)
            run.seconds = time.monotonic() - began - run.started
            run.returncode = result.returncode
            run.output = (result.stdout + result.stderr)[-2000:]


def components_down(stack: Stack, workers: int) -> list[str]:
    """What of the stack is not running: serve, each of its children, gunicorn's workers, the task worker, /healthz."""
    down = []
    if stack.serve is None or stack.serve.poll() is not None:
        down.append("serve")
    children = stack.serve_children()
    for role in ("gunicorn", "sla_sweep", "send_area_digests"):
        if role not in children:
            down.append(f"serve's child {role}")
    if len(stack.web_workers()) != workers:
        down.append(f"gunicorn workers: {len(stack.web_workers())} of {workers}")
    if stack.worker is None or stack.worker.poll() is not None:
        down.append("task worker")
    try:
        status = get(f"{stack.base}/healthz")[0]
    except OSError as exc:
        status = str(exc)
    if status != 200:
        down.append(f"/healthz answered {status}")
    return down


@dataclass
class SoakReport:
    minutes: float
    tally: Tally
    attempts: list
    audit: object
    processes: list[Process]
    bulk: list[BulkRun]
    backlog: int
    down: list[str]
    web_kills: int
    worker_kills: int
    worker_starts: int
    client_crashes: list[str]
    replies: int
    sweeps: int

    @property
    def memory_flagged(self) -> list[Process]:
        return [process for process in self.processes if process.growth_flagged]

    def problems(self) -> list[str]:
        """Everything that fails the soak, in words; empty when it passed."""
        found = [f"down at the end: {', '.join(self.down)}"] if self.down else []
        found += [f"HTTP 5xx other than 503 + Retry-After, or an unexpected answer ({count}x): {failure}"
                  for failure, count in Counter(self.tally.failures).most_common(10)]
        found += [f"report {a.channel} answered {a.status} {a.error}" for a in self.attempts
                  if a.status and a.status not in (200, 302) and not (a.status == 503 and a.retry_after)][:20]
        a = self.audit
        if a.found != a.acknowledged or a.duplicates or a.lost or a.half_written or a.strangers:
            found.append(f"reports: {a.acknowledged} acknowledged, {a.found} found once; " + a.problems())
        if self.backlog:
            found.append(f"the task queue still held {self.backlog} tasks after the drain: the task worker fell behind "
                         "(acknowledgements not checked)")
        elif a.ack_missing or a.tasks_unfinished:
            found.append(f"acknowledgements missing for {a.ack_missing[:10]}, {a.tasks_unfinished} tasks left")
        found += [f"{run.name} exited with {run.returncode}: {run.output[-500:]}" for run in self.bulk
                  if run.returncode != 0]
        found += [f"memory of {p.role} {p.pid} grew from {p.baseline():.0f} MB to {p.samples[-1][1]:.0f} MB"
                  for p in self.memory_flagged]
        found += [f"client thread died: {crash}" for crash in self.client_crashes]
        return found

    def table(self) -> str:
        """The summary: requests per kind, process memory, reports and bulk runs, as plain text tables."""
        rows = [["kind", "requests", "ok", "503 (Retry-After)", "500 / other 5xx", "other", "no answer"]]
        for kind in ("open311: POST report", "web: report form"):
            channel = "open311" if kind.startswith("open311") else "web"
            mine = [a for a in self.attempts if a.channel == channel]
            rows.append([kind, len(mine), sum(1 for a in mine if a.acknowledged),
                         sum(1 for a in mine if a.status == 503 and a.retry_after),
                         sum(1 for a in mine if a.status and a.status >= 500 and not (a.status == 503 and a.retry_after)),
                         sum(1 for a in mine if a.status and a.status < 500 and not a.acknowledged),
                         sum(1 for a in mine if a.status is None)])
        for kind in sorted(self.tally.counts):
            row = self.tally.counts[kind]
            rows.append([kind, row["requests"], row["ok"], row["503"], row["500"], row["other"], row["no answer"]])
        lines = [_text_table(rows), ""]
        a = self.audit
        lines.append(f"reports: {a.attempted} attempted, {a.acknowledged} acknowledged, {a.found} found exactly once, "
                     f"{a.duplicates} duplicates, {len(a.lost)} lost, {len(a.half_written)} half-written; "
                     f"{a.stored} stored in all, {a.ack_emails} emails to their reporters (acknowledgements and updates), "
                     f"{len(a.ack_missing)} without an acknowledgement")
        lines.append(f"task queue: {self.backlog} tasks left after the drain")
        lines.append(f"kills: {self.web_kills} gunicorn workers, {self.worker_kills} task workers "
                     f"(task worker started {self.worker_starts} times); inbound replies recorded: {self.replies}; "
                     f"SLA sweeps: {self.sweeps}")
        for run in self.bulk:
            lines.append(f"{run.name}: started at {run.started:.0f} s, took {run.seconds:.0f} s, exit {run.returncode}")
        lines.append("")
        memory = [["process", "pid", "lived s", "RSS first MB", "RSS after warm-up MB", "RSS last MB", "flag"]]
        for p in self.processes:
            base = p.baseline()
            memory.append([p.role, p.pid, f"{p.lived:.0f}", f"{p.samples[0][1]:.0f}",
                           "-" if base is None else f"{base:.0f}", f"{p.samples[-1][1]:.0f}",
                           "GROWING" if p.growth_flagged else ""])
        lines.append(_text_table(memory))
        lines.append(f"(a process is flagged when its RSS grew by more than {MEMORY_GROWTH_MB:.0f} MB and "
                     f"{MEMORY_GROWTH_SHARE:.0%} after its first {WARM_UP:.0f} s; younger ones are not judged)")
        down = ", ".join(self.down) or "none"
        lines.append(f"down at the end: {down}")
        return "\n".join(lines)


def _text_table(rows: list[list]) -> str:
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    out = []
    for number, row in enumerate(rows):
        out.append("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if number == 0:
            out.append("  ".join("-" * width for width in widths))
    return "\n".join(out)


def confirmed_alert_subscribers(count: int) -> None:
    """`count` confirmed area-alert subscriptions around West Elm, so every new report there sends alerts."""
    from civicdesk.alerts import services as alerts

    area = alerts.locate_area(lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1], radius_m=1000)
    for number in range(count):
        subscription = alerts.subscribe(email=f"neighbour{number}@soak-alerts.example.org", area=area,
                                        notify_new=True, notify_closed=True)
        alerts.confirm(subscription)


def queued_tasks() -> int:
    """Tasks waiting or running in the database queue."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).count()


def sla_sweeps(stack: Stack, since: int = 0) -> int:
    """How many SLA sweeps ran: each prints one "overdue: N, due soon: M" line into serve's log (after byte `since`)."""
    path = stack.log_dir / "serve.log"
    if not path.exists():
        return 0
    with path.open("rb") as log:
        log.seek(since)
        return log.read().count(b"overdue: ")


@dataclass
class Soak:
    """One soak: `minutes` of traffic on a started Stack (serve + task worker), `kills` spread over it."""

    stack: Stack
    api_key: str
    staff_user: object
    minutes: float
    workers: int
    kills: int
    bulk_rows: int
    work_dir: Path
    seed: int = 6
    sample_every: float = 5.0
    say: object = print
    open311_clients: int = 2
    web_clients: int = 1
    think: float = 0.2
    drain_seconds: float = 300.0

    def run(self, received) -> SoakReport:
        """Run the soak, drain the queue, audit. `received()` returns the (To, Message-ID) of every email so far."""
        seconds = self.minutes * 60
        prepare, bulk = bulk_runs(self.stack, self.work_dir, rows=self.bulk_rows)
        serve_log = self.stack.log_dir / "serve.log"
        log_start = serve_log.stat().st_size if serve_log.exists() else 0
        sampler = MemorySampler(self.stack, self.sample_every)
        load = Load(self.stack.base, self.api_key, open311_clients=self.open311_clients,
                    web_clients=self.web_clients, think=self.think)
        traffic = Traffic(self.stack, load, staff_user=self.staff_user, think=self.think, seed=self.seed)
        killer = Killer(self.stack, seed=self.seed)
        runner = BulkRunner(self.stack, bulk, at=[seconds * 0.2, seconds * 0.45], prepare=prepare)
        replies_to = override_settings(INBOUND_EMAIL_DOMAIN=REPLY_DOMAIN)  # as the server signs Reply-To
        replies_to.enable()
        sampler.start()
        load.start()
        traffic.start()
        runner.start()
        self.say(f"soak: {self.minutes:g} min of traffic, {self.kills} kills ...")
        try:
            killer.run(seconds=seconds, kills=self.kills)
            down = components_down(self.stack, self.workers)
        finally:
            # A resident thread that died early (an exception the client did not expect) is a finding too.
            traffic.crashed += [f"report client {thread.name} stopped early" for thread in load._threads
                                if not thread.is_alive()]
            traffic.stop()
            attempts = load.stop()
            runner.join()
            replies_to.disable()
        processes = sampler.stop()
        # Nothing may enqueue once the drain has begun: the scheduler of periodic jobs (a 5-minute slot can start
        # between the drain and the audit) and the SLA sweep stop with `serve`.
        self.stack.stop_serve()
        self.say(f"soak: traffic stopped; {sum(a.acknowledged for a in attempts)} reports acknowledged; "
                 f"draining the queue ({queued_tasks()} tasks) ...")
        drain_began = time.monotonic()
        try:
            drain(self.stack, timeout=self.drain_seconds)
            backlog = 0
        except AssertionError:  # the worker fell behind so far that the queue did not empty in time
            backlog = queued_tasks()
        self.say(f"soak: drained in {time.monotonic() - drain_began:.0f} s, {backlog} tasks left")
        result = audit(attempts, received())
        return SoakReport(minutes=self.minutes, tally=traffic.tally, attempts=attempts, audit=result,
                          processes=processes, bulk=bulk, backlog=backlog, down=down, web_kills=killer.web_kills,
                          worker_kills=killer.worker_kills, worker_starts=self.stack.worker_starts,
                          client_crashes=traffic.crashed, replies=traffic.replies, sweeps=sla_sweeps(self.stack, log_start))

