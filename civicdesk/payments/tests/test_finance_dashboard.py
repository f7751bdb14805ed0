"""The finance dashboard (finance.py, staff_views.dashboard and dashboard_csv)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from civicdesk.payments import counter, finance
from civicdesk.testing.auth import login_verified

from .helpers import make_account, make_bill, make_payment
from .ops_people import money_people


@pytest.fixture
def money(world, account):
    people = money_people(world)
    paid = make_bill(account, 5000)
    make_payment(account, 5000, bill=paid, succeeded_at=timezone.now())  # card online
    counter.take_counter_payment(account=account, bill=make_bill(account, 3000, due_in_days=90), method="cash",
                                 amount_cents=1000,
                                 submission_key="k1", user=people.cashier)
    overdue = make_bill(account, 700, issued_on=dt.date(2020, 1, 1))
    county = make_account(world.county)
    make_bill(county, 99900)
    return people, overdue


def test_it_counts_collected_outstanding_and_overdue(world, money):
    today = timezone.localdate()
    data = finance.dashboard(start=today - dt.timedelta(days=2), end=today, jurisdiction_ids={world.elm.pk})
    assert data.collected_cents == 6000 and data.methods == ["card", "cash"]
    assert data.per_day() == [0, 0, 6000] and data.method_totals() == [5000, 1000]
    assert data.outstanding_cents == 2000 + 700 and data.overdue_cents == 700 and data.overdue_bills == 1


def test_it_shows_charts_with_their_tables_and_a_csv(client, money):
    people, _overdue = money
    login_verified(client, people.finance)
    page = client.get(reverse("payments_staff:dashboard"))
    html = page.content.decode()
    assert page.status_code == 200 and html.count('role="img"') == 2
    assert "$60.00" in html and "$27.00" in html and "Card" in html
    response = client.get(reverse("payments_staff:dashboard_csv"))
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "day,method,payments,amount"
    assert f"{timezone.localdate().isoformat()},card,1,50.00" in lines


def test_it_lets_a_jurisdiction_admin_read_it_but_not_a_cashier(client, money):
    people, _overdue = money
    login_verified(client, people.admin)
    assert client.get(reverse("payments_staff:dashboard")).status_code == 200
    client.logout()
    login_verified(client, people.cashier)
    assert client.get(reverse("payments_staff:dashboard")).status_code == 403


def test_it_counts_autopay_debits_among_the_collected(client, world, money, account):
    bill = make_bill(account, 1800, due_in_days=90)
    make_payment(account, 1800, bill=bill, channel="autopay", method="us_bank_account",
                 succeeded_at=timezone.now())
    today = timezone.localdate()
    data = finance.dashboard(start=today - dt.timedelta(days=2), end=today, jurisdiction_ids={world.elm.pk})
    assert (data.autopay_debits, data.autopay_cents, data.collected_cents) == (1, 1800, 7800)
    people, _overdue = money
    login_verified(client, people.finance)
    page = client.get(reverse("payments_staff:dashboard")).content.decode()
    assert "$18.00 in 1 debit" in page
