"""The daily reconciliation of provider payouts against the ledger (docs/payments-operations.md).

A provider pays the money it collected for us into the city's bank in *payouts*, each covering a list of
payments. A payout arrives as a `ProviderEvent` of kind "payout" whose `payload_summary` holds `payout_id`,
`amount_cents`, `currency` and `payment_ids` (the provider's payment ids). The sandbox provider has no bank, so
`settle_sandbox(day)` writes the payout it would have made for a day's succeeded sandbox payments.

`reconcile()` compares and records each difference once (`PayoutDifference.key`):

- a payout that names a payment we do not know → `unknown_payment`;
- a payout whose amount differs from what the ledger holds for its payments in the provider's clearing account
  (payment plus convenience fee, minus refunds posted) → `amount_mismatch` (a payment the ledger forgot shows
  here too). A provider that keeps its fees back (Stripe) pays out the net: the fees it reports for the payout
  (`fee_cents` in the summary) are added back before comparing, so its fees are not a difference; the finance
  system books them as an expense from the payout summary and the bank statement;
- an online payment that succeeded more than PAYMENTS_PAYOUT_WITHIN_DAYS days ago and is in no payout →
  `not_paid_out` (resolved by itself, with a note, if a later payout includes it).

Safe to run twice: findings are keyed, so a second run adds nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from .models import Payment, PayoutDifference, Posting, ProviderEvent, Refund, clearing_account

#: How far back payouts and payments are read on each run.
LOOKBACK = dt.timedelta(days=90)
ONLINE = (Payment.Channel.WEB, Payment.Channel.AUTOPAY, Payment.Channel.API)
PAID = (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED, Payment.Status.REFUNDED)


@dataclasses.dataclass
class Result:
    payouts: int = 0
    new_differences: int = 0
    resolved_by_payout: int = 0


def settle_sandbox(day: dt.date) -> ProviderEvent | None:
    """Write the sandbox's payout for `day` (the payments that succeeded that day, net of their refunds), once;
    None when there was nothing to pay out."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    payments = list(Payment.objects.filter(provider="sandbox", status__in=PAID, succeeded_at__gte=start,
                                           succeeded_at__lt=start + dt.timedelta(days=1))
                    .exclude(provider_payment_id="").order_by("pk"))
    if not payments:
        return None
    refunded = dict(Refund.objects.filter(payment__in=payments, status=Refund.Status.SUCCEEDED)
                    .values_list("payment").annotate(s=Sum("amount_cents")))
    amount = sum(p.total_cents - refunded.get(p.pk, 0) for p in payments)
    payout_id = f"po_sandbox_{day.isoformat()}"
    event, _created = ProviderEvent.objects.get_or_create(
        provider="sandbox", event_id=f"settlement:{day.isoformat()}", defaults={
            "kind": "payout", "created": int((start + dt.timedelta(days=1)).timestamp()),
            "payload_summary": {"payout_id": payout_id, "amount_cents": amount, "currency": payments[0].currency,
                                "payment_ids": [p.provider_payment_id for p in payments]},
            "processed_at": timezone.now()})
    return event


def _ledger_cents(payments: list[Payment]) -> int:
    """What the ledger holds for these payments in their providers' clearing accounts."""
    total = 0
    for provider in {p.provider for p in payments}:
        total += Posting.objects.filter(entry__payment__in=[p for p in payments if p.provider == provider],
                                        account=clearing_account(provider)).total()
    return total


def _record(key: str, **fields) -> bool:
    """Create the difference `key` unless it was found before; True when new."""
    difference, created = PayoutDifference.objects.get_or_create(key=key, defaults=fields)
    if created:
        difference.log_action("payout_difference.found", data={"kind": difference.kind, "key": key})
    return created


def reconcile(*, now: dt.datetime | None = None) -> Result:
    """Compare the payouts of the last LOOKBACK with the ledger and record what differs (see the module)."""
    now = now or timezone.now()
    since = now - LOOKBACK
    result = Result()
    paid_out: dict[str, dict[str, str]] = {}  # provider → payment id → payout id
    events = ProviderEvent.objects.filter(kind="payout", received_at__gte=since).order_by("created", "pk")
    for event in events.iterator(chunk_size=200):
        summary = event.payload_summary or {}
        payout_id = str(summary.get("payout_id") or event.event_id)
        ids = [str(i) for i in summary.get("payment_ids") or []]
        result.payouts += 1
        for pid in ids:
            paid_out.setdefault(event.provider, {})[pid] = payout_id
        with transaction.atomic():
            result.new_differences += _check_payout(event.provider, payout_id, ids, summary)
    result.new_differences += _not_paid_out(now, since, paid_out)
    result.resolved_by_payout = _resolve_paid_out(paid_out, now)
    return result


