"""Paying an application's fee online through payments, the "fee paid" news from payments, and waivers.

The fee is a bill of payments (docs/payments.md): one billing account of kind "permit_fee" per application
(numbered like the application) with one bill, made the first time the applicant opens the pay page. The
applicant pays it through payments' own checkout (`payments.services.start_payment`, the configured provider's
hosted page); payments settles it once, however the news arrives, writes the ledger entry and emails the receipt,
then calls `fee_paid_online()` (registered in apps.py through payments.hooks), which marks the fee received
exactly once. Staff may waive an unpaid fee with a reason (audited; the bill, if any, is voided).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.payments import ledger
from civicdesk.payments import services as payments
from civicdesk.payments.models import Bill, BillingAccount, BillKind, Payment

from .models import Application, ApplicationFee, Event
from .services import ApplicationError, _event, _tell_applicant

#: Days the applicant has to pay a fee bill (reminders follow the city's policy for permit fees).
FEE_BILL_DAYS = 30
FEE_BILL_NUMBER = "FEE"


def fee_outstanding(application: Application) -> bool:
    """True when the application was sent, is still open, has a fee, and the fee is neither paid nor waived."""
    return bool(application.fee_cents) and application.fee_received_at is None and application.is_active()


def fee_state(application: Application) -> str:
    """"none" (no fee), "waived", "paid" (online, at the counter) or "unpaid"."""
    if not application.fee_cents:
        return "none"
    if application.fee_received_at is None:
        return "unpaid"
    try:  # select_related("fee") on lists spares the query
        return "waived" if application.fee.waived_at is not None else "paid"
    except ApplicationFee.DoesNotExist:
        return "paid"


def bill_for(application: Application) -> Bill:
    """The payments bill of the application's unpaid fee, made once (two clicks at once make one bill)."""
    if not fee_outstanding(application):
        raise ApplicationError(_("There is no fee to pay on this application."))
    with transaction.atomic():
        Application.objects.select_for_update().filter(pk=application.pk).first()
        fee, _created = ApplicationFee.objects.get_or_create(application=application)
        if fee.bill_id:
            return fee.bill
        applicant = application.applicant
        account, _made = BillingAccount.objects.get_or_create(
            jurisdiction_id=application.jurisdiction_id, kind=BillKind.PERMIT_FEE, number=application.number,
            defaults={"holder_name": (applicant.get_full_name() or applicant.email)[:200],
                      "contact_email": applicant.email, "contact_language": application.language,
                      "currency": application.application_type.currency.lower()})
        today = timezone.localdate()
        description = _("%(type)s fee, application %(number)s") % {
            "type": str(application.application_type), "number": application.number}
        fee.bill = ledger.create_bill(account=account, number=FEE_BILL_NUMBER, issued_on=today,
                                      due_on=today + dt.timedelta(days=FEE_BILL_DAYS),
                                      lines=[(description, 1, application.fee_cents)],
                                      external_ref=f"application:{application.pk}")
        fee.save(update_fields=["bill"])
        application.log_action("application.fee_billed", data={"bill": fee.bill.pk,
                                                               "fee_cents": application.fee_cents})
    return fee.bill


def start_fee_payment(application: Application, *, user, method: str, idempotency_key: str, client: str,
                      language: str) -> tuple[Payment, str]:
    """Start paying the fee online: (payment, the provider page to send the applicant to). Raises
    ApplicationError when nothing is owed, payments' PaymentRefused or RateLimited as payments does."""
    bill = bill_for(application)
    owed = bill.balance_cents()
    if owed <= 0:
        raise ApplicationError(_("This fee is already paid."))
    return payments.start_payment(account=bill.account, bill=bill, amount_cents=owed, method=method,
                                  payer_email=user.email, idempotency_key=idempotency_key, client=client,
                                  user=user, language=language)


def fee_paid_online(payment: Payment) -> None:
    """payments.hooks callback: when `payment` leaves an application's fee bill with nothing owed, mark the fee
    received, once (a conditional update), audit it and add it to the timeline. Other payments are ignored."""
    if payment.bill_id is None:
        return
    fee = ApplicationFee.objects.select_related("application").filter(bill_id=payment.bill_id).first()
    if fee is None or payment.bill.balance_cents() > 0:
        return
    application = fee.application
    now = timezone.now()
    if not Application.objects.filter(pk=application.pk, fee_received_at__isnull=True).update(
            fee_received_at=now, updated_at=now):
        return
    application.fee_received_at = now
    application.log_action("application.fee_paid", user=payment.user, data={
        "payment": payment.reference, "amount_cents": payment.amount_cents})
    _event(application, Event.Kind.FEE_RECEIVED, user=payment.user,
           message=f"{application.fee_display()} · {payment.reference}")


def waive(application: Application, *, user, reason: str) -> None:
    """Waive the unpaid fee, with the reason the applicant reads; audited; an unpaid fee bill is voided so it
    can no longer be paid. Refused when there is no unpaid fee or no reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for waiving the fee."))
    if not fee_outstanding(application):
        raise ApplicationError(_("There is no unpaid fee to waive on this application."))
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.fee_received_at is not None:
            raise ApplicationError(_("There is no unpaid fee to waive on this application."))
        fee, _created = ApplicationFee.objects.get_or_create(application=locked)
        now = timezone.now()
        fee.waived_at, fee.waived_by, fee.waiver_reason = now, user, reason[:2000]
        fee.save()
        if fee.bill_id:
            ledger.void_bill(fee.bill, reason=_("Fee waived"), user=user)
        locked.fee_received_at = now
        locked.save(update_fields=["fee_received_at", "updated_at"])
        application.fee_received_at = now
        locked.log_action("application.fee_waived", user=user, data={"fee_cents": locked.fee_cents,
                                                                     "reason": reason[:2000]})
        _tell_applicant(locked, _event(locked, Event.Kind.FEE_WAIVED, user=user, message=reason[:2000]))


def require_fee_before_review(application: Application) -> None:
    """ApplicationError when the type wants the fee before the review starts and it is still unpaid."""
    if application.application_type.fee_due == "submission" and fee_outstanding(application):
        raise ApplicationError(_("The fee is not paid yet: the review starts once it is paid or waived."))
