"""Saving a jurisdiction's embed settings, audit-logged."""

from __future__ import annotations

from django.db import transaction

from .models import EmbedSettings

AUDITED_FIELDS = ["primary_color", "text_on_primary_color", "link_color", "text_color", "background_color", "font",
                  "logo_url", "allowed_origins"]


def save_settings(settings_row: EmbedSettings, *, user) -> EmbedSettings:
    """Save validated settings (a bound, valid form's instance) and log "embed.settings_changed" with what changed
    (before → after), in one transaction. Nothing is logged when nothing changed."""
    with transaction.atomic():
        before = EmbedSettings.objects.select_for_update().filter(pk=settings_row.pk).first() if settings_row.pk else None
        changes = {field: [getattr(before, field, "") if before else "", getattr(settings_row, field)]
                   for field in AUDITED_FIELDS
                   if before is None or getattr(before, field) != getattr(settings_row, field)}
        settings_row.save()
        if changes:
            settings_row.log_action("embed.settings_changed", user=user, data={"changes": changes})
    return settings_row
