"""The pay flow: find a bill, start a payment at the provider, settle it once however the news arrives, receipts.

Views, webhooks, tasks and the counter all call these functions. The money itself is written by ledger.py.
Rules (docs/payments.md):

- A guest proves an account with three facts from the bill: its number, the service postcode and the amount of
  the last bill. A wrong answer says only that nothing matched, whichever fact was wrong.
- Online payments take between one cent and what is owed: on the chosen bill its balance, without a bill the
  account's balance. More than that is refused (an overpayment can be made at a counter, where it becomes credit).
- `settle()` is the one door for a provider's news (the resident's return, a webhook, a late poll): a payment's
  status only moves forward (created → pending → succeeded/failed/cancelled), so duplicate and out-of-order news
  change nothing, and the ledger entry is written in the transaction that marks it succeeded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.notifications.services import Recipient, link_token, link_tokens, notify, read_link_token
from civicdesk.throttle.services import Limit, check

from . import hooks, ledger
from .models import AccountLink, Bill, BillingAccount, BillKindPolicy, Payment, ProviderEvent
from .providers import CheckoutRequest, InvalidSignature, ProviderError, ProviderPayment, get_provider

log = logging.getLogger(__name__)

RECEIPT_PURPOSE = "payment_receipt"
HOUR = 3600
#: How far a status may be moved by news: higher ranks are never overwritten by lower ones.
_RANK = {Payment.Status.CREATED: 0, Payment.Status.PENDING: 1, Payment.Status.SUCCEEDED: 2,
         Payment.Status.FAILED: 2, Payment.Status.CANCELLED: 2, Payment.Status.PARTIALLY_REFUNDED: 3,
         Payment.Status.REFUNDED: 3}


class PaymentRefused(ValueError):
    """A payment the resident asked for cannot be made; `message` says why, in words for them; `field` names the
    form field at fault ("" for the whole form)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


def not_found_message() -> str:
    return _("We could not find a bill with those details. Check the account number, the postcode and the "
             "amount of your last bill, exactly as they are printed on it.")


def find_account(*, kind: str, number: str, postcode: str, last_amount_cents: int | None,
                 client: str) -> BillingAccount | None:
    """The account whose number, service postcode and last bill's amount all match, or None.

    Counted against three limits first (RateLimited when one is full): per client address, per account number
    (so one account cannot be guessed at from many addresses) and overall. The answer is the same whichever fact
    was wrong, so a guess learns nothing about which accounts exist.
    """
    key = BillingAccount.normalise_number(number)
    check(Limit(f"payments:lookup:client:{client}", settings.PAYMENTS_LOOKUPS_PER_CLIENT_PER_HOUR, HOUR),
          Limit(f"payments:lookup:account:{kind}:{key}", settings.PAYMENTS_LOOKUPS_PER_ACCOUNT_PER_HOUR, HOUR),
          Limit("payments:lookup:all", settings.PAYMENTS_LOOKUPS_PER_HOUR, HOUR),
          message=_("Too many look-ups of bills. Please wait an hour and try again, or call us."))
    if not key or last_amount_cents is None:
        return None
    postcode = BillingAccount.normalise_postcode(postcode)
    for account in BillingAccount.objects.filter(kind=kind, number_key=key).order_by("pk"):
        last = account.last_bill()
        if (last is not None and BillingAccount.normalise_postcode(account.service_postcode) == postcode
                and last.amount_cents == last_amount_cents):
            return account
    return None


@dataclass(frozen=True)
class Quote:
    """What a payment will cost: the amount to the account, the convenience fee, and the total charged."""

    amount_cents: int
    fee_cents: int
    method: str

    @property
    def total_cents(self) -> int:
        return self.amount_cents + self.fee_cents


def quote(*, account: BillingAccount, bill: Bill | None, amount_cents: int, method: str) -> Quote:
    """Check a payment the resident asks for and price it; raises PaymentRefused with a clear reason.

    Refused: an amount of zero or less; a bill of another account; a void or already paid bill; more than is
    owed (on the bill, or on the account without a bill); a method the provider does not take.
    """
    if amount_cents is None or amount_cents <= 0:
        raise PaymentRefused(_("Enter an amount of at least $0.01."), "amount")
    if bill is not None and bill.account_id != account.pk:
        raise PaymentRefused(_("That bill is not on this account."), "bill")
    if bill is not None and bill.voided_at:
        raise PaymentRefused(_("This bill was cancelled by the city and cannot be paid."), "bill")
    owed = bill.balance_cents() if bill is not None else account.balance_cents()
    if owed <= 0:
        raise PaymentRefused(_("Nothing is owed on this bill: it is already paid."), "bill")
    if amount_cents > owed:
        from .models import format_money
        raise PaymentRefused(
            _("You can pay at most %(owed)s online, the amount still owed. To pay more in advance, please pay at a "
              "city counter; the extra is kept as credit for your next bill.") % {"owed": format_money(owed,
                                                                                                   account.currency)},
            "amount")
    provider = get_provider()
    if method not in provider.methods:
        raise PaymentRefused(_("Choose how you want to pay."), "method")
    fee = BillKindPolicy.for_account(account).convenience_fee_cents(method, amount_cents)
    return Quote(amount_cents=amount_cents, fee_cents=fee, method=method)


