"""Demo money operations for Riverbend (loaded by `manage.py load_demo_city` after the demo bills): counter
payments taken by the demo cashier, a refund waiting for the finance supervisor's approval, and a payout the
reconciliation cannot match, so every staff money page shows something real (docs/payments-operations.md)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import counter, reconciliation, refunds
from .models import BillingAccount, Bill, ProviderEvent


def seed(*, jurisdiction, cashier) -> str:
    """Two counter payments (cash with change, a cheque), a refund request and a reconciliation difference."""
    tax = BillingAccount.objects.get(jurisdiction=jurisdiction, number="PT-14-22-301-007")
    parking = BillingAccount.objects.get(jurisdiction=jurisdiction, number="PK-7781204")
    counter.take_counter_payment(account=tax, bill=Bill.objects.open().filter(account=tax).first(), method="cash",
                                 amount_cents=50000, tendered_cents=52000, submission_key="demo-counter-1",
                                 user=cashier)
    cheque = counter.take_counter_payment(account=parking, bill=Bill.objects.open().filter(account=parking).first(),
                                          method="cheque", amount_cents=3500, cheque_number="1042",
                                          submission_key="demo-counter-2", user=cashier)
    refunds.request_refund(payment=cheque, amount_cents=3500, user=cashier, submission_key="demo-refund-1",
                           reason="Citation dismissed at the hearing on appeal")
    ProviderEvent.objects.get_or_create(provider="sandbox", event_id="demo-payout-1", defaults={
        "kind": "payout", "created": int(timezone.now().timestamp()),
        "payload_summary": {"payout_id": "po_demo_0001", "amount_cents": 4210, "currency": "usd",
                            "payment_ids": ["pi_demo_not_ours"]}})
    found = reconciliation.reconcile(now=timezone.now() + dt.timedelta(seconds=1)).new_differences
    return f"2 counter payments, 1 refund waiting for approval, {found} reconciliation difference(s)"
