"""Autopay (pre-authorised debit): enrolment with recorded consent, notices, debits exactly once, retries, cancel.

See docs/payments-autopay.md. The rules in short:

- Only a resident whose login is linked to the account enrols, after reading the mandate text and ticking consent;
  the provider then saves a payment method (no money moves). The text shown (in the language shown), when, the IP
  address and the browser are kept on the mandate. One active mandate per account (a database constraint).
- `schedule_debits()` creates one `AutopayDebit` per (mandate, bill) when the bill's notice day comes (its due
  date minus the policy's `autopay_notice_days`), in the transaction that queues the notice, so no bill is debited
  without a notice first.
- `run_debits()` attempts the debits whose day has come. Each attempt is claimed in its own transaction that
  stores a fresh idempotency key (and a Payment named by it) *before* the provider is called; the provider is asked
  with that key and the answer is applied through `services.settle()` (ledger and receipt, once). A worker killed
  between the provider's answer and our commit leaves the debit "in flight": the next run asks again with the same
  key and the provider answers with the first debit instead of a second one.
- Soft declines (insufficient funds) are tried again after PAYMENTS_AUTOPAY_RETRY_DAYS with a new key, with a
  notice; an error whose outcome is unknown (the provider could not be reached) keeps the same key. Hard declines
  stop the mandate, with a notice. Cancelling stops every debit not yet sent; one already in flight is finished
  (never sent twice).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from civicdesk.notifications.services import Recipient, notify
from civicdesk.throttle.services import Limit, check

from . import services
from .models import (
    AccountLink,
    AutopayDebit,
    AutopayMandate,
    AutopaySetup,
    Bill,
    BillingAccount,
    BillKindPolicy,
    Payment,
    format_money,
)
from .providers import MandateCharge, ProviderError, SetupRequest, get_provider

log = logging.getLogger(__name__)

HOUR = 3600
#: A debit whose day passed this many days ago while nothing ran is still made; older bills are left to the holder.
CATCH_UP_DAYS = 7
#: How long to wait before asking again when the provider's answer was lost (it could not be reached).
UNKNOWN_OUTCOME_WAIT = dt.timedelta(hours=1)
#: Soft errors that are the bank's answer (nothing was debited): the next attempt uses a new key.
SOFT_DECLINES = frozenset({
    "insufficient_funds", "try_again_later", "processing_error", "issuer_not_available", "reenter_transaction",
    "approve_with_id", "card_velocity_exceeded", "withdrawal_count_limit_exceeded", "duplicate_transaction",
})
BATCH = 200


class AutopayRefused(ValueError):
    """An enrolment or cancellation that cannot be done; `message` says why, in words for the resident."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Enrolment -----------------------------------------------------------------------------------------------------

def is_linked(user, account: BillingAccount) -> bool:
    """True when `user` is signed in and linked to `account` (the only person who may enrol or cancel)."""
    return bool(user is not None and user.is_authenticated
                and AccountLink.objects.filter(user=user, account=account).exists())


def active_mandate(account: BillingAccount) -> AutopayMandate | None:
    """The account's active mandate, or None."""
    return AutopayMandate.objects.filter(account=account, active=True).select_related("user").first()


def autopay_url(account: BillingAccount) -> str:
    """The absolute address of the account's autopay page (sign-in required; where a resident cancels)."""
    return settings.SITE_URL + reverse("payments:autopay", args=[account.pk])


def mandate_text(account: BillingAccount, language: str) -> str:
    """The mandate the resident agrees to, in `language`: who debits, which account, when, and how to cancel."""
    days = BillKindPolicy.for_account(account).autopay_notice_days
    with translation.override(language):
        return _("I authorise %(city)s to debit the payment method I save next for the amount owed on each bill of "
                 "%(kind)s account %(number)s, on each bill's due date, until I cancel. %(city)s will tell me the "
                 "amount and the date %(days)d days before each debit. I can cancel at any time on this account's "
                 "autopay page, %(url)s; a debit the bank already received before I cancel may still go "
                 "through.") % {"city": account.jurisdiction.name, "kind": account.get_kind_display(),
                                "number": account.number, "days": days, "url": autopay_url(account)}


def _throttle(client: str) -> None:
    check(Limit(f"payments:autopay:client:{client}", settings.PAYMENTS_AUTOPAY_CHANGES_PER_CLIENT_PER_HOUR, HOUR),
          message=_("Too many autopay changes from here. Please wait an hour and try again."))


