"""Signed webhooks out: every new request and change is POSTed as JSON, signed (connectors/signing.py).

Updates come back through the inbound endpoint (views.inbound_updates), not by polling.
"""

from __future__ import annotations

import json

import requests as http

from .. import signing
from .base import Backend, SyncError, request_payload

TIMEOUT = 10


class WebhookBackend(Backend):
    """Exactly once: every attempt for one record carries the same `Idempotency-Key` header and event id
    (the record's key, or the change's), so the receiver keeps the first and answers repeats with the same
    external id. The receiver answers 2xx with JSON {"external_id": "..."} (optional: our tracking number
    stands in)."""

    polls = False

    def _post(self, event: dict, key: str) -> dict:
        if not self.connector.endpoint_url or not self.connector.secret:
            raise SyncError("The connector needs an address and a secret.", permanent=True)
        body = json.dumps(event, sort_keys=True, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json", "Idempotency-Key": key,
                   **signing.signed_headers(self.connector.secret, body)}
        try:
            response = http.post(self.connector.endpoint_url, data=body, headers=headers, timeout=TIMEOUT)
        except http.RequestException as exc:
            raise SyncError(f"{type(exc).__name__}: {str(exc)[:300]}") from None
        if response.status_code >= 300:
            permanent = 400 <= response.status_code < 500 and response.status_code not in (408, 409, 429)
            raise SyncError(f"HTTP {response.status_code}: {response.text[:300]}", permanent=permanent)
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        return answer if isinstance(answer, dict) else {}

    def send_new(self, request, record) -> str:
        answer = self._post({"event": "request.created", "id": str(record.idempotency_key),
                             "request": request_payload(request)}, str(record.idempotency_key))
        return str(answer.get("external_id") or request.public_id)[:120]

    def send_change(self, request, record, change) -> None:
        self._post({"event": "request.changed", "id": str(change.key), "tracking_number": request.public_id,
                    "external_id": record.external_id, "kind": change.kind,
                    "status": self.outgoing_status(change.status) if change.status else "",
                    "message": change.message, "at": change.created_at.isoformat()}, str(change.key))
