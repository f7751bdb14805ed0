"""Background tasks of the notifications app: send queued deliveries, and watch over claims of dead workers."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from . import sending


@task()
def send_deliveries(delivery_ids: list[int]) -> int:
    """Send those of `delivery_ids` that are due and not taken by another worker; returns how many were sent."""
    return sending.send(delivery_ids)


@task()
def recover_deliveries(token: str = "") -> int:
    """The watchdog of one claim (enqueued with the claim, to run when its lease has expired).

    If the claim's worker died, its deliveries are recovered (see `sending.recover_expired`) and everything
    due is sent. If the claim is still alive (its worker renewed the lease), the watchdog looks again when
    the renewed lease would expire.
    """
    sent = sending.recover_and_send()
    if token and (expiry := sending.claim_expiry(token)) is not None:
        recover_deliveries.using(run_after=expiry + timedelta(seconds=1)).enqueue(token)
    return sent
