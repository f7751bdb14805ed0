"""The one interface every connector backend implements (docs/connectors.md, "Adding a kind of connector").

    send_new(request, record) -> external id      creates the request on the other system
    find_existing(request, record) -> id or ""     looks for a copy an earlier attempt may have made
    send_change(request, record, change)           forwards a status change or a public note
    fetch_updates(since) -> list[Update]           what changed there since `since`

A backend raises SyncError for every failure: `permanent=True` when trying again cannot help (a 4xx
refusal, a missing setting), else the attempt is retried with backoff. It never writes to the database:
services.py owns the sync state.
"""

from __future__ import annotations

import abc

import datetime as dt
from dataclasses import dataclass


class SyncError(Exception):
    """A failed call to the other system; `permanent` when retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Update:
    """One change reported by the other system, about a request it knows as `external_id` (or, for the
    CSV and webhook kinds, by our `tracking_number`). `update_id` is unique per connector."""

    update_id: str
    external_id: str = ""
    tracking_number: str = ""
    status: str = ""
    note: str = ""
    updated_at: dt.datetime | None = None


class Backend(abc.ABC):
    """Base class: holds the connector; subclasses implement the four calls."""

    #: Whether the periodic poll calls fetch_updates (webhook connectors receive updates instead).
    polls = True

    def __init__(self, connector):
        self.connector = connector

    @abc.abstractmethod
    def send_new(self, request, record) -> str:
        """Create the request in the other system; returns its id there (raises on failure)."""

    def find_existing(self, request, record) -> str:
        """The other system's id of a copy an earlier attempt of `record` made, or "" when there is none."""
        return ""

    @abc.abstractmethod
    def send_change(self, request, record, change) -> None:
        """Tell the other system about a later change of a request it already has (raises on failure)."""

    def fetch_updates(self, since: dt.datetime | None) -> list[Update]:
        return []

    def outgoing_status(self, status) -> str:
        """The other system's word for our `status`: the connector's OUTGOING row, else our status code."""
        for row in self.connector.status_mappings.all():
            if row.direction == "out" and row.status_id == status.pk:
                return row.external
        return status.code


def reference_marker(request) -> str:
    """The line added to a forwarded description so a later attempt can find the copy by our tracking number."""
    return f"[CivicDesk {request.public_id}]"


def request_payload(request) -> dict:
    """What every kind sends about a new request: no reporter's name, email or phone (docs/privacy.md)."""
    return {
        "tracking_number": request.public_id,
        "service_code": request.service_type.code,
        "service_name": request.service_type.name,
        "status": request.status.code,
        "description": request.description,
        "lat": request.lat,
        "long": request.long,
        "address": request.address,
        "department": request.department.slug if request.department_id else "",
        "requested_at": request.requested_at.isoformat(),
        "url": request.get_absolute_url(),
    }
