"""Background work for the staff console: SLA alerts to team leads."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django_tasks import task

log = logging.getLogger(__name__)


@task()
def notify_sla_lead(entry_pk: int) -> bool:
    """Email the SLA mark to the request's team lead, or else its department; False with nobody to tell."""
    from civicdesk.servicerequests.models import TimelineEntry

    entry = TimelineEntry.objects.select_related("request__team__lead", "request__department",
                                                 "request__service_type").filter(pk=entry_pk).first()
    if entry is None:
        return False
    request = entry.request
    lead = request.team.lead if request.team_id and request.team.lead_id else None
    address = lead.email if lead else (request.department.email if request.department_id else "")
    if not address:
        log.info("request %s: no team lead or department email for the SLA alert", request.public_id)
        return False
    with translation.override(getattr(lead, "language", "") or settings.LANGUAGE_CODE):
        subject = gettext("%(id)s %(kind)s: %(state)s") % {
            "id": request.public_id, "kind": request.service_type.name,
            "state": gettext("overdue") if entry.data.get("sla") == "overdue" else gettext("due soon")}
        body = "\n\n".join([entry.message, settings.SITE_URL + reverse("staff:detail", args=[request.public_id])])
    EmailMessage(subject=subject, body=body, to=[address]).send()
    return True