def receipt_token(payment: Payment) -> str:
    """The opaque token of the payment's receipt and return links (no reference or email in the link)."""
    return link_token(RECEIPT_PURPOSE, "payment", payment.reference)


def receipt_tokens(payments) -> dict[str, str]:
    """receipt_token() for many payments in two queries: {reference: token}."""
    return link_tokens(RECEIPT_PURPOSE, "payment", [payment.reference for payment in payments])


#: Past bills and payments listed per account on "My bills" and the account's page.
HISTORY_LENGTH = 24
HISTORY_STATUSES = (Payment.Status.SUCCEEDED, Payment.Status.PENDING, Payment.Status.PARTIALLY_REFUNDED,
                    Payment.Status.REFUNDED)


def account_summaries(accounts: list[BillingAccount]) -> list[dict]:
    """For each account, in order: {"account", "open_bills" (by due date), "past_bills" (paid or void, newest
    first), "payments" (each with `receipt_token`), "balance_cents", "credit_cents"}, the lists at most
    HISTORY_LENGTH long.

    Five queries whatever the number of accounts and bills (bills with their ledger balance, payments with their
    bill, the receipt tokens' insert and read, the balances grouped by account): "My bills" must not cost a few
    queries per linked account (tests/test_my_bills.py counts them)."""
    from django.db.models import Sum

    from .models import CUSTOMER_CREDIT, RECEIVABLE, Posting

    if not accounts:
        return []
    ids = [account.pk for account in accounts]
    open_bills: dict[int, list[Bill]] = {pk: [] for pk in ids}
    past_bills: dict[int, list[Bill]] = {pk: [] for pk in ids}
    for bill in Bill.objects.with_balance().filter(account_id__in=ids).order_by("-issued_on", "-pk"):
        if bill.status() == Bill.Status.OPEN:
            open_bills[bill.account_id].append(bill)
        elif len(past_bills[bill.account_id]) < HISTORY_LENGTH:
            past_bills[bill.account_id].append(bill)
    payments: dict[int, list[Payment]] = {pk: [] for pk in ids}
    for payment in (Payment.objects.filter(account_id__in=ids, status__in=HISTORY_STATUSES)
                    .select_related("bill").order_by("-created_at", "-pk")):
        if len(payments[payment.account_id]) < HISTORY_LENGTH:
            payments[payment.account_id].append(payment)
    tokens = receipt_tokens([payment for listed in payments.values() for payment in listed])
    for listed in payments.values():
        for payment in listed:
            payment.receipt_token = tokens[payment.reference]
    sums: dict[tuple[int, str], int] = {
        (row["billing_account_id"], row["account"]): row["s"] for row in
        Posting.objects.filter(billing_account_id__in=ids, account__in=[RECEIVABLE, CUSTOMER_CREDIT])
        .order_by().values("billing_account_id", "account").annotate(s=Sum("amount_cents"))}
    summaries = []
    for account in accounts:
        receivable, credit = sums.get((account.pk, RECEIVABLE), 0), sums.get((account.pk, CUSTOMER_CREDIT), 0)
        summaries.append({
            "account": account, "past_bills": past_bills[account.pk], "payments": payments[account.pk],
            "open_bills": sorted(open_bills[account.pk], key=lambda bill: (bill.due_on, bill.pk)),
            "balance_cents": receivable + credit, "credit_cents": -credit})
    return summaries


def payment_for_token(token: str) -> Payment | None:
    """The payment a receipt token names, or None."""
    found = read_link_token(token, RECEIPT_PURPOSE)
    if found is None:
        return None
    return Payment.objects.select_related("account", "bill").filter(reference=found.address).first()


