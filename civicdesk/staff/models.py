"""Response templates: ready answers staff start from when they change a request's status."""

from __future__ import annotations

import string

from django.db import models
from django.db.models import Q
from django.utils import formats
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
