"""RateCounter: how many times one key (an action, a client, a target) was used in one time window."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RateCounter(models.Model):
    """One fixed window of one rate-limit key, e.g. ``sms:dest:+12175550142`` for the hour from 14:00.

    Rows are shared by every app server and worker through the database, so a
    limit holds across processes and machines. Windows older than the longest
    limit are deleted by ``throttle.services.purge_expired()``.
    """

    key = models.CharField(_("key"), max_length=200)
    window_start = models.DateTimeField(_("window start"))
    window_seconds = models.PositiveIntegerField(_("window length (seconds)"))
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="throttle_key_window_uniq")]
        indexes = [models.Index(fields=["window_start"], name="throttle_window_idx")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M:%S}: {self.count}"

    def window_end(self):
        """When this window closes and the key starts counting from zero again."""
        import datetime as dt

        return self.window_start + dt.timedelta(seconds=self.window_seconds)