def start_payment(*, account: BillingAccount, bill: Bill | None, amount_cents: int, method: str, payer_email: str,
                  idempotency_key: str, client: str, user=None, language: str = "en") -> tuple[Payment, str]:
    """Create (or find, for a repeated `idempotency_key`) the payment and its checkout; returns (payment, the
    provider page to send the resident to). Raises PaymentRefused, or RateLimited for too many starts.

    The payment row is committed before the provider is called, and the provider is asked with an idempotency key
    of the payment's own, so a crash or a double submit between the two asks for the same checkout again.
    """
    existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        check(Limit(f"payments:start:client:{client}", settings.PAYMENTS_STARTS_PER_CLIENT_PER_HOUR, HOUR),
              message=_("Too many payments started. Please wait an hour and try again."))
        priced = quote(account=account, bill=bill, amount_cents=amount_cents, method=method)
        provider = get_provider()
        with transaction.atomic():
            existing, _created = Payment.objects.get_or_create(idempotency_key=idempotency_key, defaults=dict(
                account=account, bill=bill, channel=Payment.Channel.WEB, provider=provider.name, method=method,
                amount_cents=priced.amount_cents, convenience_fee_cents=priced.fee_cents, currency=account.currency,
                payer_email=payer_email, payer_language=language,
                user=user if (user is not None and user.is_authenticated) else None))
    payment = existing
    if (payment.account_id, payment.bill_id, payment.amount_cents, payment.method) != (
            account.pk, bill.pk if bill else None, amount_cents, method):
        # The same form sent back with other choices (the browser's back button): never reuse the first payment.
        raise PaymentRefused(_("This form has expired. Please start again."))
    token = receipt_token(payment)
    if payment.status != Payment.Status.CREATED:  # a second click after the provider answered: show the outcome
        return payment, reverse("payments:receipt", args=[token])
    description = _("%(kind)s account %(number)s") % {"kind": account.get_kind_display(), "number": account.number}
    if payment.bill_id:
        description += " · " + _("bill %(number)s") % {"number": payment.bill.number}
    provider = get_provider(payment.provider)
    try:
        session = provider.start_checkout(CheckoutRequest(
            reference=payment.reference, amount_cents=payment.total_cents, currency=payment.currency,
            description=description, idempotency_key=f"checkout:{payment.reference}",
            success_url=settings.SITE_URL + reverse("payments:return", args=[token]),
            cancel_url=settings.SITE_URL + reverse("payments:return", args=[token]) + "?cancelled=1",
            methods=(payment.method,), customer_email=payment.payer_email))
    except ProviderError as exc:
        log.warning("payment %s: provider refused the checkout (%s)", payment.reference, exc.code)
        raise PaymentRefused(_("The payment service is not available right now. Nothing was charged. Please try "
                               "again later.")) from None
    Payment.objects.filter(pk=payment.pk, provider_session_id="").update(provider_session_id=session.session_id)
    payment.provider_session_id = session.session_id
    payment.log_action("payment.started", user=user, data={"amount_cents": payment.amount_cents,
                                                           "fee_cents": payment.convenience_fee_cents,
                                                           "method": payment.method})
    return payment, session.redirect_url


def settle(provider_name: str, news: ProviderPayment, *, event_created: int = 0) -> Payment | None:
    """Apply what the provider says about a payment, once: the one door for returns, webhooks and polls.

    Finds the payment by our reference (and provider), locks it, and moves its status forward only; news that
    would move it back (a "pending" after "succeeded") or repeats it changes nothing. News whose amount or
    currency differ from what we asked for is ignored and logged. On success the ledger entry and the receipt
    are written in the same transaction. Returns the payment, or None when the reference is unknown.
    """
    with transaction.atomic():
        payment = (Payment.objects.select_for_update(of=("self",)).select_related("account", "bill")
                   .filter(reference=news.reference, provider=provider_name).first())
        if payment is None:
            log.warning("provider %s sent news of an unknown payment", provider_name)
            return None
        if news.amount_cents != payment.total_cents or news.currency.lower() != payment.currency:
            log.error("payment %s: provider reported %s %s, expected %s %s; ignored", payment.reference,
                      news.amount_cents, news.currency, payment.total_cents, payment.currency)
            return payment
        status = {"succeeded": Payment.Status.SUCCEEDED, "pending": Payment.Status.PENDING,
                  "failed": Payment.Status.FAILED, "cancelled": Payment.Status.CANCELLED}.get(news.status)
        if status is None or _RANK[status] <= _RANK[payment.status]:
            return payment
        payment.status = status
        payment.provider_event_created = max(payment.provider_event_created, event_created)
        payment.method = news.method or payment.method
        payment.method_label = news.method_label[:80] or payment.method_label
        payment.provider_payment_id = payment.provider_payment_id or news.provider_payment_id
        payment.provider_session_id = payment.provider_session_id or news.session_id
        payment.failure_code = news.failure_code[:80]
        if status == Payment.Status.SUCCEEDED:
            payment.succeeded_at = timezone.now()
        payment.save()
        payment.log_action(f"payment.{status}", data={"provider": provider_name})
        if status == Payment.Status.SUCCEEDED:
            ledger.record_payment(payment)
            send_receipt(payment)
            hooks.payment_succeeded(payment)
    return payment


