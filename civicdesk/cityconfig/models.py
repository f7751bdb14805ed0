"""A catalogue coming from another system (an Open311 server or a CSV file) and how it maps onto ours."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel
from civicdesk.catalog.models import service_code_validator


class CatalogueSource(LoggedModel):
    """One system a jurisdiction is moving from, read once or more; its `name` is the `--source` of the history
    import (import_311), so request ids are only ever compared with ids from the same system."""

    class Kind(models.TextChoices):
        OPEN311 = "open311", _("Open311 GeoReport v2 server")
        CSV = "csv", _("CSV file")

    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE,
                                     related_name="catalogue_sources", verbose_name=_("jurisdiction"))
    name = models.SlugField(_("source name"), max_length=40,
                            help_text=_("A short name for the old system, e.g. seeclickfix or old-311."))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    endpoint = models.URLField(_("Open311 endpoint"), blank=True,
                               help_text=_("The address that services.json is under, e.g. "
                                           "https://old.example.gov/open311/v2/"))
    remote_jurisdiction = models.CharField(_("jurisdiction_id on the old server"), max_length=120, blank=True)
    #: Only for reading the old server again (the history import); never shown back on a page.
    api_key = models.CharField(_("API key"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(_("catalogue applied"), null=True, blank=True)

    class Meta:
        verbose_name = _("catalogue source")
        verbose_name_plural = _("catalogue sources")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "name"], name="cityconfig_unique_source")]

    def __str__(self) -> str:
        return self.name

    def audit_jurisdiction_id(self) -> int | None:
        return self.jurisdiction_id

    def unmapped(self):
        """Rows still without a decision the import needs (a department for a new type, a type to map to)."""
        return self.mappings.filter(
            models.Q(action=ServiceMapping.Action.NEW, department__isnull=True)
            | models.Q(action=ServiceMapping.Action.EXISTING, service_type__isnull=True))


class ServiceMapping(models.Model):
    """One incoming service and what becomes of it here: an existing service type, a new one, or nothing."""

    class Action(models.TextChoices):
        EXISTING = "existing", _("Map to an existing service type")
        NEW = "new", _("Create a new service type")
        SKIP = "skip", _("Leave out")

    source = models.ForeignKey(CatalogueSource, on_delete=models.CASCADE, related_name="mappings")
    incoming_code = models.CharField(_("incoming service code"), max_length=200)
    incoming_name = models.CharField(_("incoming name"), max_length=255)
    incoming_group = models.CharField(_("incoming group"), max_length=255, blank=True)
    incoming_description = models.TextField(_("incoming description"), blank=True)
    #: The incoming questions, normalised to Open311 attributes (code, description, datatype, required, values).
    attributes = models.JSONField(default=list, blank=True)
    #: Settings a CSV row gave for a new type (keywords, sla_hours, ...).
    settings = models.JSONField(default=dict, blank=True)
    action = models.CharField(_("what to do"), max_length=8, choices=Action.choices, default=Action.NEW)
    service_type = models.ForeignKey("catalog.ServiceType", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("service type here"))
    new_code = models.CharField(_("code of the new type"), max_length=64, blank=True,
                                validators=[service_code_validator])
    department = models.ForeignKey("jurisdictions.Department", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("department"))

    class Meta:
        verbose_name = _("service mapping")
        verbose_name_plural = _("service mappings")
        ordering = ["incoming_group", "incoming_name", "id"]
        constraints = [models.UniqueConstraint(fields=["source", "incoming_code"], name="cityconfig_unique_mapping")]

    def __str__(self) -> str:
        return f"{self.incoming_code} → {self.target_code() or '—'}"

    def target_code(self) -> str:
        """The service code requests of this incoming service get here ("" when left out or undecided)."""
        if self.action == self.Action.EXISTING:
            return self.service_type.code if self.service_type_id else ""
        if self.action == self.Action.NEW:
            return self.service_type.code if self.service_type_id else self.new_code
        return ""


class PendingConfigImport(models.Model):
    """A configuration file uploaded in the staff console, kept until its diff is reviewed and applied."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    jurisdiction_slug = models.SlugField()
    file_name = models.CharField(max_length=255)
    document = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.jurisdiction_slug})"
