"""Core models: bookkeeping shared by every app."""

from __future__ import annotations

from django.db import models


class ScheduledRun(models.Model):
    """A slot of a periodic job that has been enqueued (civicdesk/core/schedule.py).

    The unique (job, slot) is what makes many schedulers on many servers enqueue each slot once.
    """

    job = models.CharField(max_length=80)
    slot = models.CharField(max_length=32)
    enqueued_at = models.DateTimeField()
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="scheduledrun_once_per_slot")]
        indexes = [models.Index(fields=["enqueued_at"], name="scheduledrun_enqueued")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot}"


class ConfigGeneration(models.Model):
    """One row counting changes of the configuration public pages are drawn from (service types, statuses,
    jurisdictions, districts...: every model given to `lib.config_cache.clear_on_change()`).

    Public pages' validators (civicdesk/core/conditional.py) include the count, so renaming a kind of problem
    or a status changes every page's ETag on every app server at once, not when a request next changes.
    """

    value = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"configuration generation {self.value}"
