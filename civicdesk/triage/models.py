"""Phrases that mark a report as a possible emergency."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmergencyPhrase(models.Model):
    """A word or phrase ("gas leak", "fuga de gas") that stops a report with "call 911 now"."""

    phrase = models.CharField(_("phrase"), max_length=120, unique=True)
    language = models.CharField(_("language"), max_length=8, blank=True,
                                help_text=_("Leave empty to match in every language."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("emergency phrase")
        verbose_name_plural = _("emergency phrases")
        ordering = ["phrase"]

    def __str__(self) -> str:
        return self.phrase
