"""Area alerts queued on request events (see servicerequests/signals.py): new requests and closures."""

from __future__ import annotations

from django.dispatch import receiver

from civicdesk.accounts.signals import account_closing
from civicdesk.servicerequests import signals
from civicdesk.servicerequests.models import ServiceRequest

from . import tasks


@receiver(signals.request_received, sender=ServiceRequest, dispatch_uid="alerts.new_request")
def alert_new_request(sender, request, **kwargs):
    # Sent by the worker once the submission committed (servicerequests.tasks.acknowledge), so the resident's
    # request does not write this task row. Matching is its own task still: it may fan out to many chunks, and
    # a rerun of the acknowledgement that enqueues it twice alerts nobody twice (each message has its key).
    if request.is_publicly_visible():
        tasks.fan_out_area_alert.enqueue(request.pk, "new")


@receiver(signals.status_changed, sender=ServiceRequest, dispatch_uid="alerts.closed_request")
def alert_closed_request(sender, request, closed=False, **kwargs):
    if closed and request.is_publicly_visible():
        tasks.fan_out_area_alert.enqueue(request.pk, "closed")


@receiver(signals.request_merged, sender=ServiceRequest, dispatch_uid="alerts.merged_request")
def alert_merged_request(sender, request, **kwargs):
    # A duplicate merged into another report is closed too: digests and feeds count it, so alerts do.
    if request.is_publicly_visible():
        tasks.fan_out_area_alert.enqueue(request.pk, "closed")


@receiver(account_closing)
def end_closed_accounts_area_alerts(sender, user, email: str, **kwargs):
    """A resident closed their account: their area subscriptions go."""
    from django.db.models import Q

    from .models import AreaSubscription

    AreaSubscription.objects.filter(Q(user=user) | Q(email__iexact=email)).delete()
