"""Background work for requests: acknowledgements and status-change messages to the reporter."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

log = logging.getLogger(__name__)


def _send_to_reporter(request, template: str, context: dict) -> bool:
    """Email the reporter in their language; False when there is no address to write to."""
    if not request.contact_email:
        log.info("request %s has no email; %s not sent", request.public_id, template)
        return False
    with translation.override(request.language or settings.LANGUAGE_CODE):
        context = {"request": request, "site_url": settings.SITE_URL,
                   "track_url": settings.SITE_URL + request.get_absolute_url(), **context}
        subject = render_to_string(f"servicerequests/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"servicerequests/email/{template}.txt", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=body, to=[request.contact_email])
    message.send()
    log.info("request %s: %s sent", request.public_id, template)
    return True


@task()
def acknowledge_request(request_pk: int) -> bool:
    """Tell the reporter their tracking number and what happens next."""
    from .models import ServiceRequest

    request = ServiceRequest.objects.select_related("service_type", "jurisdiction", "department").filter(
        pk=request_pk).first()
    if request is None:
        return False
    return _send_to_reporter(request, "acknowledgement", {})


@task()
def notify_status_change(entry_pk: int) -> bool:
    """Tell the reporter about a public status change, with the public message."""
    from .models import TimelineEntry

    entry = TimelineEntry.objects.select_related("request__service_type", "request__jurisdiction", "status_to").filter(
        pk=entry_pk).first()
    if entry is None or not entry.is_public:
        return False
    return _send_to_reporter(entry.request, "status_changed", {"entry": entry})
