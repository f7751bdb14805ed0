"""API keys of client applications, their per-minute usage, and the updates they pushed."""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel


def hash_key(raw: str) -> str:
    """The stored form of an API key. Keys are 256-bit random, so a plain SHA-256 cannot be brute-forced."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiKey(LoggedModel):
    """A key issued to one client application (a phone app, FixMyStreet, a county CRM).

    Only the key's SHA-256 is stored; the key itself is shown once, when issued.
    A key with a jurisdiction works only there; one without works everywhere.
    """

    name = models.CharField(_("client application"), max_length=120)
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="open311_keys", verbose_name=_("jurisdiction"),
                                     help_text=_("Leave empty for a key that works in every jurisdiction."))
    prefix = models.CharField(_("key starts with"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True,
                                    help_text=_("Untick to revoke the key: calls with it are refused at once."))
    rate_limit_per_minute = models.PositiveIntegerField(
        _("calls per minute"), default=60, help_text=_("Calls this key may make in one minute; 0 means no limit."))
    request_count = models.PositiveBigIntegerField(_("calls made"), default=0, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("issued"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def works_in(self, jurisdiction) -> bool:
        """True when the key may be used for `jurisdiction`."""
        return self.jurisdiction_id is None or self.jurisdiction_id == jurisdiction.pk


class ApiKeyMinute(models.Model):
    """How many calls a key made in one clock minute: the rate-limit counter all app servers share."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="minutes")
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["api_key", "minute"], name="one_counter_per_key_minute")]

    def __str__(self) -> str:
        return f"{self.api_key_id} {self.minute:%Y-%m-%d %H:%M} {self.count}"


class ClientUpdate(models.Model):
    """An update a client pushed to `servicerequestupdates`, mapped to the timeline entry it made.

    The client's own `update_id` is unique per key, which makes a repeated POST harmless.
    """

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="updates")
    update_id = models.CharField(_("client's update id"), max_length=120)
    entry = models.OneToOneField("servicerequests.TimelineEntry", on_delete=models.CASCADE,
                                 related_name="open311_update")
    client_updated_at = models.DateTimeField(_("updated at (client's clock)"), null=True, blank=True)
    media_urls = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("update received")
        verbose_name_plural = _("updates received")
        constraints = [models.UniqueConstraint(fields=["api_key", "update_id"], name="one_entry_per_client_update")]

    def __str__(self) -> str:
        return f"{self.api_key_id}:{self.update_id}"
