"""Background work for requests: acknowledging a new request, telling a request's followers about it (see
receivers.py)."""

from __future__ import annotations

from django_tasks import task


@task()
def tell_followers(*, event: str, key: str, template: str, request_pk: int, entry_pk: int | None = None,
                   actor_pk: int | None = None) -> int:
    """Send the news the reporter just got to every confirmed follower; returns how many messages were queued.

    Queued in the transaction of the change, so it runs only if the change was committed. Uses the
    same `key` as the reporter's message: running twice, or a follower who is also the reporter,
    sends nothing twice. Reads the followers when it runs: someone who unfollowed meanwhile, or a
    request made private meanwhile, gets nothing.
    """
    from civicdesk.notifications.services import notify
    from civicdesk.subscriptions.services import follower_recipients

    from .models import ServiceRequest, TimelineEntry
    from .receivers import EMAIL

    request = ServiceRequest.objects.select_related("service_type", "status", "jurisdiction", "department",
                                                    "duplicate_of").filter(pk=request_pk).first()
    if request is None:
        return 0
    entry = TimelineEntry.objects.select_related("status_to").filter(pk=entry_pk).first() if entry_pk else None
    queued = 0
    by_scope: dict[str, list] = {}
    for recipient, scope in follower_recipients(request):
        if actor_pk is None or recipient.user_id != actor_pk:
            by_scope.setdefault(scope, []).append(recipient)
    context = {"role": "follower", "entry": entry, "into": request.duplicate_of}
    for scope, recipients in by_scope.items():
        queued += notify(event=event, key=key, recipients=recipients, template=EMAIL + template, request=request,
                         scope=scope, context=context)
    return queued


@task()
def acknowledge(*, request_pk: int, acknowledged_on: list[str] | None = None) -> int:
    """Queue the acknowledgement of a new request (receivers.acknowledge_request); returns how many messages.

    Enqueued by submit_request() in the submission's transaction, so it runs once the request is committed and
    never for a submission that rolled back; rendering the message here keeps templates, link tokens and the
    suppression look-ups out of the resident's request. It first sends `signals.request_received`, for the
    other follow-up work of a new request (area alerts), so a submission writes one task row, not one per app.
    """
    from civicdesk.notifications import sending
    from civicdesk.notifications.models import Delivery

    from . import signals
    from .models import ServiceRequest
    from .receivers import acknowledge_request

    request = ServiceRequest.objects.select_related("service_type", "status", "jurisdiction", "department",
                                                    "reporter").filter(pk=request_pk).first()
    if request is None:
        return 0
    signals.request_received.send(sender=ServiceRequest, request=request)
    queued = acknowledge_request(request, frozenset(acknowledged_on or ()))
    # Sent now, not only by the send task notify() queued: that task sits behind any news of the request
    # queued since the submission (a status change), and the resident must get "we received it" first.
    # Sending is claimed per delivery, so the queued task later finds nothing left to send.
    due = list(Delivery.objects.filter(key=f"request:{request.pk}:received", status=Delivery.Status.QUEUED)
               .values_list("pk", flat=True))
    if due:
        sending.send(due)
    return queued