def _check_payout(provider: str, payout_id: str, ids: list[str], summary: dict) -> int:
    payments = list(Payment.objects.filter(provider=provider, provider_payment_id__in=ids)
                    .select_related("account"))
    known = {p.provider_payment_id for p in payments}
    currency = str(summary.get("currency") or "usd")[:3]
    jurisdictions = {p.account.jurisdiction_id for p in payments}
    jurisdiction_id = jurisdictions.pop() if len(jurisdictions) == 1 else None
    found = 0
    for pid in ids:
        if pid not in known:
            found += _record(f"unknown:{provider}:{payout_id}:{pid}", kind=PayoutDifference.Kind.UNKNOWN_PAYMENT,
                             provider=provider, payout_id=payout_id, provider_payment_id=pid, currency=currency)
    expected = _ledger_cents(payments)
    actual = int(summary.get("amount_cents") or 0) + int(summary.get("fee_cents") or 0)  # gross of fees
    if not (set(ids) - known) and expected != actual:
        found += _record(f"mismatch:{provider}:{payout_id}", kind=PayoutDifference.Kind.AMOUNT_MISMATCH,
                         provider=provider, payout_id=payout_id, jurisdiction_id=jurisdiction_id,
                         expected_cents=expected, actual_cents=actual, currency=currency)
    return found


def _not_paid_out(now, since, paid_out) -> int:
    cutoff = now - dt.timedelta(days=settings.PAYMENTS_PAYOUT_WITHIN_DAYS)
    late = (Payment.objects.filter(channel__in=ONLINE, status__in=PAID, succeeded_at__lt=cutoff,
                                   succeeded_at__gte=since).exclude(provider="").exclude(provider_payment_id="")
            .select_related("account").order_by("pk"))
    found = 0
    for payment in late.iterator(chunk_size=500):
        if payment.provider_payment_id in paid_out.get(payment.provider, {}):
            continue
        found += _record(f"not_paid_out:{payment.pk}", kind=PayoutDifference.Kind.NOT_PAID_OUT,
                         provider=payment.provider, provider_payment_id=payment.provider_payment_id,
                         payment=payment, jurisdiction_id=payment.account.jurisdiction_id,
                         expected_cents=payment.total_cents, actual_cents=0, currency=payment.currency)
    return found


def _resolve_paid_out(paid_out, now) -> int:
    """Close the `not_paid_out` differences whose payment a payout has since included."""
    resolved = 0
    waiting = PayoutDifference.objects.filter(kind=PayoutDifference.Kind.NOT_PAID_OUT, resolved_at__isnull=True)
    for difference in waiting.iterator(chunk_size=500):
        payout = paid_out.get(difference.provider, {}).get(difference.provider_payment_id)
        if payout:
            difference.resolved_at, difference.note = now, f"Paid out later in {payout}."
            difference.save(update_fields=["resolved_at", "note"])
            difference.log_action("payout_difference.resolved", data={"note": difference.note})
            resolved += 1
    return resolved


def resolve(difference: PayoutDifference, *, user, note: str) -> PayoutDifference:
    """Mark a difference resolved by `user` with `note` (audited); ValueError for an empty note or one already
    resolved."""
    from django.utils.translation import gettext as _

    note = " ".join((note or "").split())
    if not note:
        raise ValueError(_("Write what was found and what was done."))
    with transaction.atomic():
        difference = PayoutDifference.objects.select_for_update().get(pk=difference.pk)
        if difference.resolved_at:
            raise ValueError(_("This difference was already resolved."))
        difference.resolved_at, difference.resolved_by, difference.note = timezone.now(), user, note[:500]
        difference.save(update_fields=["resolved_at", "resolved_by", "note"])
        difference.log_action("payout_difference.resolved", user=user, data={"note": note[:500]})
    return difference


def run_daily(*, today: dt.date | None = None) -> Result:
    """The daily job: the sandbox's payouts for the last few days (when the sandbox is configured), then
    `reconcile()`."""
    today = today or timezone.localdate()
    if "sandbox" in settings.PAYMENT_PROVIDERS:
        for back in range(1, 4):
            settle_sandbox(today - dt.timedelta(days=back))
    return reconcile()
