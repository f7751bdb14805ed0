"""Reporter emails queued on request events (see signals.py): acknowledgement and public status changes."""

from __future__ import annotations

from django.dispatch import receiver

from . import signals, tasks
from .models import ServiceRequest


@receiver(signals.request_submitted, sender=ServiceRequest)
def acknowledge(sender, request, **kwargs):
    tasks.acknowledge_request.enqueue(request.pk)


@receiver(signals.status_changed, sender=ServiceRequest)
@receiver(signals.request_merged, sender=ServiceRequest)
def tell_reporter_of_status(sender, request, entry, **kwargs):
    tasks.notify_status_change.enqueue(entry.pk)