def already_enrolled_message() -> str:
    return _("This account already has autopay. Cancel it first to set it up with another payment method.")


def start_enrolment(*, user, account: BillingAccount, consent: bool, client: str, user_agent: str,
                    language: str) -> tuple[AutopaySetup, str]:
    """Record the consent and start the provider's "save a payment method" page; returns (setup, where to send
    the resident). Raises AutopayRefused (not linked, no consent, already enrolled, provider down) or RateLimited.
    """
    if not is_linked(user, account):
        raise AutopayRefused(_("Only the resident whose login is linked to this account can set up autopay."))
    if not consent:
        raise AutopayRefused(_("Tick the box to agree to the autopay authorisation."))
    _throttle(client)
    if active_mandate(account) is not None:
        raise AutopayRefused(already_enrolled_message())
    provider = get_provider()
    with transaction.atomic():
        setup = AutopaySetup.objects.create(
            account=account, user=user, provider=provider.name, mandate_text=mandate_text(account, language),
            language=language, consent_ip=client or None, consent_user_agent=(user_agent or "")[:400])
        account.log_action("autopay.consent_given", user=user, data={"setup_id": setup.pk, "language": language})
    back = settings.SITE_URL + reverse("payments:autopay_return", args=[setup.token])
    try:
        session = provider.start_mandate_setup(SetupRequest(
            reference=setup.token, idempotency_key=f"autopay-setup:{setup.token}", customer_email=user.email,
            description=_("Autopay for %(kind)s account %(number)s") % {"kind": account.get_kind_display(),
                                                                        "number": account.number},
            success_url=back, cancel_url=back + "?cancelled=1"))
    except ProviderError as exc:
        log.warning("autopay setup %s: provider refused (%s)", setup.pk, exc.code)
        raise AutopayRefused(_("The payment service is not available right now. Please try again later.")) from None
    AutopaySetup.objects.filter(pk=setup.pk).update(session_id=session.session_id)
    setup.session_id = session.session_id
    return setup, session.redirect_url


def setup_for(user, token: str) -> AutopaySetup | None:
    """The enrolment named by `token` if it is `user`'s, else None."""
    return (AutopaySetup.objects.select_related("account", "account__jurisdiction", "mandate")
            .filter(token=token, user=user).first())


def complete_enrolment(setup: AutopaySetup) -> AutopayMandate | None:
    """Create the mandate once the provider saved the method; None while it has not (or the resident cancelled).

    Idempotent: a second return finds the mandate already made. Raises AutopayRefused when another enrolment of
    the same account finished first (one active mandate per account).
    """
    if setup.mandate_id:
        return setup.mandate
    saved = get_provider(setup.provider).fetch_mandate_setup(setup.session_id)
    if saved.status != "saved":
        return None
    try:
        with transaction.atomic():
            setup = AutopaySetup.objects.select_for_update().select_related("account", "user").get(pk=setup.pk)
            if setup.mandate_id:
                return setup.mandate
            mandate = AutopayMandate.objects.create(
                account=setup.account, user=setup.user, provider=setup.provider, mandate_ref=saved.mandate_ref,
                method_label=saved.method_label[:80], mandate_text=setup.mandate_text, consented_at=setup.created_at,
                consent_ip=setup.consent_ip, consent_user_agent=setup.consent_user_agent)
            AutopaySetup.objects.filter(pk=setup.pk).update(mandate=mandate, completed_at=timezone.now())
            mandate.log_action("autopay.enrolled", user=setup.user, data={
                "provider": setup.provider, "language": setup.language, "method": mandate.method_label})
            _notify_user(mandate, event="autopay.enrolled", key=f"autopay:mandate:{mandate.pk}:enrolled",
                         template="payments/email/autopay_enrolled", language=setup.language)
    except IntegrityError:
        raise AutopayRefused(already_enrolled_message()) from None
    return mandate


def cancel_mandate(*, mandate: AutopayMandate, user, client: str, reason: str = "resident") -> AutopayMandate:
    """Stop the mandate now: debits not yet sent are cancelled, one in flight is finished by the worker (with its
    stored key, so never twice). Audit-logged, with a confirmation notice. Cancelling twice changes nothing."""
    _throttle(client)
    with transaction.atomic():
        mandate = AutopayMandate.objects.select_for_update().select_related("account", "user").get(pk=mandate.pk)
        if not mandate.active:
            return mandate
        _stop(mandate)
        mandate.log_action("autopay.cancelled", user=user, data={"reason": reason})
        _notify_user(mandate, event="autopay.cancelled", key=f"autopay:mandate:{mandate.pk}:cancelled",
                     template="payments/email/autopay_cancelled")
    return mandate


