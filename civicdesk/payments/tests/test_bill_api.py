"""The billing systems' push API: token, create, idempotent repeat, update, conflicts, validation, limits, audit."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings

from civicdesk.audit.models import AuditEntry
from civicdesk.payments.bill_api import issue_key
from civicdesk.payments.models import Bill, BillingAccount, JournalEntry

URL = "/payments/api/bills/"


def body(**changes) -> dict:
    data = {
        "account": {"kind": "water_sewer", "number": "W-100-200", "holder_name": "Lucía Fernández",
                    "service_address": "12 Elm St", "service_postcode": "62701",
                    "contact_email": "lucia@example.org", "contact_language": "es"},
        "bill": {"number": "2026-11-0001", "issue_date": "2026-11-01", "due_date": "11/30/2026", "currency": "USD",
                 "lines": [{"description": "Water usage", "amount": 45.10}, {"description": "Sewer", "amount": "30"}]},
    }
    for path, value in changes.items():
        part, name = path.split("__")
        data[part][name] = value
    return data


@pytest.fixture
def token(world):
    return issue_key(name="Tyler billing", jurisdiction=world.elm)[1]


def post(client, data, token, **headers):
    raw = data if isinstance(data, (str, bytes)) else json.dumps(data)
    return client.post(URL, raw, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}", **headers)


def test_it_creates_a_bill_and_posts_its_charge_exactly(client, token, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        response = post(client, body(), token)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["result"] == "created"
    assert data["bill"] | {} == {"account_kind": "water_sewer", "account_number": "W-100-200",
                                 "number": "2026-11-0001", "issue_date": "2026-11-01", "due_date": "2026-11-30",
                                 "currency": "usd", "amount_cents": 7510, "balance_cents": 7510, "status": "open"}
    bill = Bill.objects.get()
    assert bill.account.contact_language == "es" and bill.lines.count() == 2
    assert JournalEntry.objects.filter(bill=bill, kind="charge").count() == 1
    entry = AuditEntry.objects.get(action="payments.bill_pushed")
    assert entry.data["result"] == "created" and entry.data["key"].startswith("cdbill_")


def test_it_answers_a_repeat_once_and_updates_the_due_date_and_contacts(client, token):
    assert post(client, body(), token).status_code == 201
    again = post(client, body(), token)
    assert again.status_code == 200 and again.json()["result"] == "unchanged"
    moved = post(client, body(bill__due_date="2026-12-15", account__contact_email="new@example.org"), token)
    assert moved.status_code == 200 and moved.json()["result"] == "updated"
    bill = Bill.objects.select_related("account").get()
    assert str(bill.due_on) == "2026-12-15" and bill.account.contact_email == "new@example.org"
    assert JournalEntry.objects.count() == 1  # one charge, however often the bill is pushed
    assert AuditEntry.objects.filter(action="payments.bill_pushed").count() == 2


def test_it_refuses_to_change_the_lines_of_a_bill_already_issued(client, token):
    post(client, body(), token)
    response = post(client, body(bill__lines=[{"description": "Water usage", "amount": "99.00"}]), token)
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "bill.lines"
    assert "$75.10" in response.json()["errors"][0]["message"]
    assert Bill.objects.get().amount_cents == 7510


def test_it_lists_every_wrong_value_in_plain_words(client, token):
    response = post(client, body(account__kind="boat", account__contact_email="nope", bill__issue_date="2026-02-30",
                                 bill__lines=[{"description": "Water", "amount": "-4.00"},
                                              {"description": "", "amount": "1.005"}]), token)
    assert response.status_code == 400
    errors = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert set(errors) == {"account.kind", "account.contact_email", "bill.issue_date", "bill.lines[0].amount",
                           "bill.lines[1].description"}
    assert "“boat” is not an account kind" in errors["account.kind"]
    assert "negative" in errors["bill.lines[0].amount"]
    assert post(client, "{not json", token).status_code == 400
    assert post(client, {"bill": {}}, token).json()["errors"][0]["field"] == ""
    assert not Bill.objects.exists() and not BillingAccount.objects.exists()


def test_it_stores_markup_as_plain_text(client, token):
    post(client, body(account__holder_name="<script>alert('zebrafinch')</script>"), token)
    assert BillingAccount.objects.get().holder_name == "<script>alert('zebrafinch')</script>"


def test_it_refuses_a_missing_wrong_or_revoked_key(client, token, world):
    assert client.post(URL, json.dumps(body()), content_type="application/json").status_code == 401
    assert post(client, body(), "cdbill_wrong").status_code == 401
    from civicdesk.payments.models import BillingSystemKey

    BillingSystemKey.objects.update(is_active=False)
    response = post(client, body(), token)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    assert client.get(URL).status_code == 405
    assert not Bill.objects.exists()


@override_settings(RATE_LIMITS_ENABLED=True)
def test_it_limits_calls_per_key_and_wrong_keys_per_client(client, world):
    _key, raw = issue_key(name="Slow system", jurisdiction=world.elm, calls_per_minute=2)
    assert post(client, body(), raw).status_code == 201
    assert post(client, body(), raw).status_code == 200
    limited = post(client, body(), raw)
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    statuses = [post(client, body(), "cdbill_guess").status_code for _ in range(21)]
    assert statuses[:20] == [401] * 20 and statuses[20] == 429
