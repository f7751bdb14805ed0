"""Background tasks of the payments app: the sandbox provider's webhooks and its bank debits settling."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def sandbox_webhook_url() -> str:
    """Where the sandbox posts its webhooks: PAYMENTS_SANDBOX_WEBHOOK_URL, or this site's own address."""
    return settings.PAYMENTS_SANDBOX_WEBHOOK_URL or settings.SITE_URL + reverse("payments:webhook", args=["sandbox"])


def post_webhook(url: str, body: bytes, signature: str) -> int:
    """POST one signed webhook; returns the HTTP status (raises URLError when nobody answers)."""
    from .providers.sandbox import SIGNATURE_HEADER

    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", SIGNATURE_HEADER: signature})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (our own URL from settings)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@task()
def send_sandbox_webhook(session_id: str, attempt: int = 1) -> str:
    """Post the sandbox's webhook about checkout `session_id` as it is now; retried later when it fails."""
    from .models import SandboxCheckout
    from .providers.sandbox import sign, webhook_body

    found = SandboxCheckout.objects.filter(session_id=session_id).first()
    if found is None:
        return "missing"
    body = webhook_body(found)
    try:
        status = post_webhook(sandbox_webhook_url(), body, sign(body))
    except (urllib.error.URLError, OSError) as exc:
        status, reason = 0, str(exc)
    else:
        reason = f"HTTP {status}"
    if 200 <= status < 300:
        return "sent"
    log.warning("sandbox webhook for %s not accepted (%s), attempt %s", session_id, reason, attempt)
    if attempt < MAX_ATTEMPTS:
        send_sandbox_webhook.using(run_after=timezone.now() + timedelta(seconds=30 * attempt)).enqueue(
            session_id, attempt + 1)
    return "retry"


@task()
def settle_sandbox_bank_debit(session_id: str) -> str:
    """A sandbox bank debit that was pending succeeds now, and the sandbox says so by webhook."""
    from .models import SandboxCheckout

    updated = SandboxCheckout.objects.filter(session_id=session_id, status="pending").update(
        status="succeeded", updated_at=timezone.now())
    if updated:
        send_sandbox_webhook.call(session_id)
    return "settled" if updated else "unchanged"
