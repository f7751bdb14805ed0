"""The send_deliveries task and the claim watchdog (recover_deliveries), run by the real worker."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from civicdesk.notifications.models import Delivery
from civicdesk.notifications.services import Recipient, notify
from civicdesk.notifications.tasks import recover_deliveries, send_deliveries
from civicdesk.testing.fixtures import run_worker

WATCHDOG = "civicdesk.notifications.tasks.recover_deliveries"


def queue(n: int) -> list[int]:
    notify(event="notice.published", key="notice:1", template="notifications_test/plain", context={"message": "m"},
           recipients=[Recipient(email=f"person{i}@example.org") for i in range(n)])
    return list(Delivery.objects.order_by("pk").values_list("pk", flat=True))


def test_it_sends_each_delivery_once_when_the_same_task_runs_again(transactional_db, smtp_server):
    ids = queue(3)
    send_deliveries.enqueue(ids)  # the task "runs again" (a requeued orphan, a duplicate enqueue)
    send_deliveries.enqueue(ids)

    run_worker()

    assert sorted(m["To"] for m in smtp_server.wait_for(3)) == [f"person{i}@example.org" for i in range(3)]
    assert len(smtp_server.messages) == 3
    assert set(Delivery.objects.values_list("status", "attempts")) == {("sent", 1)}


def test_each_claim_leaves_a_watchdog_for_when_its_lease_runs_out(transactional_db, smtp_server, settings):
    settings.NOTIFICATIONS_CLAIM_SIZE = 2
    queue(3)
    before = timezone.now()

    run_worker()

    watchdogs = DBTaskResult.objects.filter(task_path=WATCHDOG)
    assert watchdogs.count() == 2  # two claims: 2 + 1 deliveries
    lease = timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    assert all(w.run_after > before + lease for w in watchdogs)


def test_the_watchdog_recovers_a_dead_claim_and_sends_it(transactional_db, smtp_server):
    [pk] = queue(1)
    Delivery.objects.filter(pk=pk).update(status="sending", claim_token="dead",
                                          claimed_until=timezone.now() - timedelta(seconds=1))

    recover_deliveries.enqueue("dead")
    run_worker()

    [message] = smtp_server.wait_for(1)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.SENT and message["Message-ID"] == delivery.message_id()
    # The dead claim is not watched again (the resend was a claim of its own, with its own watchdog).
    waiting = DBTaskResult.objects.filter(task_path=WATCHDOG, status="READY")
    assert [w.args_kwargs["args"] for w in waiting if w.args_kwargs["args"] == ["dead"]] == []


def test_the_watchdog_looks_again_later_while_the_claim_is_alive(transactional_db, smtp_server):
    [pk] = queue(1)
    alive_until = timezone.now() + timedelta(minutes=3)
    Delivery.objects.filter(pk=pk).update(status="sending", claim_token="alive", claimed_until=alive_until)

    recover_deliveries.enqueue("alive")
    run_worker()

    assert Delivery.objects.get().status == Delivery.Status.SENDING and smtp_server.messages == []
    [again] = DBTaskResult.objects.filter(task_path=WATCHDOG, status="READY")
    assert again.run_after == alive_until + timedelta(seconds=1)
    assert again.args_kwargs["args"] == ["alive"]


def test_a_worker_whose_lease_ran_out_sends_nothing_more_from_that_claim(db, smtp_server, settings):
    import time_machine

    from civicdesk.notifications import sending

    queue(2)
    token, rows = sending.claim()
    # The worker hung past its lease; a watchdog released its claim and another worker may now take it.
    assert sending.recover_expired(now=timezone.now() + timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS + 1))

    with time_machine.travel(timezone.now() + timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS + 2)):
        assert sending.send_claimed(token, rows) == 0

    assert smtp_server.messages == []
    assert set(Delivery.objects.values_list("status", flat=True)) == {"queued"}
