"""Autopay's own records: a pending enrolment with its consent, one debit per (mandate, bill), the sandbox's charges.

`AutopayMandate` itself lives in models.py (it was there first); see docs/payments-autopay.md.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel


def new_setup_token() -> str:
    return secrets.token_urlsafe(24)


class AutopaySetup(models.Model):
    """An enrolment on its way: the consent the resident gave (the exact text shown, in the language shown, when,
    from which address and browser), waiting for the provider to say the payment method was saved. `token` names
    it in the provider's return link; `completed_at` and `mandate` are set once, when the mandate is created."""

    token = models.CharField(max_length=40, unique=True, default=new_setup_token)
    account = models.ForeignKey("payments.BillingAccount", on_delete=models.CASCADE, related_name="autopay_setups")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="autopay_setups")
    provider = models.CharField(max_length=40)
    session_id = models.CharField(max_length=255, blank=True)
    mandate_text = models.TextField()
    language = models.CharField(max_length=8, default="en")
    consent_ip = models.GenericIPAddressField(null=True, blank=True)
    consent_user_agent = models.CharField(max_length=400, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    mandate = models.OneToOneField("payments.AutopayMandate", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="setup")


class AutopayDebit(LoggedModel):
    """One autopay debit of one bill under one mandate (unique together): created, with the holder's notice, before
    the provider is ever called, so every attempt is asked with a key stored first.

    `state`: scheduled (noticed, waiting for the due date) → in_flight (an attempt was claimed: `attempt_key` is
    what the provider dedupes on; a worker that dies here re-asks with the same key) → succeeded | retry (a soft
    failure: tried again at `next_attempt_at` with a new attempt key) | failed (hard failure, or soft failures used
    up) | cancelled (the mandate was cancelled before an attempt) | skipped (nothing was owed any more).
    """

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        IN_FLIGHT = "in_flight", _("Being collected")
        RETRY = "retry", _("Will be tried again")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        SKIPPED = "skipped", _("Not needed")

    OPEN_STATES = (State.SCHEDULED, State.IN_FLIGHT, State.RETRY)

    mandate = models.ForeignKey("payments.AutopayMandate", on_delete=models.PROTECT, related_name="debits")
    bill = models.ForeignKey("payments.Bill", on_delete=models.PROTECT, related_name="autopay_debits")
    payment = models.OneToOneField("payments.Payment", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="autopay_debit")
    due_on = models.DateField(_("debit date"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.SCHEDULED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    attempt_key = models.CharField(_("idempotency key of the current attempt"), max_length=120, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    failure_code = models.CharField(_("failure code"), max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-due_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["mandate", "bill"], name="payments_autopay_debit_once"),
            models.UniqueConstraint(fields=["attempt_key"], condition=~Q(attempt_key=""),
                                    name="payments_autopay_attempt_key_unique"),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="payments_autopay_due_idx")]

    def audit_jurisdiction_id(self) -> int | None:
        return self.bill.account.jurisdiction_id


class SandboxCharge(models.Model):
    """A debit at the sandbox provider, recorded by its idempotency key (unique): asking again with the same key
    returns this outcome instead of debiting twice, as a real provider does. Development, tests and bench only."""

    idempotency_key = models.CharField(max_length=160, unique=True)
    mandate_ref = models.CharField(max_length=255)
    reference = models.CharField(max_length=20)
    amount_cents = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    payment_id = models.CharField(max_length=64)
    status = models.CharField(max_length=12, help_text="succeeded or failed")
    failure_code = models.CharField(max_length=80, blank=True)
    failure_is_soft = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
