"""Demo bills for Riverbend (loaded by `manage.py load_demo_city`): one or two accounts of every bill kind, with
bills, line items, a paid past bill and fee rules, so the pay flow shows something real.

The facts a tester types into "Pay a bill" are listed in docs/payments.md ("Try it with the demo city").
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import ledger
from .models import BillingAccount, BillKindPolicy, Payment

#: (kind, number, holder, address, postcode, [(bill number, issued days ago, due in days, lines)], paid bills)
DEMO_ACCOUNTS = [
    ("water_sewer", "WS-100-2001", "Jordan Rivera", "110 E Adams St", "61899", [
        ("WS-2026-10", 62, -32, [("Water, 4,200 gallons", "4.2", 612), ("Sewer", 1, 2150), ("Stormwater fee", 1, 475)]),
        ("WS-2026-11", 31, -1, [("Water, 5,100 gallons", "5.1", 612), ("Sewer", 1, 2150), ("Stormwater fee", 1, 475)]),
        ("WS-2026-12", 1, 20, [("Water, 3,800 gallons", "3.8", 612), ("Sewer", 1, 2150), ("Stormwater fee", 1, 475)]),
    ], 1),
    ("property_tax", "PT-14-22-301-007", "Sam Okafor", "141 E Adams St", "61899", [
        ("PT-2026-2", 20, 40, [("Second installment, 2026 property tax", 1, 184250)]),
    ], 0),
    ("parking", "PK-7781204", "Alex Chen", "Plate IL RBD 4471", "61899", [
        ("PC-558201", 9, 21, [("Expired meter, 200 block of Main St", 1, 3500)]),
    ], 0),
    ("permit_fee", "PF-2026-0412", "Riverbend Bakery LLC", "170 E Adams St", "61899", [
        ("PF-2026-0412-1", 5, 25, [("Food service licence, annual", 1, 22500), ("Sidewalk café permit", 1, 7500)]),
    ], 0),
    ("other", "OT-300-118", "Taylor Brooks", "171 E Adams St", "61899", [
        ("OT-2026-118", 12, 18, [("Bulk trash pickup, 3 items", 3, 1500)]),
    ], 0),
]

POLICIES = {
    "water_sewer": dict(reminder_days_before=[7, 1], reminder_days_after=[3, 10], late_fee_cents=500,
                        late_fee_basis_points=0, late_fee_grace_days=5,
                        convenience_fees={"card": {"basis_points": 250}, "us_bank_account": {"cents": 0}}),
    "property_tax": dict(reminder_days_before=[30, 7], reminder_days_after=[1], late_fee_basis_points=150,
                         late_fee_grace_days=0,
                         convenience_fees={"card": {"basis_points": 235}, "us_bank_account": {"cents": 0}}),
    "parking": dict(reminder_days_before=[7], reminder_days_after=[7], late_fee_cents=2500, late_fee_grace_days=14,
                    convenience_fees={"card": {"cents": 150}}),
    "permit_fee": dict(reminder_days_before=[14], convenience_fees={"card": {"basis_points": 250}}),
    "other": dict(reminder_days_before=[3], convenience_fees={}),
}


def seed(*, jurisdiction, today: dt.date) -> str:
    """Create the demo accounts, policies and bills in `jurisdiction`; returns a one-line summary."""
    for kind, values in POLICIES.items():
        BillKindPolicy.objects.update_or_create(jurisdiction=jurisdiction, kind=kind, defaults=values)
    bills = 0
    for kind, number, holder, address, postcode, specs, paid in DEMO_ACCOUNTS:
        account, _created = BillingAccount.objects.get_or_create(
            jurisdiction=jurisdiction, kind=kind, number=number,
            defaults=dict(holder_name=holder, service_address=address, service_postcode=postcode,
                          contact_email=f"{number.lower()}@example.org"))
        for position, (bill_number, issued_ago, due_in, lines) in enumerate(specs):
            issued = today - dt.timedelta(days=issued_ago)
            bill = ledger.create_bill(account=account, number=bill_number, issued_on=issued,
                                      due_on=today + dt.timedelta(days=due_in), lines=lines)
            bills += 1
            if position < paid:
                payment, made = Payment.objects.get_or_create(
                    idempotency_key=f"demo:{bill_number}", defaults=dict(
                        account=account, bill=bill, channel=Payment.Channel.WEB, provider="sandbox", method="card",
                        method_label="Sandbox card ending 4242", amount_cents=bill.amount_cents,
                        status=Payment.Status.SUCCEEDED, payer_email=account.contact_email))
                ledger.record_payment(payment)
    return f"{len(DEMO_ACCOUNTS)} billing accounts, {bills} bills"


def seed_autopay(*, jurisdiction, user, today: dt.date) -> str:
    """A demo resident (`user`) linked to a water account with a bill due in two days, enrolled in autopay (sandbox)
    with the mandate text of the day; its notice and debit are scheduled by the first autopay run."""
    from .autopay import mandate_text, schedule_debits
    from .models import AccountLink, AutopayMandate

    account, _created = BillingAccount.objects.get_or_create(
        jurisdiction=jurisdiction, kind="water_sewer", number="WS-100-2077", defaults=dict(
            holder_name=user.get_full_name() or user.email, service_address="212 N Main St",
            service_postcode="61899", contact_email=user.email))
    ledger.create_bill(account=account, number="WS-2026-AP1", issued_on=today - dt.timedelta(days=28),
                       due_on=today + dt.timedelta(days=2),
                       lines=[("Water, 3,100 gallons", "3.1", 612), ("Sewer", 1, 2150), ("Stormwater fee", 1, 475)])
    AccountLink.objects.get_or_create(user=user, account=account, defaults={"verified_by": "staff"})
    if not AutopayMandate.objects.filter(account=account, active=True).exists():
        AutopayMandate.objects.create(
            account=account, user=user, provider="sandbox", mandate_ref="sbx_pm_demo_ws_100_2077",
            method_label="Sandbox bank account ending 6789", mandate_text=mandate_text(account, "en"),
            consented_at=timezone.now() - dt.timedelta(days=20), consent_user_agent="demo data")
    scheduled = schedule_debits(today).scheduled
    return f"account {account.number} on autopay for {user.email}, {scheduled} debit scheduled"