def _stop(mandate: AutopayMandate) -> None:
    mandate.active = False
    mandate.cancelled_at = timezone.now()
    mandate.save(update_fields=["active", "cancelled_at"])
    AutopayDebit.objects.filter(mandate=mandate, state__in=[AutopayDebit.State.SCHEDULED,
                                                            AutopayDebit.State.RETRY]).update(
        state=AutopayDebit.State.CANCELLED, updated_at=timezone.now())


def _language(mandate: AutopayMandate, fallback: str = "") -> str:
    setup = AutopaySetup.objects.filter(mandate=mandate).values_list("language", flat=True).first()
    return fallback or setup or mandate.account.contact_language


def _notify_user(mandate: AutopayMandate, *, event: str, key: str, template: str, context: dict | None = None,
                 language: str = "") -> int:
    """notify() the resident who enrolled (idempotent by `key`), in the language they enrolled in."""
    user = mandate.user
    if not user.email:
        return 0
    account = mandate.account
    return notify(event=event, key=key, template=template, scope=f"billing-account:{account.pk}",
                  recipients=[Recipient(email=user.email, user_id=user.pk, language=_language(mandate, language))],
                  context={"mandate": mandate, "account": account, "city": account.jurisdiction.name,
                           "kind": account.get_kind_display(), "number": account.number,
                           "autopay_url": autopay_url(account), **(context or {})})


# --- Notices and debits ----------------------------------------------------------------------------------------------

@dataclass
class AutopaySummary:
    scheduled: int = 0
    succeeded: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0


def notice_day(due_on: dt.date, policy: BillKindPolicy) -> dt.date:
    """The day the holder is told of a bill's debit: its due date minus the policy's notice days."""
    return due_on - dt.timedelta(days=policy.autopay_notice_days)


def schedule_debits(today: dt.date | None = None, summary: AutopaySummary | None = None) -> AutopaySummary:
    """Create the debit of each open bill of an active mandate whose notice day has come, with its notice.

    Bills due before the mandate was given, or more than CATCH_UP_DAYS ago, are not debited. Safe to run twice:
    the debit is unique per (mandate, bill) and the notice per bill.
    """
    today = today or timezone.localdate()
    summary = summary or AutopaySummary()
    policies = {(p.jurisdiction_id, p.kind): p for p in BillKindPolicy.objects.all()}
    horizon = max([p.autopay_notice_days for p in policies.values()] + [BillKindPolicy().autopay_notice_days])
    bills = (Bill.objects.open()
             .filter(account__mandates__active=True, due_on__lte=today + dt.timedelta(days=horizon),
                     due_on__gte=today - dt.timedelta(days=CATCH_UP_DAYS))
             .exclude(autopay_debits__mandate__active=True)
             .select_related("account", "account__jurisdiction").order_by("pk"))
    after = 0
    while chunk := list(bills.filter(pk__gt=after)[:BATCH]):
        after = chunk[-1].pk
        mandates = {m.account_id: m for m in AutopayMandate.objects.filter(
            account_id__in={b.account_id for b in chunk}, active=True).select_related("user", "account")}
        for bill in chunk:
            mandate = mandates.get(bill.account_id)
            policy = policies.get((bill.account.jurisdiction_id, bill.account.kind)) or BillKindPolicy()
            if mandate is None or notice_day(bill.due_on, policy) > today:
                continue
            if bill.due_on < timezone.localdate(mandate.consented_at):
                continue
            if _schedule_one(mandate, bill):
                summary.scheduled += 1
    return summary


def _schedule_one(mandate: AutopayMandate, bill: Bill) -> bool:
    try:
        with transaction.atomic():
            debit = AutopayDebit.objects.create(mandate=mandate, bill=bill, due_on=bill.due_on)
            _notify_user(mandate, event="autopay.notice", key=f"autopay:bill:{bill.pk}:notice",
                         template="payments/email/autopay_notice",
                         context={"bill": bill, "amount": format_money(bill.balance_cents(), bill.currency),
                                  "due_on": bill.due_on})
            debit.log_action("autopay.debit_scheduled", data={"bill_id": bill.pk, "due_on": str(bill.due_on)})
    except IntegrityError:  # a run beside us scheduled it first
        return False
    return True


