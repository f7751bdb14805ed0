"""Sending queued deliveries: claim a batch, send each through its transport, record each outcome.

The rules that make "at most once" hold (docs/notifications.md explains them at length):

1. A worker claims deliveries with one conditional UPDATE (QUEUED → SENDING, a claim token and a lease)
   and commits it BEFORE any network I/O, so no two workers ever hold the same delivery.
2. Within a claim it sends in id order and commits each outcome on its own; before a send starts, the lease
   is renewed whenever less than half of it is left. So when a worker dies, at most one delivery of its claim (the lowest id still SENDING) can have
   reached the receiver without being recorded; the others never started.
3. When a lease expires, `recover_expired()` puts the never-started rows back in the queue and decides the
   one that may have been in flight by channel: resent where the receiver collapses a repeat (email keeps its
   Message-ID, webhooks their delivery id), marked UNKNOWN where it cannot (SMS).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.module_loading import import_string

from . import sms_limits
from .models import ChannelKind, Delivery, Suppression
from .transports import Transport, TransportError, transport_for

log = logging.getLogger(__name__)


def lease() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)


def claim(ids: Iterable[int] | None = None, *, size: int | None = None) -> tuple[str, list[Delivery]]:
    """Claim up to `size` due deliveries (among `ids`, or any) for this worker; commit; return (token, rows).

    Rows come back in id order, the order they must be sent in. An empty list means nothing is due.
    """
    from .tasks import recover_deliveries

    now = timezone.now()
    size = size or settings.NOTIFICATIONS_CLAIM_SIZE
    token = uuid.uuid4().hex
    with transaction.atomic():
        due = Delivery.objects.filter(status=Delivery.Status.QUEUED, next_attempt_at__lte=now).order_by("pk")
        if ids is not None:
            due = due.filter(pk__in=list(ids))
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        pks = list(due.values_list("pk", flat=True)[:size])
        if not pks:
            return token, []
        claimed = Delivery.objects.filter(pk__in=pks, status=Delivery.Status.QUEUED).update(
            status=Delivery.Status.SENDING, claim_token=token, claimed_until=now + lease())
        if claimed:
            # If this worker dies, this task (run once the lease has expired) finds the claim and recovers it.
            recover_deliveries.using(run_after=now + lease() + timedelta(seconds=1)).enqueue(token)
    rows = list(Delivery.objects.filter(claim_token=token, status=Delivery.Status.SENDING)
                .select_related("endpoint").order_by("pk"))
    return token, rows


def send_claimed(token: str, rows: list[Delivery]) -> int:
    """Send every claimed row in order, recording each outcome as it happens. Returns how many were sent."""
    transports: dict[str, Transport] = {}
    sent = 0
    lease_until = min(row.claimed_until for row in rows)
    held = {row.pk for row in rows}
    try:
        for delivery in rows:
            if timezone.now() > lease_until - lease() / 2:
                lease_until, held = renew(token)
            if delivery.pk not in held:
                continue  # the lease ran out during a hung send and the claim was recovered: no longer ours
            started = time.monotonic()
            provider_id, error = "", None
            if delivery.channel == ChannelKind.SMS:
                try:
                    refusal = sms_limits.admit(delivery.address)
                except sms_limits.SmsHeld as wait:
                    hold(delivery, token, until=wait.until, reason=wait.reason)
                    continue
                if refusal is not None:
                    record(delivery, token, error=TransportError(
                        f"Not sent ({refusal.code}): {refusal.message}", permanent=True, suppress=False))
                    continue
            try:
                if delivery.channel not in transports:
                    transports[delivery.channel] = transport_for(delivery.channel)
                provider_id = transports[delivery.channel].send(delivery)
            except TransportError as exc:
                error = exc
            except KeyError:
                error = TransportError(f"No transport is configured for the {delivery.channel!r} channel.",
                                       permanent=True)
            except Exception as exc:  # a bug or an unexpected library error: retry, keep the reason
                log.exception("delivery %s: unexpected error while sending", delivery.pk)
                error = TransportError(f"{type(exc).__name__}: {exc}", permanent=False)
            duration_ms = int((time.monotonic() - started) * 1000)
            record(delivery, token, provider_id=provider_id or "", error=error, duration_ms=duration_ms)
            sent += error is None
    finally:
        for transport in transports.values():
            transport.close()
    return sent


def renew(token: str) -> tuple[datetime, set[int]]:
    """Extend the lease of what is left of claim `token` (committed, so no send starts on a lease about to
    expire). Returns the new expiry and the ids still held: none if the claim was already recovered."""
    until = timezone.now() + lease()
    with transaction.atomic():
        held = Delivery.objects.filter(claim_token=token, status=Delivery.Status.SENDING)
        held.update(claimed_until=until)
        return until, set(held.values_list("pk", flat=True))


def record(delivery: Delivery, token: str, *, provider_id: str = "", error: TransportError | None = None,
           duration_ms: int = 0) -> str:
    """Commit the outcome of one attempt. Returns the new status.

    Success → SENT. A permanent error → FAILED and the address suppressed (bounced) on its channel.
    A transient error → QUEUED again after `Delivery.retry_delay()`, with a send task enqueued for then,
    or FAILED once NOTIFICATIONS_MAX_ATTEMPTS attempts were made.
    """
    from .services import opt_out
    from .tasks import send_deliveries

    now = timezone.now()
    attempts = delivery.attempts + 1
    changes = {"attempts": attempts, "duration_ms": duration_ms, "claim_token": "", "claimed_until": None}
    if error is None:
        changes.update(status=Delivery.Status.SENT, sent_at=now, provider_id=provider_id[:200], error="")
    elif error.permanent or attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        changes.update(status=Delivery.Status.FAILED, error=error.message)
    else:
        delivery.attempts = attempts
        changes.update(status=Delivery.Status.QUEUED, error=error.message,
                       next_attempt_at=now + delivery.retry_delay())
    with transaction.atomic():
        updated = Delivery.objects.filter(pk=delivery.pk, claim_token=token, status=Delivery.Status.SENDING
                                          ).update(**changes)
        if not updated:
            # Our lease ran out and another worker recovered the claim; it decides what happens next.
            log.warning("delivery %s: claim %s was lost before its outcome was recorded", delivery.pk, token)
            return delivery.status
        if error is not None and error.permanent and error.suppress and delivery.channel != ChannelKind.WEBHOOK:
            opt_out(delivery.channel, delivery.address, "", reason=Suppression.Reason.BOUNCED, detail=error.message)
        if changes["status"] == Delivery.Status.QUEUED:
            send_deliveries.using(run_after=changes["next_attempt_at"]).enqueue([delivery.pk])
    delivery.status = changes["status"]
    if error is not None:
        log.info("delivery %s (%s) attempt %s: %s", delivery.pk, delivery.channel, attempts, error.message)
    return delivery.status


def hold(delivery: Delivery, token: str, *, until: datetime, reason: str) -> None:
    """Put a claimed delivery back in the queue until `until` without counting an attempt (the SMS budget or a
    number's hourly limit is used up: nothing went wrong, it just has to wait)."""
    from .tasks import send_deliveries

    with transaction.atomic():
        updated = Delivery.objects.filter(pk=delivery.pk, claim_token=token, status=Delivery.Status.SENDING).update(
            status=Delivery.Status.QUEUED, claim_token="", claimed_until=None, next_attempt_at=until,
            error=reason[:2000])
        if updated:
            send_deliveries.using(run_after=until).enqueue([delivery.pk])
    delivery.status = Delivery.Status.QUEUED
    log.info("delivery %s held until %s: %s", delivery.pk, until, reason)


def send(ids: Iterable[int] | None = None) -> int:
    """Claim and send due deliveries (among `ids`, or every due one) batch by batch until none is left."""
    ids = list(ids) if ids is not None else None
    sent = 0
    while True:
        token, rows = claim(ids)
        if not rows:
            return sent
        sent += send_claimed(token, rows)


def recover_expired(now=None) -> int:
    """Release claims whose lease expired (their worker died). Returns how many deliveries were released.

    In each dead claim the lowest-id row still SENDING may have reached the receiver; it is queued again
    when its transport says a resend is safe, and marked UNKNOWN otherwise. Every other row never started
    and goes back to the queue untouched.
    """
    now = now or timezone.now()
    released = 0
    tokens = set(Delivery.objects.filter(status=Delivery.Status.SENDING, claimed_until__lt=now)
                 .values_list("claim_token", flat=True))
    for token in tokens:
        with transaction.atomic():
            stale = Delivery.objects.filter(claim_token=token, status=Delivery.Status.SENDING, claimed_until__lt=now)
            rows = list(stale.order_by("pk").values_list("pk", "channel", "attempts"))
            if not rows:
                continue
            (first, channel, attempts), rest = rows[0], [pk for pk, _c, _a in rows[1:]]
            release = {"status": Delivery.Status.QUEUED, "claim_token": "", "claimed_until": None,
                       "next_attempt_at": now}
            released += stale.filter(pk__in=rest).update(**release)
            if _resend_is_safe(channel):
                released += stale.filter(pk=first).update(
                    **release, attempts=attempts + 1,
                    error="The worker stopped while sending; sent again with the same message id.")
            else:
                stale.filter(pk=first).update(
                    status=Delivery.Status.UNKNOWN, claim_token="", claimed_until=None, attempts=attempts + 1,
                    error="The worker stopped while sending; not sent again, so the person cannot get it twice.")
            log.warning("recovered claim %s: %s deliveries back in the queue", token, len(rows))
    return released


def _resend_is_safe(channel: str) -> bool:
    try:
        transport_class: type[Transport] = import_string(settings.NOTIFICATION_TRANSPORTS[channel])
    except (KeyError, ImportError):
        return False
    return transport_class.resend_is_safe


def recover_and_send() -> int:
    """Release expired claims, then send everything due. Returns how many were sent (ops and the watchdog)."""
    recover_expired()
    return send()


def claim_expiry(token: str):
    """When the claim `token` expires if its worker stops renewing it, or None once it is finished."""
    return Delivery.objects.filter(claim_token=token, status=Delivery.Status.SENDING).aggregate(
        latest=Max("claimed_until"))["latest"]
