"""The double-entry ledger: every money event as one balanced journal entry, atomic and idempotent by its key.

Each function here writes one event (a bill's charge, a payment, a convenience fee, a late fee, a credit, a
refund, a reversal, a void) as a `JournalEntry` whose `Posting`s sum to zero, inside one transaction that first
locks the billing account's row (so two events of one account never allocate the same balance twice). Each
event has an idempotency key derived from what it is about ("payment:<id>", "late_fee:<bill id>"…): calling the
function again, from a retry, a duplicate webhook or a second worker, returns the entry already written and
writes nothing. Balances are sums of postings (`BillingAccount.balance_cents()`, `Bill.balance_cents()`), never
stored. See docs/payments.md ("The ledger").
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import (
    CREDITS_ISSUED,
    CUSTOMER_CREDIT,
    FEES_REVENUE,
    LATE_FEES_REVENUE,
    RECEIVABLE,
    Bill,
    BillingAccount,
    BillKindPolicy,
    BillLine,
    JournalEntry,
    Payment,
    Posting,
    Refund,
    revenue_account,
)


class LedgerError(ValueError):
    """An event the ledger refuses (unbalanced postings, a negative amount, a refund beyond the payment)."""


def _lock_account(account_id: int) -> BillingAccount:
    """Lock the billing account's row for the rest of the transaction (PostgreSQL; SQLite writers are serial)."""
    return BillingAccount.objects.select_for_update().get(pk=account_id)


def post_entry(*, kind: str, account: BillingAccount, key: str, lines: list[tuple[str, int, Bill | None]],
               bill: Bill | None = None, payment: Payment | None = None, refund: Refund | None = None,
               reverses: JournalEntry | None = None, memo: str = "", user=None) -> JournalEntry:
    """Write one journal entry with `lines` (ledger account, signed cents, bill) unless `key` was written already.

    Returns the entry (the existing one for a repeated key, with `created` False on it). Raises LedgerError when
    the lines do not sum to zero or are all zero. Zero lines are left out.
    """
    lines = [(code, int(cents), line_bill) for code, cents, line_bill in lines if int(cents) != 0]
    if not lines:
        raise LedgerError("A journal entry needs at least one non-zero posting.")
    if sum(cents for _, cents, _ in lines) != 0:
        raise LedgerError(f"Journal entry {key} does not balance: {lines!r}")
    with transaction.atomic():
        existing = JournalEntry.objects.filter(idempotency_key=key).first()
        if existing:
            existing.created = False
            return existing
        try:
            with transaction.atomic():
                entry = JournalEntry.objects.create(
                    kind=kind, billing_account=account, bill=bill, payment=payment, refund=refund, reverses=reverses,
                    currency=account.currency, idempotency_key=key, memo=memo[:300],
                    created_by=user if (user is not None and user.is_authenticated) else None)
                Posting.objects.bulk_create([
                    Posting(entry=entry, account=code, billing_account=account, bill=line_bill, amount_cents=cents,
                            currency=account.currency)
                    for code, cents, line_bill in lines])
        except IntegrityError:
            # Another transaction wrote the same key between our look-up and our insert.
            existing = JournalEntry.objects.get(idempotency_key=key)
            existing.created = False
            return existing
    entry.created = True
    return entry


def _existing(key: str) -> JournalEntry | None:
    found = JournalEntry.objects.filter(idempotency_key=key).first()
    if found:
        found.created = False
    return found