def due_debits(now: dt.datetime | None = None):
    """Debits to attempt now: every one in flight (its outcome must be learnt), scheduled ones whose date has come,
    and retries whose time has come."""
    from django.db.models import Q

    now = now or timezone.now()
    return AutopayDebit.objects.filter(
        Q(state=AutopayDebit.State.IN_FLIGHT, next_attempt_at__lte=now)
        | Q(state=AutopayDebit.State.SCHEDULED, due_on__lte=timezone.localdate(now))
        | Q(state=AutopayDebit.State.RETRY, next_attempt_at__lte=now)).order_by("pk")


def run_debits(now: dt.datetime | None = None, summary: AutopaySummary | None = None,
               limit: int | None = None) -> AutopaySummary:
    """Attempt every due debit (see due_debits), one at a time, each in its own transactions. Safe to run twice or
    beside another run: claims lock the debit and the provider dedupes on the stored key."""
    summary = summary or AutopaySummary()
    after, done = 0, 0
    while ids := list(due_debits(now).filter(pk__gt=after).values_list("pk", flat=True)[:BATCH]):
        after = ids[-1]
        for debit_id in ids:
            outcome = attempt_debit(debit_id, now=now)
            if outcome == AutopayDebit.State.SUCCEEDED:
                summary.succeeded += 1
            elif outcome == AutopayDebit.State.RETRY:
                summary.retried += 1
            elif outcome == AutopayDebit.State.FAILED:
                summary.failed += 1
            elif outcome in (AutopayDebit.State.SKIPPED, AutopayDebit.State.CANCELLED):
                summary.skipped += 1
            done += 1
            if limit is not None and done >= limit:
                return summary
    return summary


def _claim(debit_id: int, now: dt.datetime) -> tuple[AutopayDebit, Payment] | str:
    """Lock the debit and make its attempt ready: the key and the Payment stored and committed before the provider
    is called. Returns (debit, payment), or the debit's state when there is nothing to send."""
    with transaction.atomic():
        debit = (AutopayDebit.objects.select_for_update(of=("self",))
                 .select_related("mandate", "mandate__user", "bill", "bill__account", "payment").get(pk=debit_id))
        if debit.state == AutopayDebit.State.IN_FLIGHT:
            # A lost answer (a worker died, or the provider could not be reached): ask again with the same key.
            debit.log_action("autopay.debit_recovered", data={"attempt": debit.attempts})
            return debit, debit.payment
        if debit.state not in (AutopayDebit.State.SCHEDULED, AutopayDebit.State.RETRY):
            return debit.state
        if debit.state == AutopayDebit.State.RETRY and debit.next_attempt_at and debit.next_attempt_at > now:
            return debit.state
        if not debit.mandate.active:
            debit.state = AutopayDebit.State.CANCELLED
            debit.save(update_fields=["state", "updated_at"])
            return debit.state
        bill = Bill.objects.with_balance().get(pk=debit.bill_id)
        owed = bill.balance_cents()
        if owed <= 0 or bill.voided_at:
            debit.state = AutopayDebit.State.SKIPPED
            debit.save(update_fields=["state", "updated_at"])
            debit.log_action("autopay.debit_skipped", data={"owed_cents": owed})
            return debit.state
        debit.attempts += 1
        debit.attempt_key = f"autopay:{debit.pk}:{debit.attempts}"
        mandate, account = debit.mandate, debit.bill.account
        payment = Payment.objects.create(
            account=account, bill=bill, channel=Payment.Channel.AUTOPAY, provider=mandate.provider,
            method_label=mandate.method_label, amount_cents=owed, currency=bill.currency,
            idempotency_key=debit.attempt_key, payer_email=mandate.user.email,
            payer_language=_language(mandate), user=mandate.user, mandate=mandate)
        debit.payment = payment
        debit.state = AutopayDebit.State.IN_FLIGHT
        debit.next_attempt_at = now
        debit.save()
        debit.log_action("autopay.debit_attempted", data={"attempt": debit.attempts, "amount_cents": owed,
                                                          "payment": payment.reference})
    return debit, payment


def attempt_debit(debit_id: int, *, now: dt.datetime | None = None) -> str:
    """One attempt (or the recovery of a lost one) of one debit; returns the debit's state afterwards."""
    now = now or timezone.now()
    claimed = _claim(debit_id, now)
    if isinstance(claimed, str):
        return claimed
    debit, payment = claimed
    mandate = debit.mandate
    try:
        news = get_provider(mandate.provider).charge_mandate(MandateCharge(
            mandate_ref=mandate.mandate_ref, reference=payment.reference, amount_cents=payment.total_cents,
            currency=payment.currency, idempotency_key=debit.attempt_key,
            description=f"Autopay {debit.bill.account.number} / {debit.bill.number}"))
    except ProviderError as exc:
        return _failed(debit.pk, debit.attempt_key, exc, now)
    return _succeeded(debit.pk, debit.attempt_key, mandate.provider, news)


