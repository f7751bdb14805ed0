"""Staff money operations' own records: what a counter payment was tendered with, and the differences the daily
reconciliation finds between a provider's payouts and the ledger (see docs/payments-operations.md).

Imported at the end of models.py, so Django sees these models as the payments app's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel


class CounterTender(models.Model):
    """How a counter payment was handed over: cash with the change given, a cheque's number, or the reference a
    card terminal printed. A card terminal reference is the terminal's transaction number, never a card number
    (counter.check_terminal_reference refuses anything that looks like one)."""

    payment = models.OneToOneField("payments.Payment", on_delete=models.CASCADE, related_name="tender")
    tendered_cents = models.BigIntegerField(_("amount handed over (cents)"), default=0)
    change_cents = models.BigIntegerField(_("change given (cents)"), default=0)
    cheque_number = models.CharField(_("cheque number"), max_length=20, blank=True)
    terminal_reference = models.CharField(_("card terminal reference"), max_length=40, blank=True)


class PayoutDifference(LoggedModel):
    """One thing the daily reconciliation could not match, for finance staff to look into and resolve.

    - `unknown_payment`: a provider paid out a payment we have no record of;
    - `not_paid_out`: a payment succeeded at the provider more than N days ago and no payout included it;
    - `amount_mismatch`: a payout's amount differs from what our ledger says its payments were worth (net of
      refunds), or one payment's amount in a payout differs from ours.

    `key` makes each finding unique (the same difference found on the next run is the same row). Resolving it
    (`resolved_at`, `resolved_by`, `note`) is audited; it stays listed under "resolved".
    """

    class Kind(models.TextChoices):
        UNKNOWN_PAYMENT = "unknown_payment", _("Paid out, but unknown to us")
        NOT_PAID_OUT = "not_paid_out", _("Paid, but never paid out")
        AMOUNT_MISMATCH = "amount_mismatch", _("Amounts differ")

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="payout_differences",
                                     help_text=_("Empty when the payment is unknown (finance staff of every "
                                                 "jurisdiction, and superusers, see those)."))
    provider = models.CharField(_("provider"), max_length=40)
    payout_id = models.CharField(_("payout"), max_length=255, blank=True)
    provider_payment_id = models.CharField(_("provider payment id"), max_length=255, blank=True)
    payment = models.ForeignKey("payments.Payment", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="payout_differences")
    expected_cents = models.BigIntegerField(_("our amount (cents)"), default=0)
    actual_cents = models.BigIntegerField(_("provider's amount (cents)"), default=0)
    currency = models.CharField(max_length=3, default="usd")
    found_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-found_at", "-pk"]
        indexes = [models.Index(fields=["resolved_at", "found_at"], name="payments_diff_open_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.provider_payment_id or self.payout_id}"

    @property
    def difference_cents(self) -> int:
        """The provider's amount minus ours (positive: the provider paid out more than we expected)."""
        return self.actual_cents - self.expected_cents
