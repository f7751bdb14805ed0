"""Email deliveries sent by the real task worker to a real SMTP server: content, headers, retries, bounces."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.conf import settings
from django.utils import timezone

from civicdesk.audit.models import AuditEntry
from civicdesk.inbound.tokens import parse_reply_address
from civicdesk.notifications.models import Delivery, Suppression
from civicdesk.notifications.services import Recipient, notify
from civicdesk.testing.fixtures import run_worker

from .conftest import make_request


def status_email(request, *recipients, key="timeline:1", scope="request"):
    return notify(event="request.status_changed", key=key, template="notifications_test/hello",
                  context={"message": "A crew is booked for Tuesday."}, request=request,
                  recipients=recipients, scope=scope)


def test_it_sends_multipart_text_and_html_with_unsubscribe_reply_to_and_a_stable_message_id(
        tworld, smtp_server, settings):
    settings.INBOUND_EMAIL_DOMAIN = "replies.elm.example.gov"
    request = make_request(tworld)
    status_email(request, Recipient(email="ana@example.org", name="Ana"))

    run_worker()

    [message] = smtp_server.wait_for(1)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 1 and delivery.sent_at
    assert delivery.duration_ms is not None and delivery.error == ""
    assert message["To"] == "ana@example.org" and message["From"] == settings.DEFAULT_FROM_EMAIL
    assert message["Subject"] == f"Track a request: {request.public_id}"
    assert message["Message-ID"] == delivery.message_id() == delivery.provider_id
    assert message["Content-Language"] == "en"
    unsubscribe = delivery.headers["List-Unsubscribe"]
    # A long header is folded onto a second line; unfolding leaves the leading space (RFC 5322 allows it).
    assert message["List-Unsubscribe"].strip() == unsubscribe and unsubscribe.startswith(f"<{settings.SITE_URL}/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    target = parse_reply_address(message["Reply-To"], "ana@example.org")
    assert target is not None and target.public_id == request.public_id
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Hello Ana," in text and "A crew is booked for Tuesday." in text
    assert f"{settings.SITE_URL}/requests/{request.public_id}/" in text
    assert "<p>Hello Ana,</p>" in html and unsubscribe.strip("<>") in html


def test_it_writes_in_spanish_to_a_spanish_speaker(tworld, smtp_server):
    request = make_request(tworld)
    status_email(request, Recipient(email="ana@example.org", language="es"))

    run_worker()

    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == f"Consultar una solicitud: {request.public_id}"
    assert message["Content-Language"] == "es"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Language: es" in text and "Service: Bache" in text


def test_it_leaves_reply_to_out_when_no_inbound_domain_is_set(tworld, smtp_server, settings):
    settings.INBOUND_EMAIL_DOMAIN = ""
    status_email(make_request(tworld), Recipient(email="ana@example.org"))

    run_worker()

    [message] = smtp_server.wait_for(1)
    assert message["Reply-To"] is None


def test_it_retries_a_temporary_refusal_later_and_then_delivers_once(tworld, scripted_smtp):
    scripted_smtp.rcpt_answers["ana@example.org"] = ["451 4.3.0 Try again later"]
    status_email(make_request(tworld), Recipient(email="ana@example.org"))

    run_worker()

    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.QUEUED and delivery.attempts == 1
    assert "451" in delivery.error and scripted_smtp.messages == []
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=settings.NOTIFICATIONS_RETRY_BASE_SECONDS - 5) < wait <= timedelta(
        seconds=settings.NOTIFICATIONS_RETRY_BASE_SECONDS)

    run_worker()  # too early: the retry task is not due yet
    assert Delivery.objects.get().attempts == 1

    with time_machine.travel(timezone.now() + timedelta(seconds=settings.NOTIFICATIONS_RETRY_BASE_SECONDS + 1)):
        run_worker()

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 2 and delivery.error == ""
    assert len(scripted_smtp.messages) == 1


def test_it_waits_twice_as_long_after_each_failure_and_gives_up_after_the_last_attempt(
        tworld, scripted_smtp, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    scripted_smtp.rcpt_answers["ana@example.org"] = ["451 busy"] * 3
    status_email(make_request(tworld), Recipient(email="ana@example.org"))
    waits = []
    now = timezone.now()
    for _attempt in range(3):
        with time_machine.travel(now):
            run_worker()
        delivery = Delivery.objects.get()
        if delivery.status == Delivery.Status.QUEUED:
            waits.append(delivery.next_attempt_at - now)
            now = delivery.next_attempt_at + timedelta(seconds=1)

    assert delivery.status == Delivery.Status.FAILED and delivery.attempts == 3 and "451" in delivery.error
    base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS
    assert [round(wait.total_seconds()) for wait in waits] == [base, 2 * base]
    assert not Suppression.objects.exists()  # a temporary failure never blames the address
    assert scripted_smtp.messages == []


def test_it_stops_on_a_permanent_refusal_and_suppresses_the_address(tworld, scripted_smtp):
    scripted_smtp.rcpt_answers["gone@example.org"] = ["550 5.1.1 No such user"]
    request = make_request(tworld)
    status_email(request, Recipient(email="gone@example.org"), Recipient(email="ana@example.org"))

    run_worker()

    gone = Delivery.objects.get(address="gone@example.org")
    assert gone.status == Delivery.Status.FAILED and gone.attempts == 1
    assert "550" in gone.error and "No such user" in gone.error
    assert Delivery.objects.get(address="ana@example.org").status == Delivery.Status.SENT
    assert [m["To"] for m in scripted_smtp.messages] == ["ana@example.org"]
    suppression = Suppression.objects.get(address="gone@example.org")
    assert suppression.reason == Suppression.Reason.BOUNCED and suppression.scope == "" and "550" in suppression.detail
    assert AuditEntry.objects.filter(action="suppression.created", object_id=str(suppression.pk)).exists()

    # The next message to that address is recorded as skipped, not sent.
    status_email(request, Recipient(email="gone@example.org"), key="timeline:2")
    run_worker()
    assert Delivery.objects.get(key="timeline:2").status == Delivery.Status.SKIPPED
    assert len(scripted_smtp.messages) == 1


def test_it_retries_when_the_smtp_server_cannot_be_reached(tworld, settings):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    status_email(make_request(tworld), Recipient(email="ana@example.org"))

    run_worker()

    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.QUEUED and delivery.attempts == 1
    assert "connection" in delivery.error.lower()