def create_bill(*, account: BillingAccount, number: str, issued_on: date, due_on: date,
                lines: list[tuple[str, object, int]], external_ref: str = "", user=None) -> Bill:
    """Create a bill with its lines (description, quantity, unit cents) and post its charge, in one transaction.

    The bill's amount is the sum of the lines (each line's amount is quantity × unit, rounded half up to the cent).
    A bill number already on the account returns that bill unchanged (an import that resumes). Raises LedgerError
    for a bill with no lines or a total that is not positive.
    """
    from decimal import ROUND_HALF_UP, Decimal

    computed = []
    for position, (description, quantity, unit_cents) in enumerate(lines):
        qty = Decimal(str(quantity))
        amount = int((qty * int(unit_cents)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        computed.append(BillLine(position=position, description=description[:200], quantity=qty,
                                 unit_amount_cents=int(unit_cents), amount_cents=amount))
    total = sum(line.amount_cents for line in computed)
    if not computed or total <= 0:
        raise LedgerError("A bill needs lines that add up to more than zero.")
    with transaction.atomic():
        _lock_account(account.pk)
        bill = Bill.objects.filter(account=account, number=number).first()
        if bill:
            return bill
        bill = Bill.objects.create(account=account, number=number, issued_on=issued_on, due_on=due_on,
                                   currency=account.currency, amount_cents=total, external_ref=external_ref)
        for line in computed:
            line.bill = bill
        BillLine.objects.bulk_create(computed)
        post_charge(bill, user=user)
    return bill


def post_charge(bill: Bill, *, user=None, apply_available_credit: bool = True) -> JournalEntry:
    """Post a bill's charge (receivable up, revenue of its kind) once; then use any credit the holder has on it."""
    account = bill.account
    with transaction.atomic():
        _lock_account(account.pk)
        entry = post_entry(kind=JournalEntry.Kind.CHARGE, account=account, bill=bill, key=f"charge:{bill.pk}",
                           lines=[(RECEIVABLE, bill.amount_cents, bill),
                                  (revenue_account(account.kind), -bill.amount_cents, None)],
                           memo=f"Bill {bill.number}", user=user)
        if entry.created and apply_available_credit:
            apply_credit(bill, key=f"credit_applied:charge:{bill.pk}", user=user)
    return entry


def apply_credit(bill: Bill, *, key: str, user=None) -> JournalEntry | None:
    """Move the holder's credit onto `bill`, up to its balance. None when there is no credit or nothing owed."""
    account = bill.account
    with transaction.atomic():
        _lock_account(account.pk)
        if found := _existing(key):
            return found
        amount = min(account.credit_cents(), Posting.objects.filter(bill=bill, account=RECEIVABLE).total())
        if amount <= 0 or bill.voided_at:
            return None
        return post_entry(kind=JournalEntry.Kind.CREDIT_APPLIED, account=account, bill=bill, key=key,
                          lines=[(CUSTOMER_CREDIT, amount, None), (RECEIVABLE, -amount, bill)],
                          memo=f"Credit applied to bill {bill.number}", user=user)


def _allocate(account: BillingAccount, amount: int, bill: Bill | None) -> list[tuple[str, int, Bill | None]]:
    """Credit lines that take `amount` off the chosen bill (or, with no bill, the oldest open bills first);
    what is left becomes the holder's credit."""
    targets = [bill] if bill is not None else list(
        Bill.objects.open().filter(account=account).order_by("due_on", "pk"))
    lines: list[tuple[str, int, Bill | None]] = []
    left = amount
    for target in targets:
        if left <= 0 or target.voided_at:
            continue
        owed = Posting.objects.filter(bill=target, account=RECEIVABLE).total()
        share = min(left, max(owed, 0))
        if share > 0:
            lines.append((RECEIVABLE, -share, target))
            left -= share
    if left > 0:
        lines.append((CUSTOMER_CREDIT, -left, None))
    return lines


def record_payment(payment: Payment, *, user=None) -> JournalEntry:
    """Post a succeeded payment once: the money into its clearing account (provider or cash drawer), off the
    bill (any excess to the holder's credit), and its convenience fee (if any) to fees revenue.

    Call it in the transaction that marks the payment succeeded. Idempotent by the payment ("payment:<id>").
    """
    if payment.amount_cents <= 0 or payment.convenience_fee_cents < 0:
        raise LedgerError("A payment's amount must be positive and its fee not negative.")
    account = payment.account
    with transaction.atomic():
        _lock_account(account.pk)
        if found := _existing(f"payment:{payment.pk}"):
            return found
        lines = [(payment.clearing_account(), payment.amount_cents, None)]
        lines += _allocate(account, payment.amount_cents, payment.bill)
        entry = post_entry(kind=JournalEntry.Kind.PAYMENT, account=account, bill=payment.bill, payment=payment,
                           key=f"payment:{payment.pk}", lines=lines, memo=f"Payment {payment.reference}",
                           user=user)
        if payment.convenience_fee_cents:
            post_entry(kind=JournalEntry.Kind.CONVENIENCE_FEE, account=account, bill=payment.bill, payment=payment,
                       key=f"convenience_fee:{payment.pk}",
                       lines=[(payment.clearing_account(), payment.convenience_fee_cents, None),
                              (FEES_REVENUE, -payment.convenience_fee_cents, None)],
                       memo=f"Convenience fee {payment.reference}", user=user)
    return entry


def post_late_fee(bill: Bill, *, policy: BillKindPolicy | None = None, user=None) -> JournalEntry | None:
    """Charge the late fee of the bill's kind policy once per bill (on its balance now); None when the bill is
    void, paid, or the policy has no late fee. Sets `bill.late_fee_applied_at` in the same transaction."""
    account = bill.account
    with transaction.atomic():
        _lock_account(account.pk)
        if found := _existing(f"late_fee:{bill.pk}"):
            return found
        bill = Bill.objects.get(pk=bill.pk)
        policy = policy or BillKindPolicy.for_account(account)
        fee = policy.late_fee_for(bill.balance_cents())
        if bill.voided_at or fee <= 0:
            return None
        entry = post_entry(kind=JournalEntry.Kind.LATE_FEE, account=account, bill=bill, key=f"late_fee:{bill.pk}",
                           lines=[(RECEIVABLE, fee, bill), (LATE_FEES_REVENUE, -fee, None)],
                           memo=f"Late fee on bill {bill.number}", user=user)
        Bill.objects.filter(pk=bill.pk).update(late_fee_applied_at=timezone.now())
    return entry


def post_credit(*, account: BillingAccount, amount_cents: int, key: str, bill: Bill | None = None,
                memo: str = "", user=None) -> JournalEntry:
    """Grant the holder a credit of `amount_cents` (goodwill, a billing correction): off `bill` up to its balance,
    the rest (or all, without a bill) as credit on the account."""
    if amount_cents <= 0:
        raise LedgerError("A credit must be more than zero.")
    with transaction.atomic():
        _lock_account(account.pk)
        if found := _existing(key):
            return found
        if bill is not None:
            lines = _allocate(account, amount_cents, bill)
        else:
            lines = [(CUSTOMER_CREDIT, -amount_cents, None)]
        return post_entry(kind=JournalEntry.Kind.CREDIT, account=account, bill=bill, key=key,
                          lines=[(CREDITS_ISSUED, amount_cents, None)] + lines, memo=memo, user=user)


def record_refund(refund: Refund, *, user=None) -> JournalEntry:
    """Post a refund that left us, once: out of the payment's clearing account; the holder's credit is used up
    first (an overpayment refunded), the rest goes back onto the payment's bill (or the account). Sets the
    payment's status to refunded or partially_refunded in the same transaction. Raises LedgerError when the
    refunds would exceed the payment's amount (its convenience fee is not refunded here)."""
    payment = refund.payment
    account = payment.account
    with transaction.atomic():
        _lock_account(account.pk)
        if found := _existing(f"refund:{refund.pk}"):
            return found
        already = -Posting.objects.filter(entry__payment=payment, entry__kind=JournalEntry.Kind.REFUND,
                                          account=payment.clearing_account()).total()
        if refund.amount_cents <= 0 or already + refund.amount_cents > payment.amount_cents:
            raise LedgerError("A refund cannot be more than what is left of the payment.")
        from_credit = min(account.credit_cents(), refund.amount_cents)
        rest = refund.amount_cents - from_credit
        entry = post_entry(kind=JournalEntry.Kind.REFUND, account=account, bill=payment.bill, payment=payment,
                           refund=refund, key=f"refund:{refund.pk}",
                           lines=[(payment.clearing_account(), -refund.amount_cents, None),
                                  (CUSTOMER_CREDIT, from_credit, None), (RECEIVABLE, rest, payment.bill)],
                           memo=f"Refund of {payment.reference}", user=user)
        total = already + refund.amount_cents
        Payment.objects.filter(pk=payment.pk).update(
            status=Payment.Status.REFUNDED if total >= payment.amount_cents else Payment.Status.PARTIALLY_REFUNDED,
            updated_at=timezone.now())
    return entry


def reverse_entry(entry: JournalEntry, *, memo: str = "", user=None) -> JournalEntry:
    """Undo `entry` with its exact opposite (a charge billed in error, a bank debit that came back), once."""
    if entry.kind == JournalEntry.Kind.REVERSAL:
        raise LedgerError("A reversal cannot itself be reversed; post a new entry instead.")
    with transaction.atomic():
        _lock_account(entry.billing_account_id)
        return post_entry(kind=JournalEntry.Kind.REVERSAL, account=entry.billing_account, bill=entry.bill,
                          payment=entry.payment, reverses=entry, key=f"reversal:{entry.pk}",
                          lines=[(p.account, -p.amount_cents, p.bill) for p in entry.postings.select_related("bill")],
                          memo=memo or f"Reversal of {entry.idempotency_key}", user=user)


def void_bill(bill: Bill, *, reason: str, user=None) -> Bill:
    """Void a bill: what is still owed on it is written off against its revenue, and it no longer takes
    payments. Voiding twice changes nothing."""
    account = bill.account
    with transaction.atomic():
        _lock_account(account.pk)
        bill = Bill.objects.select_related("account").get(pk=bill.pk)
        if bill.voided_at:
            return bill
        owed = Posting.objects.filter(bill=bill, account=RECEIVABLE).total()
        if owed > 0:
            post_entry(kind=JournalEntry.Kind.ADJUSTMENT, account=account, bill=bill, key=f"void:{bill.pk}",
                       lines=[(revenue_account(account.kind), owed, None), (RECEIVABLE, -owed, bill)],
                       memo=f"Bill {bill.number} void: {reason}", user=user)
        bill.voided_at = timezone.now()
        bill.void_reason = reason[:200]
        bill.save(update_fields=["voided_at", "void_reason", "updated_at"])
        bill.log_action("bill.voided", user=user, data={"reason": reason[:200], "written_off_cents": owed})
    return bill
