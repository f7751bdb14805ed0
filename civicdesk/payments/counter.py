"""Counter payments: cash, a cheque or a card-terminal payment that a cashier takes in the staff console.

`take_counter_payment()` is the one way in. It checks the amount against what is owed, records the payment as
succeeded with how it was tendered (`CounterTender`: change for cash, the cheque's number, the terminal's
reference), posts it to the ledger (cash_drawer, cheques or terminal_clearing, see models.COUNTER_ACCOUNTS),
audits it and emails the holder the receipt online payments get (services.send_receipt), all in one transaction. The form carries a submission key chosen when
it was shown: submitting it twice (a double click, a reload) finds the first payment and takes nothing more.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import ledger, services
from .models import Bill, BillingAccount, CounterTender, Payment, format_money

METHODS = {
    "cash": gettext_lazy("Cash"),
    "cheque": gettext_lazy("Cheque"),
    "card_terminal": gettext_lazy("Card terminal"),
}

#: 13 or more digits in a row (spaces and dashes between them allowed): the length of a card number.
_CARD_LIKE = re.compile(r"(?:\d[ -]?){13,}")


class CounterPaymentError(ValueError):
    """A counter payment refused, with words the cashier can read out (and the form shows)."""


def looks_like_a_card_number(text: str) -> bool:
    """True when `text` holds 13 or more digits in a row (spaces and dashes between them allowed)."""
    return bool(_CARD_LIKE.search(text or ""))


def check_terminal_reference(reference: str) -> str:
    """The card terminal's transaction reference, trimmed; CounterPaymentError when it is missing, too long, or
    looks like a card number (13 or more digits in a row): card numbers are never typed in or stored."""
    reference = (reference or "").strip()
    if not reference:
        raise CounterPaymentError(_("Type the reference the card terminal printed on its slip."))
    if looks_like_a_card_number(reference):
        raise CounterPaymentError(_("That looks like a card number. Type the terminal's transaction reference "
                                    "instead: card numbers must never be written down or stored."))
    if len(reference) > 40 or not re.fullmatch(r"[A-Za-z0-9 /._-]+", reference):
        raise CounterPaymentError(_("A terminal reference has at most 40 letters, digits, spaces, dots, dashes "
                                    "or slashes."))
    return reference


def check_cheque_number(number: str) -> str:
    """The cheque's number (digits, at most 20); CounterPaymentError when missing or not a number."""
    number = (number or "").strip()
    if not re.fullmatch(r"\d{1,20}", number):
        raise CounterPaymentError(_("Type the cheque number printed on the cheque (digits only)."))
    return number


def owed_cents(account: BillingAccount, bill: Bill | None) -> int:
    """What a counter payment may at most take: the bill's balance, or the account's when no bill is chosen."""
    return bill.balance_cents() if bill is not None else account.balance_cents()


def take_counter_payment(*, account: BillingAccount, bill: Bill | None, method: str, amount_cents: int,
                         submission_key: str, user, tendered_cents: int | None = None, cheque_number: str = "",
                         terminal_reference: str = "") -> Payment:
    """Record a counter payment once per `submission_key` and return it (`created` False on a repeat).

    Raises CounterPaymentError (nothing written) for: an unknown method, an amount of zero or less, more than is
    owed, a bill of another account, a void or paid bill, cash handed over below the amount, a missing cheque
    number, a missing terminal reference or one that looks like a card number.
    """
    key = f"counter:{submission_key}"
    existing = _existing(key, account)
    if existing is not None:
        return existing
    if method not in METHODS:
        raise CounterPaymentError(_("Choose cash, cheque or card terminal."))
    if bill is not None and bill.account_id != account.pk:
        raise CounterPaymentError(_("That bill belongs to another account."))
    if bill is not None and bill.status() != Bill.Status.OPEN:
        raise CounterPaymentError(_("Bill %(number)s is %(status)s: it takes no more payments.")
                                  % {"number": bill.number, "status": bill.get_status_display().lower()})
    if amount_cents <= 0:
        raise CounterPaymentError(_("The amount must be more than zero."))
    owed = owed_cents(account, bill)
    if amount_cents > owed:
        raise CounterPaymentError(_("That is more than is owed (%(owed)s). Take at most what is owed.")
                                  % {"owed": format_money(max(owed, 0), account.currency)})
    tender = CounterTender(tendered_cents=amount_cents)
    if method == "cash":
        tendered = amount_cents if tendered_cents is None else tendered_cents
        if tendered < amount_cents:
            raise CounterPaymentError(_("The cash handed over (%(tendered)s) is less than the amount to pay.")
                                      % {"tendered": format_money(tendered, account.currency)})
        tender.tendered_cents, tender.change_cents = tendered, tendered - amount_cents
        label = str(METHODS["cash"])
    elif method == "cheque":
        tender.cheque_number = check_cheque_number(cheque_number)
        label = _("Cheque no. %(number)s") % {"number": tender.cheque_number}
    else:
        tender.terminal_reference = check_terminal_reference(terminal_reference)
        label = _("Card terminal, reference %(reference)s") % {"reference": tender.terminal_reference}
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                account=account, bill=bill, channel=Payment.Channel.COUNTER, provider="", method=method,
                method_label=label[:80], amount_cents=amount_cents, currency=account.currency,
                status=Payment.Status.SUCCEEDED, succeeded_at=timezone.now(), idempotency_key=key,
                payer_email=account.contact_email, payer_language=account.contact_language, taken_by=user)
            tender.payment = payment
            tender.save()
            ledger.record_payment(payment, user=user)
            payment.log_action("payment.counter_taken", user=user, data={
                "method": method, "amount_cents": amount_cents, "bill": bill.number if bill else "",
                "tendered_cents": tender.tendered_cents, "change_cents": tender.change_cents,
                "cheque_number": tender.cheque_number, "terminal_reference": tender.terminal_reference})
            services.send_receipt(payment)  # the same receipt (page, PDF, email) as an online payment
    except IntegrityError:
        # The same form was submitted twice at once: the other submission wrote the payment first.
        existing = _existing(key, account)
        if existing is None:
            raise
        return existing
    payment.created = True
    return payment


def _existing(key: str, account: BillingAccount) -> Payment | None:
    payment = Payment.objects.filter(idempotency_key=key).select_related("account", "bill").first()
    if payment is None:
        return None
    if payment.account_id != account.pk:
        raise CounterPaymentError(_("This form was already used for another account. Start again."))
    payment.created = False
    return payment
