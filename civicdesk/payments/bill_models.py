"""Getting bills in and reminding people (docs/payments-bills.md): import runs and their rejected rows, the keys
billing systems push bills with, and the reminders already sent. Imported by models.py."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel


class BillImportRun(LoggedModel):
    """One import of a bill file (`manage.py import_bills` or the staff upload page), committed batch by batch.

    Contract: after every committed batch, `offset` is the byte offset just after the last row of that batch's
    last bill, `lines_read` the file's line number there, and the counters and the batch's rejected rows are
    committed in the same transaction as its bills and ledger charges. So an interrupted run loses at most the
    batch in progress; running the import again on the same file continues at `offset`, and a bill already
    imported (same account and bill number) is never written twice. `size` and `fingerprint` (SHA-256 of the first
    MiB) tell whether the file is still the one the run started on.
    """

    class State(models.TextChoices):
        RUNNING = "running", _("Running or interrupted")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Stopped by an error")

    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE,
                                     related_name="bill_import_runs", verbose_name=_("jurisdiction"))
    path = models.CharField(_("file"), max_length=1000,
                            help_text=_("A path on the server (command) or a name in the file storage (upload)."))
    in_storage = models.BooleanField(default=False)
    filename = models.CharField(_("file name"), max_length=255)
    size = models.BigIntegerField(_("size in bytes"))
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RUNNING)
    header = models.JSONField(default=list, blank=True)
    delimiter = models.CharField(max_length=1, default=",")
    offset = models.BigIntegerField(_("bytes committed"), default=0)
    lines_read = models.BigIntegerField(_("lines committed"), default=0)
    rows_read = models.BigIntegerField(_("rows read"), default=0)
    bills_loaded = models.BigIntegerField(_("bills loaded"), default=0)
    bills_skipped = models.BigIntegerField(_("bills already there"), default=0)
    accounts_created = models.BigIntegerField(_("accounts created"), default=0)
    accounts_updated = models.BigIntegerField(_("accounts updated"), default=0)
    rows_rejected = models.BigIntegerField(_("rows rejected"), default=0)
    amount_cents = models.BigIntegerField(_("amount billed (cents)"), default=0)
    batches = models.PositiveIntegerField(_("batches committed"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("bill import")
        verbose_name_plural = _("bill imports")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["path", "state"], name="payments_billrun_resume")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display()})"

    def is_finished(self) -> bool:
        return self.state == self.State.FINISHED

    def percent(self) -> int:
        """How far through the file the committed batches are, 0–100."""
        return 100 if self.is_finished() or not self.size else min(100, self.offset * 100 // self.size)


class BillImportReject(models.Model):
    """A row the import left out, with its line number in the file and the reason in plain words."""

    run = models.ForeignKey(BillImportRun, on_delete=models.CASCADE, related_name="rejects")
    line = models.BigIntegerField(_("row"))
    reason = models.CharField(_("reason"), max_length=500)
    raw = models.TextField(_("the row as written"))

    class Meta:
        ordering = ["line", "pk"]
        indexes = [models.Index(fields=["run", "line"], name="payments_reject_run_line")]


def hash_key(raw: str) -> str:
    """The stored form of a billing-system key (keys are 256-bit random, so SHA-256 suffices)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class BillingSystemKey(LoggedModel):
    """A key the city's billing system uses to push bills (`POST /payments/api/bills/`), for one jurisdiction.

    Only the SHA-256 of the key is stored; the key is shown once when issued (`manage.py billing_api_key`)."""

    name = models.CharField(_("billing system"), max_length=120)
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE,
                                     related_name="billing_system_keys", verbose_name=_("jurisdiction"))
    prefix = models.CharField(_("key starts with"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True,
                                    help_text=_("Untick to revoke the key: calls with it are refused at once."))
    calls_per_minute = models.PositiveIntegerField(_("calls per minute"), default=600,
                                                   help_text=_("0 means no limit."))
    created_at = models.DateTimeField(_("issued"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("billing system key")
        verbose_name_plural = _("billing system keys")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class BillReminder(models.Model):
    """A reminder (or late-fee notice) queued for a bill: one row per bill and stage, ever.

    `stage` is "before:<days>", "due", "after:<days>" or "late_fee". The row is written in the same transaction
    as the notification, so a stage is never sent twice, even by two runs at once (the unique constraint)."""

    bill = models.ForeignKey("payments.Bill", on_delete=models.CASCADE, related_name="reminders")
    stage = models.CharField(max_length=20)
    sent_at = models.DateTimeField(default=timezone.now)
    queued = models.PositiveSmallIntegerField(default=0, help_text=_("Messages queued (0: nobody to reach)."))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bill", "stage"], name="payments_reminder_once")]
