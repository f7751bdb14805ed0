"""Receivers of servicerequests' signals: queue forwarding inside the transaction that made the change."""

from __future__ import annotations

from django.dispatch import receiver

from civicdesk.servicerequests import signals
from civicdesk.servicerequests.models import ServiceRequest

from . import services


@receiver(signals.request_submitted, sender=ServiceRequest, dispatch_uid="connectors.submitted")
def forward_new_request(sender, request, **kwargs) -> None:
    services.queue_new(request)


@receiver(signals.status_changed, sender=ServiceRequest, dispatch_uid="connectors.status")
def forward_status_change(sender, request, entry, **kwargs) -> None:
    services.queue_change(request, kind="status", status=entry.status_to,
                          message=entry.message if entry.is_public else "")


@receiver(signals.public_update, sender=ServiceRequest, dispatch_uid="connectors.note")
def forward_public_note(sender, request, entry, **kwargs) -> None:
    services.queue_change(request, kind="note", message=entry.message)