def _locked(debit_id: int, key: str) -> AutopayDebit | None:
    """The debit, locked, if it is still in flight with `key` (else another run finished it: None)."""
    debit = (AutopayDebit.objects.select_for_update(of=("self",))
             .select_related("mandate", "mandate__user", "mandate__account", "bill", "payment").get(pk=debit_id))
    if debit.state != AutopayDebit.State.IN_FLIGHT or debit.attempt_key != key:
        return None
    return debit


def _succeeded(debit_id: int, key: str, provider_name: str, news) -> str:
    with transaction.atomic():
        debit = _locked(debit_id, key)
        if debit is None:
            return AutopayDebit.objects.values_list("state", flat=True).get(pk=debit_id)
        # The ledger entry ("payment:<id>") and the receipt are written by settle(), once.
        services.settle(provider_name, news)
        debit.state = AutopayDebit.State.SUCCEEDED
        debit.failure_code = ""
        debit.save(update_fields=["state", "failure_code", "updated_at"])
    return debit.state


def _failed(debit_id: int, key: str, exc: ProviderError, now: dt.datetime) -> str:
    with transaction.atomic():
        debit = _locked(debit_id, key)
        if debit is None:
            return AutopayDebit.objects.values_list("state", flat=True).get(pk=debit_id)
        debit.failure_code = (exc.code or "")[:80]
        if exc.soft and exc.code not in SOFT_DECLINES:
            # The provider could not be reached: whether it debited is unknown, so ask again with the same key.
            debit.next_attempt_at = now + UNKNOWN_OUTCOME_WAIT
            debit.save(update_fields=["failure_code", "next_attempt_at", "updated_at"])
            return debit.state
        Payment.objects.filter(pk=debit.payment_id).update(status=Payment.Status.FAILED,
                                                           failure_code=debit.failure_code, updated_at=now)
        mandate, bill = debit.mandate, debit.bill
        context = {"bill": bill, "amount": format_money(debit.payment.amount_cents, bill.currency),
                   "due_on": debit.due_on, "pay_url": settings.SITE_URL + reverse("payments:mine")}
        retry_days = settings.PAYMENTS_AUTOPAY_RETRY_DAYS
        if exc.soft and debit.attempts <= len(retry_days):
            debit.state = AutopayDebit.State.RETRY
            debit.next_attempt_at = now + dt.timedelta(days=retry_days[debit.attempts - 1])
            debit.save(update_fields=["state", "failure_code", "next_attempt_at", "updated_at"])
            debit.log_action("autopay.debit_retry", data={"attempt": debit.attempts, "code": debit.failure_code})
            _notify_user(mandate, event="autopay.retry", key=f"autopay:debit:{debit.pk}:retry:{debit.attempts}",
                         template="payments/email/autopay_retry",
                         context=context | {"retry_on": timezone.localdate(debit.next_attempt_at)})
            return debit.state
        debit.state = AutopayDebit.State.FAILED
        debit.save(update_fields=["state", "failure_code", "updated_at"])
        debit.log_action("autopay.debit_failed", data={"attempt": debit.attempts, "code": debit.failure_code,
                                                       "hard": not exc.soft})
        if exc.soft:  # soft failures used up: this bill is left to the resident, autopay stays on
            _notify_user(mandate, event="autopay.failed", key=f"autopay:debit:{debit.pk}:failed",
                         template="payments/email/autopay_failed", context=context)
        else:
            mandate = AutopayMandate.objects.select_for_update().get(pk=mandate.pk)
            if mandate.active:
                _stop(mandate)
                mandate.log_action("autopay.stopped", data={"code": debit.failure_code})
            _notify_user(mandate, event="autopay.stopped", key=f"autopay:mandate:{mandate.pk}:stopped",
                         template="payments/email/autopay_stopped", context=context)
    return debit.state


def run_autopay(now: dt.datetime | None = None) -> AutopaySummary:
    """What the periodic task does: schedule (with notices) the debits whose notice day came, then attempt the
    debits that are due. Safe to run twice, late, beside another run or after a crash."""
    now = now or timezone.now()
    summary = schedule_debits(timezone.localdate(now))
    return run_debits(now, summary)
