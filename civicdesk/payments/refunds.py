"""Refunds: a cashier (or finance supervisor) asks, a finance supervisor who is someone else decides.

- `request_refund()` records the request (amount, reason) once per form submission; nothing moves yet.
- `approve_refund()` / `reject_refund()`: the decision, by a different person (the database refuses an approval by
  the requester too). An approved refund of an online payment is then sent to its provider by `send_refund()`
  with the refund's own idempotency key, stored before the call: a retry after a crash or a timeout asks the
  provider for the same refund, never a second one. A counter payment is given back at the counter (cash, or a
  cheque from the city) without any provider call.
- The ledger entry (ledger.record_refund) is posted once, when the money has left; the holder is told through
  notify(). Every step is audited.
"""

from __future__ import annotations

import logging
import uuid

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from . import ledger
from .models import Payment, Refund, format_money
from .notify import send_to_holder

log = logging.getLogger(__name__)

#: Refunds that still hold part of the payment: waiting, approved (being sent), sent, done.
HOLDING = (Refund.Status.REQUESTED, Refund.Status.APPROVED, Refund.Status.SENT, Refund.Status.SUCCEEDED)
REFUNDABLE = (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED)


class RefundError(ValueError):
    """A refund step refused, in words staff can act on; nothing was written."""


def refundable_cents(payment: Payment) -> int:
    """What may still be asked back of `payment`: its amount minus refunds waiting, approved, sent or done (the
    convenience fee is not refunded)."""
    held = payment.refunds.filter(status__in=HOLDING).aggregate(s=Coalesce(Sum("amount_cents"), 0))["s"]
    return max(payment.amount_cents - held, 0)


def request_refund(*, payment: Payment, amount_cents: int, reason: str, user, submission_key: str) -> Refund:
    """Ask for `amount_cents` of `payment` back; returns the refund (`created` False when the same form was
    submitted before). RefundError for a payment that is not paid, an amount of zero or less or beyond what is
    left, or an empty reason."""
    key = f"refund:{submission_key}"
    existing = Refund.objects.filter(idempotency_key=key).first()
    if existing is not None:
        if existing.payment_id != payment.pk:
            raise RefundError(_("This form was already used for another payment. Start again."))
        existing.created = False
        return existing
    reason = " ".join((reason or "").split())
    if not reason:
        raise RefundError(_("Say why the money is given back."))
    if len(reason) > 300:
        raise RefundError(_("Keep the reason under 300 characters."))
    if amount_cents <= 0:
        raise RefundError(_("The amount must be more than zero."))
    try:
        with transaction.atomic():
            payment = Payment.objects.select_for_update().select_related("account").get(pk=payment.pk)
            if payment.status not in REFUNDABLE:
                raise RefundError(_("Only a paid payment can be refunded; this one is %(status)s.")
                                  % {"status": payment.get_status_display().lower()})
            left = refundable_cents(payment)
            if amount_cents > left:
                raise RefundError(_("At most %(left)s of this payment can still be refunded.")
                                  % {"left": format_money(left, payment.currency)})
            refund = Refund.objects.create(payment=payment, amount_cents=amount_cents, currency=payment.currency,
                                           reason=reason, requested_by=user, idempotency_key=key)
            refund.log_action("refund.requested", user=user, data={
                "payment": payment.reference, "amount_cents": amount_cents, "reason": reason})
    except IntegrityError:
        existing = Refund.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        existing.created = False
        return existing
    refund.created = True
    return refund


def _decide(refund: Refund, user) -> Refund:
    locked = Refund.objects.select_for_update().select_related("payment__account").get(pk=refund.pk)
    if locked.status != Refund.Status.REQUESTED:
        raise RefundError(_("This refund was already decided (%(status)s).")
                          % {"status": locked.get_status_display().lower()})
    return locked


def approve_refund(refund: Refund, *, user) -> Refund:
    """Approve a waiting refund and give the money back: a counter payment at once (the ledger entry and the
    holder's message in the same transaction), an online one through its provider (`send_refund`, after the
    approval is committed). RefundError when the approver asked for it themselves or it was already decided."""
    with transaction.atomic():
        refund = _decide(refund, user)
        if refund.requested_by_id == user.pk:
            raise RefundError(_("A refund must be approved by someone other than the person who asked for it."))
        refund.status, refund.approved_by, refund.decided_at = Refund.Status.APPROVED, user, timezone.now()
        refund.save(update_fields=["status", "approved_by", "decided_at"])
        refund.log_action("refund.approved", user=user, data={"amount_cents": refund.amount_cents})
        if refund.payment.channel == Payment.Channel.COUNTER:
            _complete(refund, user=user)
            return refund
    return send_refund(refund, user=user)


