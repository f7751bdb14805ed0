"""Fixtures for the payments tests: the sandbox allowed, an Elm water account with a bill, a browser's pay steps."""

from __future__ import annotations

import uuid

import pytest

from civicdesk.payments.models import BillKindPolicy

from .helpers import make_account, make_bill

SITE = "https://311.elm.example.gov"


@pytest.fixture(autouse=True)
def payment_settings(settings):
    settings.PAYMENTS_SANDBOX_ALLOWED = True
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.SITE_URL = SITE
    return settings


@pytest.fixture
def account(world):
    """A water and sewer account in Elm, postcode 62701."""
    return make_account(world.elm, number="W-100-200")


@pytest.fixture
def bill(account):
    """A $54.20 bill on the account, with a 2.5 % card fee and no bank fee configured for water bills."""
    BillKindPolicy.objects.create(jurisdiction=account.jurisdiction, kind="water_sewer",
                                  convenience_fees={"card": {"basis_points": 250}, "us_bank_account": {"cents": 0}})
    return make_bill(account, 5420, number="2026-11")


def verify(client, account) -> None:
    """Prove the account's facts in this test client's session."""
    session = client.session
    session["payments_verified_accounts"] = [account.pk]
    session.save()


def pay_form(bill, *, amount_choice="full", other="", method="card", email="payer@example.org", key=None,
             confirm=True) -> dict:
    """The POST of the pay form (confirm step included unless `confirm` is False)."""
    data = {"bill": str(bill.pk), "amount_choice": amount_choice, "other_amount": other, "method": method,
            "email": email, "idempotency_key": key or uuid.uuid4().hex}
    if confirm:
        data["confirm"] = "1"
    return data
