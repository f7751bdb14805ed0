"""Sending an issue: to confirmed subscribers only, in their language, exactly once per subscriber even when
"send" is pressed twice or the worker restarts part-way; unsubscribed addresses skipped; audited."""

from __future__ import annotations

import pytest

from civicdesk.newsletter import services
from civicdesk.newsletter.models import Issue, Subscriber
from civicdesk.notifications.models import Delivery
from civicdesk.notifications.services import opt_out
from civicdesk.testing.fixtures import run_worker

from .helpers import make_issue, subscribers


def issue_deliveries(issue):
    return Delivery.objects.filter(key=issue.notification_key, channel="email")


@pytest.mark.django_db
def test_it_sends_each_confirmed_subscriber_one_message_in_their_language(world):
    subscribers(2, language="en")
    subscribers(1, language="es", prefix="lector")
    Subscriber.objects.create(email="unconfirmed@example.org", language="en")
    issue = make_issue(world)
    assert services.send_issue(issue, user=world.bob) is True
    services.deliver_issue(issue.pk)
    sent = {d.address: d for d in issue_deliveries(issue)}
    assert set(sent) == {"reader0@example.org", "reader1@example.org", "lector0@example.org"}
    assert sent["lector0@example.org"].subject == "Noticias de Elm, diciembre"
    assert "Nuevo horario de la biblioteca" in sent["lector0@example.org"].body_text
    assert "https://survey.example.org/parks?lang=es" in sent["lector0@example.org"].body_html
    assert sent["reader0@example.org"].subject == "Elm news, December"
    assert "Budget town hall" in sent["reader0@example.org"].body_text
    headers = sent["reader0@example.org"].headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["List-Unsubscribe"].startswith("<http") and "/notifications/unsubscribe/" in headers["List-Unsubscribe"]
    issue.refresh_from_db()
    assert issue.status == "sent" and issue.recipients == 3
    assert issue.audit_entries().filter(action="issue.sent", actor=world.bob).exists()


@pytest.mark.django_db
def test_it_sends_once_when_send_is_pressed_twice_and_the_task_runs_twice(world):
    subscribers(3)
    issue = make_issue(world)
    assert services.send_issue(issue, user=world.bob) is True
    assert services.send_issue(issue, user=world.bob) is False
    services.deliver_issue(issue.pk)
    services.deliver_issue(issue.pk)  # a retried task
    assert issue_deliveries(issue).count() == 3
    assert issue.audit_entries().filter(action="issue.sent").count() == 1


@pytest.mark.django_db
def test_it_sends_nobody_twice_when_the_worker_restarts_part_way(world, monkeypatch):
    subscribers(5)
    issue = make_issue(world)
    monkeypatch.setattr(services, "SEND_BATCH", 2)
    calls = {"n": 0}
    real_notify = services.notify

    def dying_notify(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:  # the worker dies after the first batch was committed
            raise SystemExit("worker killed")
        return real_notify(**kwargs)

    services.send_issue(issue, user=world.bob)
    monkeypatch.setattr(services, "notify", dying_notify)
    with pytest.raises(SystemExit):
        services.deliver_issue(issue.pk)
    assert issue_deliveries(issue).count() == 2
    issue.refresh_from_db()
    assert issue.status == "sending"
    monkeypatch.setattr(services, "notify", real_notify)
    assert services.deliver_issue(issue.pk) == 3  # the restarted task queues only the rest
    assert issue_deliveries(issue).count() == 5
    assert issue_deliveries(issue).values("address").distinct().count() == 5


@pytest.mark.django_db
def test_it_skips_an_address_that_unsubscribed_with_one_click(world):
    subscribers(2)
    opt_out("email", "reader1@example.org", "newsletter")
    issue = make_issue(world)
    services.send_issue(issue, user=world.bob)
    services.deliver_issue(issue.pk)
    assert set(issue_deliveries(issue).filter(status="queued").values_list("address", flat=True)) == {
        "reader0@example.org"}
    assert issue_deliveries(issue).get(address="reader1@example.org").status == "skipped"


@pytest.mark.django_db(transaction=True)
def test_it_sends_through_the_real_worker_exactly_once(tworld, smtp_server):
    subscribers(4)
    issue = make_issue(tworld)
    services.send_issue(issue, user=tworld.bob)
    services.send_issue(issue, user=tworld.bob)
    run_worker()
    run_worker()
    messages = smtp_server.wait_for(4)
    assert len(messages) == 4  # the worker ran to the end twice: nothing more came
    assert sorted(m["To"] for m in messages) == [f"reader{n}@example.org" for n in range(4)]
    assert all(m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in messages)
    assert Issue.objects.get(pk=issue.pk).status == "sent"


@pytest.mark.django_db
def test_it_stops_the_next_issue_after_a_one_click_unsubscribe_from_the_header(world):
    from django.test import Client

    subscribers(2)
    first = make_issue(world)
    services.send_issue(first, user=world.bob)
    services.deliver_issue(first.pk)
    header = issue_deliveries(first).get(address="reader1@example.org").headers["List-Unsubscribe"]
    path = header.strip("<>").split("://", 1)[1].split("/", 1)[1]
    response = Client(enforce_csrf_checks=True).post("/" + path, "List-Unsubscribe=One-Click",
                                                     content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    second = make_issue(world, subject_en="January news")
    services.send_issue(second, user=world.bob)
    services.deliver_issue(second.pk)
    assert dict(issue_deliveries(second).values_list("address", "status")) == {
        "reader0@example.org": "queued", "reader1@example.org": "skipped"}
