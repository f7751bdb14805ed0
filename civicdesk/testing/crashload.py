"""Crash testing under load: resident clients, a process killer, and the audit of what survived.

Used by `civicdesk/core/tests/test_crash.py` (short, in CI) and `bench/crash.py` (long). Clients submit
graffiti reports in West Elm of the shared test world, through Open311 POSTs and the web form, each with
its own email address so its acknowledgement can be found in the SMTP server's mailbox. The killer sends
SIGKILL to gunicorn worker processes (the arbiter starts new ones) and to the task worker (restarted the
way a supervisor would, under the same worker id). `audit()` then checks the database and the mailbox.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import os
import random
import re
import signal
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from .world import IN_WEST_ELM

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_TRACK = re.compile(r"/requests/([^/?#]+)/")


@dataclass
class Attempt:
    """One submission: who sent it, and what came back (status None: no answer at all)."""

    channel: str
    email: str
    status: int | None = None
    public_id: str = ""
    error: str = ""
    retry_after: str = ""

    @property
    def acknowledged(self) -> bool:
        """True when the client got a success answer carrying a tracking number."""
        return bool(self.public_id)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _call(opener, request: urllib.request.Request, timeout: float) -> tuple[int, dict[str, str], str]:
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8", "replace")


class Load:
    """Client threads submitting reports until stopped; each attempt is recorded, whatever happened to it."""

    def __init__(self, base: str, api_key: str, *, open311_clients: int = 3, web_clients: int = 1,
                 timeout: float = 30, think: float = 0.0):
        """`think`: seconds each client waits between submissions (0: the next one at once)."""
        self.base, self.api_key, self.timeout, self.think = base, api_key, timeout, think
        self.attempts: list[Attempt] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._open311_client, args=(n,), daemon=True)
                         for n in range(open311_clients)]
        self._threads += [threading.Thread(target=self._web_client, args=(n,), daemon=True)
                          for n in range(web_clients)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> list[Attempt]:
        self._stop.set()
        for thread in self._threads:
            thread.join()
        return self.attempts

    def _record(self, attempt: Attempt) -> Attempt:
        with self._lock:
            self.attempts.append(attempt)
        return attempt

    def _open311_client(self, number: int) -> None:
        opener = urllib.request.build_opener(_NoRedirects)
        sent = 0
        while not self._stop.is_set():
            sent += 1
            attempt = self._record(Attempt("open311", f"api{number}-{sent}@crash.example.org"))
            form = {"api_key": self.api_key, "jurisdiction_id": "elm.example.gov", "service_code": "graffiti",
                    "lat": str(IN_WEST_ELM[0]), "long": str(IN_WEST_ELM[1]), "email": attempt.email,
                    "description": f"Tag on the underpass, report {number}-{sent}"}
            request = urllib.request.Request(f"{self.base}/open311/v2/requests.json", data=urlencode(form).encode())
            try:
                attempt.status, headers, body = _call(opener, request, self.timeout)
                attempt.retry_after = headers.get("Retry-After", "")
                if attempt.status == 200:
                    attempt.public_id = json.loads(body)[0]["service_request_id"]
            except (OSError, ValueError, http.client.HTTPException) as exc:  # reset, refused, timed out, cut short
                attempt.error = f"{type(exc).__name__}: {exc}"
            self._pause_if_refused(attempt)

    def _web_client(self, number: int) -> None:
        sent = 0
        while not self._stop.is_set():
            sent += 1
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(_NoRedirects, urllib.request.HTTPCookieProcessor(jar))
            attempt = self._record(Attempt("web", f"web{number}-{sent}@crash.example.org"))
            where = urlencode({"lat": f"{IN_WEST_ELM[0]:.6f}", "long": f"{IN_WEST_ELM[1]:.6f}"})
            url = f"{self.base}/report/graffiti/details/?{where}"
            try:
                status, headers, page = _call(opener, urllib.request.Request(url), self.timeout)
                token = _CSRF.search(page)
                if status != 200 or token is None:
                    attempt.status = status
                    attempt.retry_after = headers.get("Retry-After", "")
                    attempt.error = "the form did not load"
                    self._pause_if_refused(attempt)
                    continue
                form = {"csrfmiddlewaretoken": token.group(1), "lat": f"{IN_WEST_ELM[0]:.6f}",
                        "long": f"{IN_WEST_ELM[1]:.6f}", "description": f"Spray paint on the wall, {number}-{sent}",
                        "name": "Crash Tester", "email": attempt.email}
                request = urllib.request.Request(url, data=urlencode(form).encode(), headers={"Referer": url})
                attempt.status, headers, _ = _call(opener, request, self.timeout)
                attempt.retry_after = headers.get("Retry-After", "")
                tracked = _TRACK.search(headers.get("Location", "")) if attempt.status == 302 else None
                if tracked:
                    attempt.public_id = tracked.group(1)
            except (OSError, http.client.HTTPException) as exc:  # IncompleteRead: the worker died mid-answer
                attempt.error = f"{type(exc).__name__}: {exc}"
            self._pause_if_refused(attempt)

    def _pause_if_refused(self, attempt: Attempt) -> None:
        # A refused client waits a moment, as a real one would, rather than spinning on a dead socket.
        if not attempt.acknowledged:
            self._stop.wait(0.2)
        elif self.think:
            self._stop.wait(self.think)


@dataclass
class Killer:
    """Kills processes of a live_stack.Stack with SIGKILL at random moments and counts what it killed."""

    stack: object
    seed: int = 6
    web_kills: int = 0
    worker_kills: int = 0
    log: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.random = random.Random(self.seed)

    def kill_web_worker(self) -> None:
        """SIGKILL one gunicorn worker, then wait until the arbiter has replaced it and it serves again."""
        workers = self.stack.web_workers()
        if not workers:
            return
        victim = self.random.choice(workers)
        os.kill(victim, signal.SIGKILL)
        self.web_kills += 1
        self.log.append(f"killed gunicorn worker {victim}")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            current = self.stack.web_workers()
            if victim not in current and len(current) == len(workers):
                return
            time.sleep(0.05)
        raise AssertionError("gunicorn did not replace a killed worker:\n" + self.stack.log("gunicorn.log"))

    def kill_task_worker(self, down_for: float = 0.3) -> None:
        """SIGKILL the task worker (and any child), then start it again after `down_for` seconds."""
        worker = self.stack.worker
        if worker is None or worker.poll() is not None:
            raise AssertionError("the task worker was not running:\n" + self.stack.log("worker.log"))
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        self.worker_kills += 1
        self.log.append(f"killed task worker {worker.pid}")
        time.sleep(down_for)
        self.stack.start_worker()

    def run(self, *, seconds: float, kills: int) -> None:
        """Spread `kills` kills over `seconds`, alternating web and task workers, at jittered moments."""
        gap = seconds / (kills + 1)
        started = time.monotonic()
        for number in range(kills):
            target = started + gap * (number + 1) + self.random.uniform(-gap / 3, gap / 3)
            time.sleep(max(0.0, target - time.monotonic()))
            if number % 2 == 0:
                self.kill_web_worker()
            else:
                self.kill_task_worker()
        time.sleep(max(0.0, started + seconds - time.monotonic()))


@dataclass
class Audit:
    """What the database and the mailbox hold after a crash run (see audit())."""

    attempted: int
    acknowledged: int
    refused: int
    no_answer: int
    found: int
    duplicates: int
    lost: list[str]
    stored: int
    half_written: list[str]
    strangers: int
    ack_emails: int
    resent: int
    ack_missing: list[str]
    ack_repeated: list[str]
    deliveries_not_sent: list[str]
    tasks_unfinished: int

    @property
    def ok(self) -> bool:
        return not (self.duplicates or self.lost or self.half_written or self.strangers or self.ack_missing
                    or self.ack_repeated or self.deliveries_not_sent or self.tasks_unfinished)

    def problems(self) -> str:
        return (f"duplicates={self.duplicates} lost={self.lost[:10]} half_written={self.half_written[:10]} "
                f"strangers={self.strangers} ack_missing={self.ack_missing[:10]} "
                f"ack_repeated={self.ack_repeated[:10]} deliveries_not_sent={self.deliveries_not_sent[:10]} "
                f"tasks_unfinished={self.tasks_unfinished}")


def drain(stack, timeout: float = 120) -> None:
    """Run the task worker (as a supervisor restarts it, same id) until no task waits or runs any more.

    Some tasks are due later (the notification watchdog runs when a claim's lease ends): the worker keeps
    polling until they have run too. AssertionError when tasks are still queued after `timeout` seconds.
    """
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    def empty() -> bool:
        return not DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).exists()

    stack.drain_worker(empty, timeout=timeout)


def audit(attempts: list[Attempt], received: list[tuple[str, str]]) -> Audit:
    """Check every attempt against the database and `received`: (To, Message-ID) of every email received.

    - Every acknowledged attempt (a success answer with a tracking number) is stored exactly once, under
      that tracking number and with the email address it was sent with; otherwise it is `lost`.
    - Every stored request from the run, acknowledged or not, has its SUBMITTED and ROUTED timeline
      entries (not `half_written`), came from an attempt (no `strangers`), and got exactly one
      acknowledgement (none `ack_missing`, none `ack_repeated`): a saved request's acknowledgement is
      never lost, even when the client never heard back. One acknowledgement is one Message-ID: a
      worker killed between the SMTP server's "250 OK" and recording it sends the same message again
      (`resent`), which mail systems collapse; a second, different message would be a real repeat.
    - Its acknowledgement Delivery row (civicdesk.notifications) is SENT, once.
    - No task is left waiting or running.
    """
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from civicdesk.notifications.models import Delivery
    from civicdesk.servicerequests.models import ServiceRequest, TimelineEntry

    stored = list(ServiceRequest.objects.filter(contact_email__endswith="@crash.example.org")
                  .values_list("pk", "public_id", "contact_email"))
    by_email = Counter(email for _, _, email in stored)
    public_ids = {email: public_id for _, public_id, email in stored}
    kinds = {}
    for request_id, kind in TimelineEntry.objects.filter(request_id__in=[pk for pk, _, _ in stored]).values_list(
            "request_id", "kind"):
        kinds.setdefault(request_id, set()).add(kind)
    needed = {TimelineEntry.Kind.SUBMITTED, TimelineEntry.Kind.ROUTED}
    raw = Counter(address.lower() for address, _ in received)
    mail = Counter(address.lower() for address, _ in set(received))  # distinct messages per address
    deliveries = Counter((request_id, status) for request_id, status in Delivery.objects.filter(
        request_id__in=[pk for pk, _, _ in stored], event="request.received", channel="email").values_list(
        "request_id", "status"))
    sent = {attempt.email for attempt in attempts}
    acknowledged = [attempt for attempt in attempts if attempt.acknowledged]
    return Audit(
        attempted=len(attempts),
        acknowledged=len(acknowledged),
        refused=sum(1 for a in attempts if a.status is not None and not a.acknowledged),
        no_answer=sum(1 for a in attempts if a.status is None),
        found=sum(1 for a in acknowledged if by_email[a.email] == 1 and public_ids.get(a.email) == a.public_id),
        duplicates=sum(count - 1 for count in by_email.values() if count > 1),
        lost=[a.public_id for a in acknowledged if public_ids.get(a.email) != a.public_id],
        stored=len(stored),
        half_written=[public_id for pk, public_id, _ in stored if not needed <= kinds.get(pk, set())],
        strangers=sum(1 for _, _, email in stored if email not in sent),
        ack_emails=sum(mail[email] for _, _, email in stored),
        resent=sum(raw[email] - mail[email] for _, _, email in stored),
        ack_missing=[public_id for _, public_id, email in stored if mail[email] == 0],
        ack_repeated=[public_id for _, public_id, email in stored if mail[email] > 1],
        deliveries_not_sent=[public_id for pk, public_id, _ in stored
                             if deliveries[(pk, Delivery.Status.SENT)] != 1
                             or sum(n for (r, _), n in deliveries.items() if r == pk) != 1],
        tasks_unfinished=DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).count(),
    )