def refresh_from_provider(payment: Payment) -> Payment:
    """Ask the provider how a checkout ended (the resident's return) and settle it; unchanged on provider errors."""
    if not payment.provider_session_id or payment.status in Payment.FINAL_STATUSES:
        return payment
    try:
        news = get_provider(payment.provider).fetch_checkout(payment.provider_session_id)
    except ProviderError as exc:
        log.warning("payment %s: could not read the checkout (%s)", payment.reference, exc.code)
        return payment
    return settle(payment.provider, news) or payment


def cancel_unpaid(payment: Payment) -> Payment:
    """The resident came back through "cancel" before paying: a payment still only created becomes cancelled."""
    Payment.objects.filter(pk=payment.pk, status=Payment.Status.CREATED).update(
        status=Payment.Status.CANCELLED, updated_at=timezone.now())
    payment.refresh_from_db()
    return payment


def handle_webhook(provider_name: str, body: bytes, headers) -> str:
    """Verify and apply one webhook; returns "processed", "duplicate" or "ignored"; raises InvalidSignature.

    The event is recorded (provider + event id, unique) in the same transaction that applies it, so a repeat,
    even one arriving while the first is being applied, is answered "duplicate" and changes nothing.
    """
    provider = get_provider(provider_name)
    event = provider.parse_webhook(body, headers)
    with transaction.atomic():
        record, created = ProviderEvent.objects.get_or_create(
            provider=provider_name, event_id=event.event_id,
            defaults={"kind": event.kind, "created": event.created, "payload_summary": _summary(event)})
        if not created and record.processed_at:
            return "duplicate"
        if event.kind == "payment" and event.payment is not None:
            settle(provider_name, event.payment, event_created=event.created)
        elif event.kind == "refund" and event.refund is not None:  # a pending refund done (payops, refunds.py)
            from .refunds import apply_provider_refund

            apply_provider_refund(provider_name, event.refund)
        record.processed_at = timezone.now()
        record.save(update_fields=["processed_at"])
    return "processed" if event.kind == "payment" else "ignored"


def _summary(event) -> dict:
    """What staff may see of an event: its kind, our reference, the status and the amount (never the body)."""
    if event.kind == "payout":  # what the daily reconciliation matches (payops, reconciliation.py)
        return {"kind": event.kind, "payout_id": event.payout_id, "amount_cents": event.payout_amount_cents,
                "fee_cents": event.payout_fee_cents, "currency": event.payout_currency,
                "payment_ids": list(event.payout_payment_ids)}
    if event.payment is None:
        return {"kind": event.kind}
    return {"kind": event.kind, "reference": event.payment.reference, "status": event.payment.status,
            "amount_cents": event.payment.amount_cents, "currency": event.payment.currency}


def link_account(*, user, account: BillingAccount) -> AccountLink:
    """Link `account` to the resident's login (once; linking again keeps the first link)."""
    link, created = AccountLink.objects.get_or_create(user=user, account=account)
    if created:
        account.log_action("billingaccount.linked", user=user, data={"user_id": user.pk})
    return link


def send_receipt(payment: Payment) -> int:
    """Email the receipt of a succeeded payment to the payer (once: notify() is idempotent by its key), with a
    link to the receipt page and a direct link to its PDF."""
    email = payment.payer_email or (payment.user.email if payment.user_id else "")
    if not email:
        return 0
    token = receipt_token(payment)
    # The receipt page and its PDF, behind the same opaque token (no reference or address in the links).
    sent = notify(event="payment.receipt", key=f"payment:{payment.pk}:receipt",
                  recipients=[Recipient(email=email, language=payment.payer_language)],
                  template="payments/email/receipt", scope="payments",
                  context={"payment": payment, "account": payment.account, "bill": payment.bill,
                           "receipt_path": reverse("payments:receipt", args=[token]),
                           "receipt_pdf_path": reverse("payments:receipt_pdf", args=[token])})
    Payment.objects.filter(pk=payment.pk, receipt_sent_at__isnull=True).update(receipt_sent_at=timezone.now())
    return sent


__all__ = ["InvalidSignature", "PaymentRefused", "find_account", "handle_webhook", "quote", "settle",
           "start_payment"]
