"""AuditEntry: who did what to which object, and when. Rows are never updated or deleted."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One write by a person or by the system (`actor` is None for the system)."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=64)
    jurisdiction_id = models.BigIntegerField(_("jurisdiction"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        raise ValueError("Audit entries are append-only")


class LoggedModel(models.Model):
    """Mixin for models whose writes are audited: `obj.log_action("thing.done", user=u, data={})`."""

    class Meta:
        abstract = True

    def audit_jurisdiction_id(self) -> int | None:
        """The jurisdiction whose admins may read this object's audit trail, if any."""
        return getattr(self, "jurisdiction_id", None)

    def log_action(self, action: str, *, user=None, data: dict | None = None) -> AuditEntry:
        """Append one audit entry for this object and return it."""
        return AuditEntry.objects.create(
            action=action,
            actor=user if (user is not None and user.is_authenticated) else None,
            object_type=self._meta.label_lower,
            object_id=str(self.pk),
            jurisdiction_id=self.audit_jurisdiction_id(),
            data=data or {},
        )

    def audit_entries(self):
        """This object's audit trail, newest first."""
        return AuditEntry.objects.filter(object_type=self._meta.label_lower, object_id=str(self.pk))
