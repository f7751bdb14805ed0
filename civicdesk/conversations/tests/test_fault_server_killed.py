"""A conversation survives its server: the state is in the database, so a web worker killed with SIGKILL between
two texts (no clean shutdown at all) is replaced and the next text carries on where the last one left it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from xml.etree import ElementTree

from django.conf import settings

from civicdesk.conversations.models import Conversation
from civicdesk.notifications.transports.sms import twilio_signature
from civicdesk.servicerequests.models import ServiceRequest

from .conftest import TOKEN, _database_url, sms_params

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


LOG = Path(os.environ.get("CIVICDESK_VAR_DIR", "/tmp")) / "conversation-fault-server.log"


def _start(port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": _database_url(), "SECRET_KEY": settings.SECRET_KEY, "PYTHONUNBUFFERED": "1",
           "TWILIO_AUTH_TOKEN": TOKEN, "SITE_URL": f"http://127.0.0.1:{port}", "CONVERSATIONS_JURISDICTION": "elm"}
    for name in ("SECRET_KEY_FILE", "DATABASE_URL_FILE", "TWILIO_AUTH_TOKEN_FILE"):
        env.pop(name, None)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "civicdesk.wsgi", "--bind", f"127.0.0.1:{port}",
                               "--workers", "1", "--timeout", "60"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=LOG.open("a"), start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, LOG.read_text()
        try:  # answered by a booted worker, not only accepted by the master's socket
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    raise AssertionError("the server did not start")


def _text(port: int, body: str) -> str:
    params = sms_params(body)
    url = f"http://127.0.0.1:{port}/inbound/sms/twilio/"
    request = urllib.request.Request(url, data=urllib.parse.urlencode(params).encode(), method="POST", headers={
        "X-Twilio-Signature": twilio_signature(url, params, TOKEN),
        "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=30) as response:
        document = ElementTree.fromstring(response.read())
    return document.find("Message").text


def _kill(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=20)


def test_it_carries_on_after_the_server_is_killed_mid_conversation(tworld):
    port = _free_port()
    first = _start(port)
    try:
        assert _text(port, "Graffiti all over the library wall").startswith("Is this about 1) Graffiti")
        assert _text(port, "1").startswith("Where is it?")
    finally:
        _kill(first)
    assert first.returncode == -signal.SIGKILL
    assert Conversation.objects.get().step == "where"
    second = _start(port)
    try:
        assert _text(port, "14 Oak Street").startswith("Got it.")
        done = _text(port, "no")
    finally:
        _kill(second)
    request = ServiceRequest.objects.get()
    assert request.public_id in done and request.address_id == "A2" and request.channel == "sms"
    assert Conversation.objects.get().status == "filed"
