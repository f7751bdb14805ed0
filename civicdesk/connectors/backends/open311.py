"""Open311 GeoReport v2 client: POST requests to another server, poll its updates back."""

from __future__ import annotations

import datetime as dt
import time

import requests as http
from django.conf import settings
from django.utils import timezone

from .base import Backend, SyncError, Update, reference_marker

#: Seconds every HTTP call may take; must stay well under CONNECTORS_LEASE_SECONDS (services.py).
TIMEOUT = 10


class Open311Backend(Backend):
    """Talks to `connector.endpoint_url` (ending in /v2/) with the connector's api_key and jurisdiction_id.

    Exactly once: Open311 has no idempotency key, so the description carries our tracking number
    (base.reference_marker) and `find_existing` searches the other server's recent requests of that service
    code for it before any retry posts again. A `token` answer is kept on the record and turned into an id
    through tokens/{token}.json.
    """

    def _url(self, resource: str) -> str:
        base = self.connector.endpoint_url
        return (base if base.endswith("/") else base + "/") + resource

    def _params(self, **extra) -> dict:
        params = {"jurisdiction_id": self.connector.remote_jurisdiction_id} if (
            self.connector.remote_jurisdiction_id) else {}
        params.update({k: v for k, v in extra.items() if v is not None})
        return params

    def _call(self, method: str, resource: str, **kwargs):
        if not self.connector.endpoint_url:
            raise SyncError("The connector has no Open311 address.", permanent=True)
        try:
            response = http.request(method, self._url(resource), timeout=TIMEOUT, **kwargs)
        except http.RequestException as exc:
            raise SyncError(f"{type(exc).__name__}: {str(exc)[:300]}") from None
        if response.status_code >= 400:
            detail = _error_text(response)
            # 429 and 5xx are worth another try; any other 4xx is the other server saying no for good.
            permanent = response.status_code < 500 and response.status_code != 429
            raise SyncError(f"HTTP {response.status_code}: {detail}", permanent=permanent)
        try:
            return response.json()
        except ValueError:
            raise SyncError(f"HTTP {response.status_code}: the answer is not JSON.") from None

    def send_new(self, request, record) -> str:
        if record.external_token:
            found = self.id_for_token(record.external_token)
            if found:
                return found
        data = self._params(
            api_key=self.connector.secret or None, service_code=self.connector.remote_code(request.service_type.code),
            lat=str(request.lat), long=str(request.long), address_string=request.address or None,
            description=f"{request.description}\n\n{reference_marker(request)}".strip(),
            device_id=f"civicdesk-{request.public_id}")
        # The answers to the service's questions, as attribute[code] (several values: the key repeated).
        for code, value in (request.attributes or {}).items():
            data[f"attribute[{code}]"] = [str(v) for v in value] if isinstance(value, list) else str(value)
        answer = self._call("POST", "requests.json", data=data)
        item = answer[0] if isinstance(answer, list) and answer else {}
        if item.get("service_request_id"):
            return str(item["service_request_id"])
        token = str(item.get("token") or "")
        if not token:
            raise SyncError("The answer has neither service_request_id nor token.", permanent=True)
        record.external_token = token  # services.py stores it even when no id comes yet
        for _ in range(settings.CONNECTORS_TOKEN_POLLS):
            found = self.id_for_token(token)
            if found:
                return found
            time.sleep(1)
        raise SyncError(f"Token {token} has no service_request_id yet.")

    def id_for_token(self, token: str) -> str:
        """The service_request_id the other server gave token `token`, or "" while it has none."""
        try:
            answer = self._call("GET", f"tokens/{token}.json", params=self._params())
        except SyncError as exc:
            if "HTTP 404" in str(exc):
                return ""
            raise
        item = answer[0] if isinstance(answer, list) and answer else {}
        return str(item.get("service_request_id") or "")

    def find_existing(self, request, record) -> str:
        if record.external_token and (found := self.id_for_token(record.external_token)):
            return found
        start = record.created_at - dt.timedelta(days=1)
        end = timezone.now() + dt.timedelta(days=1)
        answer = self._call("GET", "requests.json", params=self._params(
            service_code=self.connector.remote_code(request.service_type.code),
            start_date=start.isoformat(), end_date=end.isoformat()))
        marker = reference_marker(request)
        for item in answer if isinstance(answer, list) else []:
            if marker in str(item.get("description") or ""):
                return str(item.get("service_request_id") or "")
        return ""

    def send_change(self, request, record, change) -> None:
        status = change.status or request.status
        self._call("POST", "servicerequestupdates.json", data=self._params(
            api_key=self.connector.secret or None, service_request_id=record.external_id, update_id=str(change.key),
            status=self.outgoing_status(status), updated_datetime=change.created_at.isoformat(),
            description=change.message or None))

    def fetch_updates(self, since: dt.datetime | None) -> list[Update]:
        """servicerequestupdates.json since `since` (naming our key, so our own changes are left out); when
        the other server has no such resource (404), the current status of each request we sent instead."""
        start = since or (timezone.now() - dt.timedelta(days=1))
        try:
            answer = self._call("GET", "servicerequestupdates.json", params=self._params(
                api_key=self.connector.secret or None, start_date=start.isoformat(),
                end_date=(timezone.now() + dt.timedelta(minutes=5)).isoformat()))
        except SyncError as exc:
            if "HTTP 404" not in str(exc):
                raise
            return self._status_updates()
        updates = []
        for item in answer if isinstance(answer, list) else []:
            updates.append(Update(
                update_id=str(item.get("update_id") or ""), external_id=str(item.get("service_request_id") or ""),
                status=str(item.get("external_status_code") or item.get("status") or ""),
                note=str(item.get("description") or ""), updated_at=_when(item.get("updated_datetime"))))
        return [update for update in updates if update.update_id and update.external_id]

    def _status_updates(self) -> list[Update]:
        ids = list(self.connector.records.filter(state="sent").exclude(external_id="")
                   .values_list("external_id", flat=True)[:200])
        if not ids:
            return []
        answer = self._call("GET", "requests.json", params=self._params(service_request_id=",".join(ids)))
        updates = []
        for item in answer if isinstance(answer, list) else []:
            status = str(item.get("status") or "")
            updated = str(item.get("updated_datetime") or "")
            updates.append(Update(update_id=f"status:{item.get('service_request_id')}:{status}:{updated}",
                                  external_id=str(item.get("service_request_id") or ""), status=status,
                                  note=str(item.get("status_notes") or ""), updated_at=_when(updated)))
        return updates


def _when(raw) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def _error_text(response) -> str:
    """The other server's Open311 error descriptions, or the start of its answer."""
    try:
        body = response.json()
        if isinstance(body, list):
            return "; ".join(str(item.get("description", "")) for item in body if isinstance(item, dict))[:500]
    except ValueError:
        pass
    return response.text[:300]
