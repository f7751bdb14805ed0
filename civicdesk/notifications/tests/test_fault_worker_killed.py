"""The fault test: kill -9 the real task worker twice in the middle of a large batch; every email arrives once.

A real `manage.py db_worker` process sends 1,500 emails to a real SMTP server from the test database. It is
killed (SIGKILL, no clean-up) when some but not all messages have arrived, started again, killed again, and
started a last time. Recovery runs by itself: each claim enqueued a watchdog task that releases the claim once
its lease (3 s here) has expired.

What is proven: each of the 1,500 deliveries is SENT, each arrived under its own Message-ID, and no address
received two different messages. A kill can land after the SMTP server accepted a message but before the
worker recorded it; that one message is sent again with the SAME Message-ID (receivers collapse it), so the
test allows at most one repeated copy per kill and checks that every repeat is such a recovered message.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.db import connection

from civicdesk.notifications.models import Delivery
from civicdesk.notifications.services import Recipient, notify

BATCH = 1500
MANAGE = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]


def database_url_for_worker() -> str:
    """The URL of the database this test runs against, for the worker process."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_env(smtp_port: int) -> dict[str, str]:
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    env.update(DJANGO_SETTINGS_MODULE="civicdesk.settings", TESTING="true", DATABASE_URL=database_url_for_worker(),
               CIVICDESK_VAR_DIR=str(settings.VAR_DIR), SITE_URL=settings.SITE_URL, SECRET_KEY=settings.SECRET_KEY,
               EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_port), NOTIFICATIONS_LEASE_SECONDS="3",
               NOTIFICATIONS_CLAIM_SIZE=str(settings.NOTIFICATIONS_CLAIM_SIZE),
               LOG_LEVEL="WARNING", SQLITE_SYNCHRONOUS="NORMAL")  # a killed process loses no WAL commit
    return env


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("a") as out:
        return subprocess.Popen(MANAGE + ["db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1",
                                          "-v", "0"], cwd=settings.BASE_DIR, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)


def wait_until(condition, timeout: float, what: str, worker: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert worker.poll() is None, f"the worker exited while waiting for {what}:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}:\n{log.read_text()[-3000:]}"
        time.sleep(0.02)


def test_it_delivers_every_message_once_by_message_id_when_the_worker_is_killed_twice(
        transactional_db, smtp_server, tmp_path):
    notify(event="notice.published", key="notice:1:v1", template="notifications_test/plain",
           context={"message": "Water main repair on Elm Street"}, scope="area:1",
           recipients=(Recipient(email=f"resident{n}@example.org") for n in range(BATCH)))
    env, log = worker_env(settings.EMAIL_PORT), tmp_path / "worker.log"

    def arrived() -> int:
        return len(smtp_server.messages)

    def all_sent() -> bool:
        return not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()

    def mid_claim(limit: int) -> bool:
        """At least `limit` messages arrived, and the worker holds a claim with a good part still to send, so
        the kill lands in the middle of a claim (not between two) and the recovery of a dead claim is tested."""
        return arrived() >= limit and Delivery.objects.filter(status=Delivery.Status.SENDING).count() >= 10

    kills = 0
    for threshold in (BATCH // 5, BATCH // 2):
        worker = start_worker(env, log)
        wait_until(lambda limit=threshold: mid_claim(limit), 45, f"{threshold} messages", worker, log)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        kills += 1
        assert arrived() < BATCH, "the worker finished before it could be killed mid-batch"

    worker = start_worker(env, log)
    try:
        wait_until(all_sent, 45, "every delivery to be sent", worker, log)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=15)

    deliveries = {d.message_id(): d for d in Delivery.objects.all()}
    assert len(deliveries) == BATCH
    copies = Counter(message["Message-ID"] for message in smtp_server.messages)
    assert set(copies) == set(deliveries), "some message never arrived, or one arrived that was not queued"
    addresses = Counter(message["To"] for message in smtp_server.messages)
    distinct_per_address = Counter(deliveries[mid].address for mid in copies)
    assert set(distinct_per_address.values()) == {1} and len(addresses) == BATCH
    # Each kill left at most one message in flight, the first still being sent in the dead claim; recovery
    # sent it again (one more attempt). A message recovered after the first kill can be the one in flight at
    # the second, so resends are counted, not messages. Only a resent message can have arrived more than
    # once, then always under its one Message-ID, and never more often than it was attempted.
    resends = {d.message_id(): d.attempts - 1 for d in deliveries.values() if d.attempts > 1}
    assert 1 <= sum(resends.values()) <= kills
    repeated = {mid for mid, count in copies.items() if count > 1}
    assert repeated <= set(resends) and all(copies[mid] <= deliveries[mid].attempts for mid in repeated)
    print(f"\n{BATCH} deliveries, {kills} kills, {len(smtp_server.messages)} copies received, "
          f"{len(repeated)} repeated under the same Message-ID, {sum(resends.values())} resent after a kill")
