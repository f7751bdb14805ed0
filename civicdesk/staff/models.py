"""Response templates: ready answers staff start from when they change a request's status."""

from __future__ import annotations

import string

from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel


class _Blanks(dict):
    """Unknown placeholders stay as written, so a typo shows instead of crashing the page."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class ResponseTemplate(LoggedModel):
    """A message for residents, per language, offered for a status and/or service type.

    `text` maps a language code to the message; placeholders are {name}
    (resident), {id} (tracking number) and {due} (SLA due date).
    """

    name = models.CharField(_("name"), max_length=120)
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="response_templates", verbose_name=_("jurisdiction"),
                                     help_text=_("Leave empty to offer it everywhere."))
    status = models.ForeignKey("catalog.Status", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("status"),
                               help_text=_("The status it moves the request to; empty for any."))
    service_type = models.ForeignKey("catalog.ServiceType", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("service type"),
                                     help_text=_("Leave empty for every kind of request."))
    text = models.JSONField(_("text per language"), default=dict,
                            help_text=_('For example {"en": "Hello {name}, …", "es": "Hola {name}, …"}.'))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("response template")
        verbose_name_plural = _("response templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def offered_for(cls, request):
        """Active templates that fit the request's jurisdiction and service type."""
        return cls.objects.filter(
            Q(jurisdiction__isnull=True) | Q(jurisdiction_id=request.jurisdiction_id),
            Q(service_type__isnull=True) | Q(service_type_id=request.service_type_id),
            is_active=True,
        ).select_related("status")

    def render(self, request) -> str:
        """The text in the request's language (English, then any, as fallbacks) with placeholders filled."""
        text = self.text.get(request.language) or self.text.get("en") or next(iter(self.text.values()), "")
        due = formats.date_format(request.expected_at, "DATE_FORMAT") if request.expected_at else ""
        values = _Blanks(name=request.contact_name or "", id=request.public_id, due=due)
        try:
            return string.Formatter().vformat(text, (), values)
        except (ValueError, IndexError):
            return text  # a stray brace: show the text as written rather than fail


class Redaction(models.Model):
    """Text a resident posted by mistake, replaced by staff: the original is kept here for admins and audit.

    With `entry` empty the request's description was redacted, else that
    public timeline entry's message. Public pages only ever read the redacted
    text, which replaced the original in place.
    """

    request = models.ForeignKey("servicerequests.ServiceRequest", on_delete=models.CASCADE,
                                related_name="redactions", verbose_name=_("request"))
    entry = models.ForeignKey("servicerequests.TimelineEntry", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="redactions", verbose_name=_("timeline entry"))
    original = models.TextField(_("original text"))
    redacted = models.TextField(_("redacted text"), blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    author = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("redacted by"))
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("redaction")
        verbose_name_plural = _("redactions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.redacted[:40]}"


class SavedView(models.Model):
    """A queue with its filters and sort, saved under a name by one staff member for themselves."""

    owner = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="saved_views",
                              verbose_name=_("owner"))
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("queue, filters and sort"), max_length=1000, blank=True,
                             help_text=_("The queue page's query string, without the paging cursor."))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="staff_savedview_owner_name")]

    def __str__(self) -> str:
        return self.name