def reject_refund(refund: Refund, *, user, note: str) -> Refund:
    """Turn a waiting refund down with a note (audited); the payment stays as it is."""
    note = " ".join((note or "").split())
    if not note:
        raise RefundError(_("Say why the refund is turned down."))
    with transaction.atomic():
        refund = _decide(refund, user)
        refund.status, refund.decided_at = Refund.Status.REJECTED, timezone.now()
        refund.failure_reason = note[:300]
        refund.save(update_fields=["status", "decided_at", "failure_reason"])
        refund.log_action("refund.rejected", user=user, data={"note": note[:300]})
    return refund


def send_refund(refund: Refund, *, user=None) -> Refund:
    """Send an approved refund of an online payment to its provider, with the refund's stored idempotency key;
    safe to call again (a retry gets the provider's first answer). A soft provider error leaves it approved for
    the next try (tasks.send_approved_refunds); a hard one marks it failed. A refund the provider completed is
    posted to the ledger and the holder told."""
    from .providers import ProviderError, get_provider

    refund = Refund.objects.select_related("payment__account").get(pk=refund.pk)
    if refund.status != Refund.Status.APPROVED:
        return refund
    payment = refund.payment
    try:
        answer = get_provider(payment.provider).refund(payment.provider_payment_id, refund.amount_cents,
                                                       refund.currency, refund.idempotency_key)
    except ProviderError as error:
        log.warning("refund %s to %s failed (%s): %s", refund.pk, payment.provider, error.code, error)
        with transaction.atomic():
            refund.failure_reason = str(error)[:300]
            fields = ["failure_reason"]
            if not error.soft:
                refund.status, refund.completed_at = Refund.Status.FAILED, timezone.now()
                fields += ["status", "completed_at"]
            refund.save(update_fields=fields)
            refund.log_action("refund.provider_error", user=user, data={"code": error.code, "soft": error.soft})
        return refund
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("payment__account").get(pk=refund.pk)
        if refund.status != Refund.Status.APPROVED:
            return refund  # another worker finished it with the same answer
        refund.provider_refund_id = answer.provider_refund_id
        if answer.status == "failed":
            refund.status, refund.completed_at = Refund.Status.FAILED, timezone.now()
            refund.save(update_fields=["provider_refund_id", "status", "completed_at"])
            refund.log_action("refund.failed", user=user, data={"provider_refund_id": answer.provider_refund_id})
        elif answer.status == "pending":
            refund.status = Refund.Status.SENT
            refund.save(update_fields=["provider_refund_id", "status"])
            refund.log_action("refund.sent", user=user, data={"provider_refund_id": answer.provider_refund_id})
        else:
            refund.save(update_fields=["provider_refund_id"])
            _complete(refund, user=user)
    return refund


def complete_refund(refund: Refund, *, user=None) -> Refund:
    """Finish a refund the provider reported done later (a pending bank refund): ledger and message, once."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("payment__account").get(pk=refund.pk)
        if refund.status in (Refund.Status.APPROVED, Refund.Status.SENT):
            _complete(refund, user=user)
    return refund


def _complete(refund: Refund, *, user) -> None:
    """Inside the caller's transaction: mark the refund done, post it to the ledger once, tell the holder."""
    refund.status, refund.completed_at = Refund.Status.SUCCEEDED, timezone.now()
    refund.save(update_fields=["status", "completed_at"])
    ledger.record_refund(refund, user=user)
    refund.log_action("refund.succeeded", user=user, data={"amount_cents": refund.amount_cents})
    payment = refund.payment
    send_to_holder(payment.account, event="payment.refunded", key=f"refund:{refund.pk}",
                   template="payments/notify/refunded",
                   context={"refund": refund, "payment": payment, "account": payment.account,
                            "amount": format_money(refund.amount_cents, refund.currency),
                            "at_counter": payment.channel == Payment.Channel.COUNTER})


def new_submission_key() -> str:
    """A fresh key for a form that records money (counter payments, refund requests): shown with the form,
    so submitting the same form twice is recognised."""
    return uuid.uuid4().hex


def apply_provider_refund(provider_name: str, answer) -> Refund | None:
    """A provider's news about a refund (a webhook's ProviderRefund): finish it when it succeeded, mark it failed
    when it failed; None when no refund of ours has that provider id. Idempotent (a repeat changes nothing)."""
    refund = Refund.objects.filter(payment__provider=provider_name,
                                   provider_refund_id=answer.provider_refund_id).first()
    if refund is None:
        return None
    if answer.status == "succeeded":
        return complete_refund(refund)
    if answer.status == "failed":
        with transaction.atomic():
            updated = Refund.objects.filter(pk=refund.pk, status=Refund.Status.SENT).update(
                status=Refund.Status.FAILED, completed_at=timezone.now())
            if updated:
                refund.log_action("refund.failed", data={"provider_refund_id": answer.provider_refund_id})
    return Refund.objects.get(pk=refund.pk)
