"""Bill reminders and late fees over a month: each stage once, paid bills left alone, late fee once, crash-safe."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.db import OperationalError

from civicdesk.notifications.models import Delivery
from civicdesk.payments import reminders
from civicdesk.payments.bill_tasks import send_bill_reminders
from civicdesk.payments.models import BillKindPolicy, BillReminder, JournalEntry

from .helpers import assert_every_entry_balances, make_account, make_bill, make_payment

DUE = dt.date(2026, 11, 30)


@pytest.fixture
def bills(world):
    BillKindPolicy.objects.create(jurisdiction=world.elm, kind="water_sewer", reminder_days_before=[7, 1],
                                  remind_on_due_date=True, reminder_days_after=[3, 10], late_fee_cents=500,
                                  late_fee_grace_days=5)
    unpaid = make_account(world.elm, email="ana@example.org", contact_language="es", holder_name="Ana Ruiz")
    paid = make_account(world.elm, email="bo@example.org")
    texted = make_account(world.elm, email="", contact_phone="+12175550142", contact_language="ar")
    parking = make_account(world.elm, kind="parking", email="cy@example.org")  # no policy: no reminders
    issued = dt.date(2026, 11, 1)
    return {name: make_bill(account, 5000, issued_on=issued, due_in_days=(DUE - issued).days)
            for name, account in (("unpaid", unpaid), ("paid", paid), ("texted", texted), ("parking", parking))}


def run_on(day: dt.date, times: int = 2) -> None:
    # 09:00 in Riverbend's zone (America/Chicago): the city's date is `day`.
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 15, 0, tzinfo=dt.UTC), tick=False):
        for _ in range(times):
            reminders.run_reminders()


def sent(bill) -> list[tuple[str, str]]:
    return [(row.stage, row.sent_at.date().isoformat()) for row in BillReminder.objects.filter(bill=bill)
            .order_by("sent_at", "pk")]


def test_it_reminds_before_on_and_after_the_due_date_once_each_and_charges_the_late_fee_once(bills):
    day = dt.date(2026, 11, 20)
    while day <= dt.date(2026, 12, 20):
        if day == dt.date(2026, 11, 24):
            make_payment(bills["paid"].account, 5000, bill=bills["paid"])
        run_on(day)
        day += dt.timedelta(days=1)

    expected = [("before:7", "2026-11-23"), ("before:1", "2026-11-29"), ("due", "2026-11-30"),
                ("after:3", "2026-12-03"), ("late_fee", "2026-12-06"), ("after:10", "2026-12-10")]
    assert sent(bills["unpaid"]) == expected
    assert sent(bills["texted"]) == expected
    assert sent(bills["paid"]) == [("before:7", "2026-11-23")]  # paid on the 24th: nothing more
    assert sent(bills["parking"]) == []

    email = Delivery.objects.filter(address="ana@example.org")
    assert email.count() == 6 and set(email.values_list("channel", "language")) == {("email", "es")}
    assert set(email.values_list("key", flat=True)) == {f"bill:{bills['unpaid'].pk}:{stage}" for stage, _ in expected}
    late = email.get(event="bill.late_fee")
    assert "$5.00" in late.body_text and "$55.00" in late.body_text and "Ana Ruiz" in late.body_text
    overdue = email.get(key=f"bill:{bills['unpaid'].pk}:after:10")
    assert "$55.00" in overdue.body_text and "/payments/" in overdue.body_text
    texts = Delivery.objects.filter(address="+12175550142")
    assert texts.count() == 6 and set(texts.values_list("channel", "language")) == {("sms", "ar")}

    fees = JournalEntry.objects.filter(kind="late_fee")
    assert sorted(fees.values_list("bill_id", flat=True)) == sorted([bills["unpaid"].pk, bills["texted"].pk])
    assert bills["unpaid"].balance_cents() == 5500 and bills["paid"].balance_cents() == 0
    assert_every_entry_balances()


def test_it_sends_only_the_latest_stage_after_days_without_a_run(bills):
    run_on(dt.date(2026, 12, 4), times=1)
    assert sent(bills["unpaid"]) == [("after:3", "2026-12-04")]


def test_it_leaves_nothing_half_done_when_a_run_dies_and_the_next_run_finishes(bills):
    real_notify_each = reminders.notify_each

    def dies_after_queueing(**kwargs):
        real_notify_each(**kwargs)
        raise RuntimeError("worker killed")

    with mock.patch.object(reminders, "notify_each", dies_after_queueing), pytest.raises(RuntimeError):
        run_on(dt.date(2026, 11, 23), times=1)
    assert not BillReminder.objects.exists() and not Delivery.objects.exists()
    run_on(dt.date(2026, 11, 23))
    assert BillReminder.objects.filter(stage="before:7").count() == 3
    assert Delivery.objects.filter(event="bill.reminder").count() == 3


def _many_bills(world, count: int) -> list:
    BillKindPolicy.objects.create(jurisdiction=world.elm, kind="water_sewer", reminder_days_before=[7])
    issued = dt.date(2026, 11, 1)
    return [make_bill(make_account(world.elm, email=f"many{n}@example.org", contact_language=("es", "ar")[n % 2]),
                      4000 + n, issued_on=issued, due_in_days=(DUE - issued).days) for n in range(count)]


def test_it_resumes_after_a_crash_between_chunks_and_sends_each_reminder_once(world, monkeypatch):
    bills = _many_bills(world, 7)
    monkeypatch.setattr(reminders, "CHUNK", 3)
    real_notify_each = reminders.notify_each
    calls = []

    def dies_in_the_second_chunk(**kwargs):
        calls.append(1)
        queued = real_notify_each(**kwargs)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return queued

    with mock.patch.object(reminders, "notify_each", dies_in_the_second_chunk), pytest.raises(RuntimeError):
        run_on(dt.date(2026, 11, 23), times=1)
    assert BillReminder.objects.count() == Delivery.objects.count() == 3  # the first chunk, whole
    run_on(dt.date(2026, 11, 23))
    run_on(dt.date(2026, 11, 24))
    for bill in bills:
        delivery = Delivery.objects.get(key=f"bill:{bill.pk}:before:7")
        assert delivery.address == bill.account.contact_email
        assert delivery.language == bill.account.contact_language
        assert BillReminder.objects.get(bill=bill).queued == 1
    assert Delivery.objects.count() == BillReminder.objects.count() == 7


def test_it_costs_the_same_queries_for_a_chunk_of_three_or_thirty_bills(world, django_assert_max_num_queries):
    _many_bills(world, 30)
    day = dt.date(2026, 11, 23)
    with django_assert_max_num_queries(20):
        run_on(day, times=1)
    assert Delivery.objects.filter(event="bill.reminder", status="queued").count() == 30


def test_it_honours_an_opt_out_of_the_account_and_of_everything(world):
    from civicdesk.notifications.services import opt_out, read_unsubscribe_token

    quiet, silent, loud = _many_bills(world, 3)
    opt_out("email", quiet.account.contact_email, f"billing-account:{quiet.account_id}")
    opt_out("email", silent.account.contact_email, "")
    run_on(dt.date(2026, 11, 23))
    rows = dict(Delivery.objects.values_list("address", "status"))
    assert rows == {quiet.account.contact_email: "skipped", silent.account.contact_email: "skipped",
                    loud.account.contact_email: "queued"}
    assert dict(BillReminder.objects.values_list("bill_id", "queued")) == {quiet.pk: 0, silent.pk: 0, loud.pk: 1}
    body = Delivery.objects.get(address=loud.account.contact_email).body_text
    token = body.split("/unsubscribe/")[1].split("/")[0]
    assert read_unsubscribe_token(token) == ("email", loud.account.contact_email, f"billing-account:{loud.account_id}")


def test_it_skips_a_run_when_the_database_is_busy_and_catches_up_next_time(bills):
    with mock.patch.object(reminders, "run_reminders", side_effect=OperationalError("database is locked")):
        assert send_bill_reminders.call() == 0
    with time_machine.travel(dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC), tick=False):
        assert send_bill_reminders.call() == 3
