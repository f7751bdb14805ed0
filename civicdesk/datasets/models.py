"""Records of bulk loads: one ImportRun per import_311 run, and which source record became which request."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel


class ImportRun(LoggedModel):
    """One run of `manage.py import_311` over one file, committed batch by batch.

    Contract: after every committed batch, `offset` is the byte offset in the
    file just after the last row of that batch and `rows_read` the number of
    data rows before it; the counters and `reject_offset` (bytes of the reject
    file written so far) are committed in the same transaction as the batch's
    requests. So a crash loses at most the batch in progress, and a resumed run
    (`--resume`) seeks to `offset`, cuts the reject file back to
    `reject_offset` and carries on. `fingerprint` (SHA-256 of the file's first
    MiB) and `size` tell whether the file is still the one the run started on.
    """

    class State(models.TextChoices):
        RUNNING = "running", _("Running or interrupted")
        STOPPED = "stopped", _("Stopped after the requested number of batches")
        FINISHED = "finished", _("Finished")

    path = models.CharField(_("file"), max_length=1000)
    size = models.BigIntegerField(_("size in bytes"))
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    format = models.CharField(_("format"), max_length=16)
    source = models.CharField(_("source"), max_length=40,
                              help_text=_("Names the system the ids come from, so they are only compared with "
                                          "ids from the same system."))
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("jurisdiction"))
    options = models.JSONField(_("options"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RUNNING)
    offset = models.BigIntegerField(_("bytes committed"), default=0)
    header = models.JSONField(_("header"), default=list, blank=True)
    rows_read = models.BigIntegerField(_("rows read"), default=0)
    rows_loaded = models.BigIntegerField(_("rows loaded"), default=0)
    rows_skipped = models.BigIntegerField(_("rows skipped as already imported"), default=0)
    rows_rejected = models.BigIntegerField(_("rows rejected"), default=0)
    batches = models.PositiveIntegerField(_("batches committed"), default=0)
    reject_path = models.CharField(_("reject file"), max_length=1000, blank=True)
    reject_offset = models.BigIntegerField(_("reject file bytes committed"), default=0)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["path", "format", "state"], name="importrun_resume")]

    def __str__(self) -> str:
        return f"{self.format} {self.path} ({self.get_state_display()})"

    def audit_jurisdiction_id(self) -> int | None:
        return self.jurisdiction_id

    def is_resumable(self) -> bool:
        """True when the run did not reach the end of its file."""
        return self.state != self.State.FINISHED


class ImportedRequest(models.Model):
    """The source system's id of an imported request, so a second import of the same record is skipped.

    A side table rather than a column on ServiceRequest: only imported
    requests have one, and (source, source_id) is unique. `row` is the data row
    of `run` that brought it in, for "the same id appeared earlier" messages.
    """

    source = models.CharField(max_length=40)
    source_id = models.CharField(max_length=120)
    request = models.OneToOneField("servicerequests.ServiceRequest", on_delete=models.CASCADE,
                                   related_name="imported_from")
    run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="records",
                            db_index=False)
    row = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("imported request")
        verbose_name_plural = _("imported requests")
        constraints = [models.UniqueConstraint(fields=["source", "source_id"], name="one_import_per_source_id")]

    def __str__(self) -> str:
        return f"{self.source}:{self.source_id}"


class DroppedIndex(models.Model):
    """An index an exclusive load (`--rebuild-indexes`) dropped and has not built again yet.

    Written and committed before the index is dropped, deleted once it is
    built again, so a load killed in between (kill -9, a power cut) leaves a
    note instead of a silently slower database: the next bulk command, of
    either kind and in either mode, builds these indexes first
    (bulk.restore_dropped_indexes); `manage.py generate_requests 0` does only that.
    """

    table = models.CharField(max_length=200)
    name = models.CharField(max_length=200, unique=True)
    sql = models.TextField()
    dropped_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("index dropped by an exclusive load")
        verbose_name_plural = _("indexes dropped by an exclusive load")

    def __str__(self) -> str:
        return f"{self.table}.{self.name}"
