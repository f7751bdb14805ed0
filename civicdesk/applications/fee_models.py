"""An application's fee as payments sees it: the bill the applicant pays online, or the waiver staff granted.

Imported by models.py. The amount is `Application.fee_cents` (computed at submission from the type's fee rules);
`Application.fee_received_at` says when the fee was settled (paid online, recorded at the counter, or waived).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApplicationFee(models.Model):
    """The payments bill of an application's fee (one per application, made when the applicant first opens the
    pay page) and, when staff waived the fee, who did, when and why (the reason the applicant reads)."""

    application = models.OneToOneField("applications.Application", on_delete=models.CASCADE, related_name="fee")
    bill = models.OneToOneField("payments.Bill", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    waived_at = models.DateTimeField(null=True, blank=True)
    waived_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    waiver_reason = models.TextField(_("why the fee is waived"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("application fee")
        verbose_name_plural = _("application fees")

    def __str__(self) -> str:
        return f"{self.application} fee"

    def is_waived(self) -> bool:
        return self.waived_at is not None
