"""manage.py receive_mail: a real SMTP conversation with the receiver, from RCPT TO to the timeline."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
from email.policy import SMTP
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from civicdesk.inbound.models import InboundMessage
from civicdesk.inbound.smtp import start_server
from civicdesk.inbound.tokens import reply_address
from civicdesk.servicerequests.models import Attachment, TimelineEntry

from .conftest import DOMAIN, free_port, photo, reply_mail, report

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def receiver():
    port = free_port()
    controller = start_server("127.0.0.1", port)
    try:
        yield port
    finally:
        controller.stop()


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def test_it_runs_as_a_command_takes_a_reply_and_refuses_unknown_recipients(tworld):
    request = report(tworld)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": _database_url(), "SECRET_KEY": settings.SECRET_KEY,
           "INBOUND_EMAIL_DOMAIN": DOMAIN, "PYTHONUNBUFFERED": "1"}
    env.pop("SECRET_KEY_FILE", None)
    env.pop("DATABASE_URL_FILE", None)
    server = subprocess.Popen([sys.executable, "manage.py", "receive_mail", "--host", "127.0.0.1", "--port", str(port)],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().startswith(f"Receiving replies for @{DOMAIN} on 127.0.0.1:{port}")
        mail = reply_mail(request, text="Still there.\n\n-----Original Message-----\nFrom: Elm\nSent: today\n",
                          attachments=[("wall.jpg", "image", "jpeg", photo())])
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            code, _ = client.ehlo()
            assert code == 250
            refused = client.send_message(mail, "alice@example.org", [str(mail["To"])])
            assert refused == {}
            with pytest.raises(smtplib.SMTPRecipientsRefused) as error:
                client.send_message(mail, "alice@example.org", ["postmaster@" + DOMAIN])
            assert error.value.recipients["postmaster@" + DOMAIN][0] == 550
    finally:
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=20)
    assert server.returncode == 0, stderr
    entry = TimelineEntry.objects.get(request=request, kind=TimelineEntry.Kind.RESIDENT_REPLY, is_public=False)
    assert entry.message == "Still there."
    assert Attachment.objects.filter(request=request, hidden=True).count() == 1


def test_it_answers_550_at_data_for_a_reply_address_forged_by_another_sender(tworld, receiver):
    request = report(tworld)
    forged = reply_mail(request, sender="mallory@example.net", to=reply_address(request.public_id, "alice@example.org"))
    with smtplib.SMTP("127.0.0.1", receiver, timeout=10) as client, pytest.raises(smtplib.SMTPDataError) as error:
        client.send_message(forged, "mallory@example.net", [str(forged["To"])])
    assert error.value.smtp_code == 550
    assert b"not valid for your address" in error.value.smtp_error
    assert not TimelineEntry.objects.filter(request=request, kind=TimelineEntry.Kind.RESIDENT_REPLY).exists()
    assert InboundMessage.objects.get().reason == "bad_address"


def test_it_accepts_but_drops_an_out_of_office_reply_so_no_bounce_starts(tworld, receiver):
    request = report(tworld)
    away = reply_mail(request, text="I am out of the office.", headers={"Auto-Submitted": "auto-replied"})
    with smtplib.SMTP("127.0.0.1", receiver, timeout=10) as client:
        assert client.send_message(away, "", [str(away["To"])]) == {}
    assert InboundMessage.objects.get().outcome == "ignored"
    assert not TimelineEntry.objects.filter(request=request, kind=TimelineEntry.Kind.RESIDENT_REPLY).exists()


def test_it_refuses_a_message_over_the_size_limit(tworld, settings):
    settings.INBOUND_EMAIL_MAX_BYTES = 50_000
    port = free_port()
    controller = start_server("127.0.0.1", port)
    request = report(tworld)
    big = reply_mail(request, attachments=[("big.bin", "application", "octet-stream", b"x" * 80_000)])
    try:
        # smtplib announces the size (ESMTP SIZE), so the refusal comes at MAIL FROM rather than after DATA.
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client, pytest.raises(smtplib.SMTPSenderRefused) as error:
            client.send_message(big, "alice@example.org", [str(big["To"])])
    finally:
        controller.stop()
    assert error.value.smtp_code == 552
    assert not InboundMessage.objects.exists()


def test_it_refuses_an_oversized_message_after_data_when_the_client_did_not_announce_its_size(tworld, settings):
    settings.INBOUND_EMAIL_MAX_BYTES = 50_000
    port = free_port()
    controller = start_server("127.0.0.1", port)
    request = report(tworld)
    big = reply_mail(request, attachments=[("big.bin", "application", "octet-stream", b"x" * 80_000)])
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.helo("mx.example.org")  # plain HELO: no SIZE extension
            with pytest.raises(smtplib.SMTPDataError) as error:
                client.sendmail("alice@example.org", [str(big["To"])], big.as_bytes(policy=SMTP))
    finally:
        controller.stop()
    assert error.value.smtp_code == 552
    assert not InboundMessage.objects.exists()
