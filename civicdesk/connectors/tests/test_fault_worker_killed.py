"""The exactly-once fault test: kill -9 the real task worker while the other system is creating our request.

The other system is a small Open311 server in a thread of this test: it stores each POSTed request and then,
for the first one, does not answer until told to, like a slow work-order system. The worker (the command
`manage.py serve` runs) is killed while it waits for that answer, so the request exists over there but the
worker never learned its id. A new worker takes the lost attempt over when its lease ends (3 s here), finds
the copy by our tracking number instead of posting again, and records its id: one request over there.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.db import connection

from civicdesk.connectors.models import Connector, SyncRecord
from civicdesk.servicerequests.services import submit_request
from civicdesk.testing.live_stack import database_url_of, live_stack
from civicdesk.testing.world import IN_EAST_ELM


class SlowWorkOrderSystem(ThreadingHTTPServer):
    """POST requests.json stores and (first time) holds the answer; GET requests.json lists what it holds."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.created: list[dict] = []
        self.received = threading.Event()
        self.release = threading.Event()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/open311/v2/"


class _Handler(BaseHTTPRequestHandler):
    server: SlowWorkOrderSystem

    def log_message(self, *args) -> None:
        pass

    def _json(self, body) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        item = {"service_request_id": f"WO-{len(self.server.created) + 1}", "description": form["description"][0]}
        self.server.created.append(item)
        self.server.received.set()
        self.server.release.wait(60)
        self._json([{"service_request_id": item["service_request_id"]}])

    def do_GET(self) -> None:
        self._json(self.server.created)


@pytest.fixture
def work_orders():
    server = SlowWorkOrderSystem()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


def _wait(condition, timeout: float, what: str, stack) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}:\n{stack.log('worker.log')}"
        time.sleep(0.05)


def test_it_creates_the_request_once_when_the_worker_dies_mid_send(tworld, work_orders, tmp_path):
    connector = Connector.objects.create(jurisdiction=tworld.elm, name="Works system", kind=Connector.Kind.OPEN311,
                                         endpoint_url=work_orders.base, secret="forwarder-key")
    request = submit_request(service_type=tworld.graffiti, description="Tag on the library wall",
                             lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1])
    record = SyncRecord.objects.get(connector=connector, request=request)

    with live_stack(database_url=database_url_of(connection), var_dir=tmp_path / "var",
                    CONNECTORS_LEASE_SECONDS="3", SQLITE_SYNCHRONOUS="NORMAL") as stack:
        stack.start_worker()
        _wait(work_orders.received.is_set, 60, "the worker's POST", stack)
        os.killpg(stack.worker.pid, signal.SIGKILL)  # mid-send: the other side has it, we have no id
        stack.worker.wait()
        record.refresh_from_db()
        assert record.state == SyncRecord.State.SENDING and record.external_id == ""
        work_orders.release.set()

        stack.start_worker()
        _wait(lambda: SyncRecord.objects.filter(pk=record.pk, state=SyncRecord.State.SENT).exists(), 60,
              "the watchdog to finish the lost attempt", stack)

    record.refresh_from_db()
    assert len(work_orders.created) == 1, "the request was created twice over there"
    assert record.external_id == "WO-1" and record.attempts == 2
    last = record.audit_entries().filter(action="connector.sync_attempt").get()
    assert last.data["found_existing"] and last.data["after_unknown_outcome"]
