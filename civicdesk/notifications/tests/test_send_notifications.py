"""`manage.py send_notifications`: releases claims of dead workers and sends everything due."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from civicdesk.notifications.models import Delivery, SmsMessage


def delivery(n: int, *, channel: str = "email", status: str = "queued", token: str = "", expires=None) -> Delivery:
    address = f"person{n}@example.org" if channel == "email" else f"+1217555{n:04d}"
    return Delivery.objects.create(channel=channel, address=address, event="notice.published", key="notice:1",
                                   subject="Water off", body_text=f"Message {n}", status=status,
                                   claim_token=token, claimed_until=expires)


def run() -> str:
    out = StringIO()
    call_command("send_notifications", stdout=out)
    return out.getvalue()


def test_it_resends_a_dead_workers_emails_and_sends_what_is_due(db, smtp_server):
    expired = timezone.now() - timedelta(seconds=1)
    in_flight, never_started = delivery(1, status="sending", token="dead", expires=expired), delivery(
        2, status="sending", token="dead", expires=expired)
    due = delivery(3)
    later = Delivery.objects.create(channel="email", address="later@example.org", event="x", key="k",
                                    body_text="later", next_attempt_at=timezone.now() + timedelta(hours=1))

    output = run()

    assert output.strip() == "2 deliveries released from dead workers; 3 sent."
    messages = smtp_server.wait_for(3)
    assert sorted(m["To"] for m in messages) == ["person1@example.org", "person2@example.org", "person3@example.org"]
    for row in (in_flight, never_started, due):
        row.refresh_from_db()
        assert row.status == Delivery.Status.SENT and row.claim_token == ""
    # The one that may have reached the receiver counts an attempt and keeps the Message-ID it had.
    assert in_flight.attempts == 2 and never_started.attempts == 1
    assert {m["Message-ID"] for m in messages} >= {in_flight.message_id()}
    later.refresh_from_db()
    assert later.status == Delivery.Status.QUEUED


def test_it_never_resends_a_text_that_may_already_have_gone_out(db):
    expired = timezone.now() - timedelta(seconds=1)
    in_flight = delivery(1, channel="sms", status="sending", token="dead", expires=expired)
    never_started = delivery(2, channel="sms", status="sending", token="dead", expires=expired)

    run()

    in_flight.refresh_from_db()
    never_started.refresh_from_db()
    assert in_flight.status == Delivery.Status.UNKNOWN and "not sent again" in in_flight.error
    assert never_started.status == Delivery.Status.SENT
    assert list(SmsMessage.objects.values_list("to", flat=True)) == [never_started.address]


def test_it_leaves_a_live_workers_claim_alone(db, smtp_server):
    alive = delivery(1, status="sending", token="alive", expires=timezone.now() + timedelta(minutes=5))

    assert run().strip() == "0 deliveries released from dead workers; 0 sent."

    alive.refresh_from_db()
    assert alive.status == Delivery.Status.SENDING and alive.claim_token == "alive"
    assert smtp_server.messages == []
