"""Connectors to work-order systems, their status tables, and the sync state of every forwarded request."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.audit.models import LoggedModel


class Connector(LoggedModel):
    """One link from a jurisdiction to an outside work-order system (docs/connectors.md).

    Scope: a new request is forwarded when the connector is enabled, belongs to the request's jurisdiction,
    and its department and service-type lists are empty or contain the request's. `secret` (an Open311
    api_key, or the shared HMAC key of a webhook connector) is never shown back in full: forms and pages show
    `secret_hint()` only.
    """

    class Kind(models.TextChoices):
        OPEN311 = "open311", _("Open311 GeoReport v2 server")
        WEBHOOK = "webhook", _("Signed webhooks")
        CSV = "csv", _("CSV drop folder")

    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE,
                                     related_name="connectors", verbose_name=_("jurisdiction"))
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    enabled = models.BooleanField(_("enabled"), default=True,
                                  help_text=_("Untick to stop forwarding new requests and polling for updates."))
    departments = models.ManyToManyField("jurisdictions.Department", blank=True, related_name="+",
                                         verbose_name=_("departments"),
                                         help_text=_("Forward requests of these departments only (none: all)."))
    service_types = models.ManyToManyField("catalog.ServiceType", blank=True, related_name="+",
                                           verbose_name=_("service types"),
                                           help_text=_("Forward these kinds of problem only (none: all)."))
    endpoint_url = models.URLField(_("address of the other system"), max_length=500, blank=True,
                                   help_text=_("Open311: the base URL ending in /v2/. Webhooks: where events are "
                                               "posted."))
    remote_jurisdiction_id = models.CharField(_("remote jurisdiction_id"), max_length=120, blank=True)
    service_code_map = models.JSONField(_("service codes"), default=dict, blank=True,
                                        help_text=_("Our service code → the other system's code; codes not listed "
                                                    "are sent as they are."))
    folder = models.CharField(_("folder"), max_length=500, blank=True,
                              help_text=_("CSV: the folder holding outbox/ and inbox/."))
    secret = models.CharField(_("secret"), max_length=200, blank=True)
    notes_public = models.BooleanField(_("notes from the other system are public"), default=True,
                                       help_text=_("Untick to keep them as internal notes only staff see."))
    send_changes = models.BooleanField(_("send later changes"), default=True,
                                       help_text=_("Also forward status changes and public notes made here."))
    poll_cursor = models.DateTimeField(_("updates read up to"), null=True, blank=True)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_poll_error = models.TextField(_("last polling error"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("connector")
        verbose_name_plural = _("connectors")
        ordering = ["jurisdiction", "name", "id"]

    def __str__(self) -> str:
        return self.name

    def secret_hint(self) -> str:
        """The secret as pages may show it: "…" and its last four characters, or "" when none is set."""
        return f"…{self.secret[-4:]}" if self.secret else ""

    def covers(self, request) -> bool:
        """True when this connector forwards `request` (enabled, same jurisdiction, inside its scope).

        Reads the scope lists from `_scope` when `with_scope()` loaded them, else from the database."""
        if not self.enabled or request.jurisdiction_id != self.jurisdiction_id:
            return False
        departments, types = getattr(self, "_scope", None) or self.load_scope()
        return ((not departments or request.department_id in departments)
                and (not types or request.service_type_id in types))

    def load_scope(self) -> tuple[set[int], set[int]]:
        self._scope = (set(self.departments.values_list("id", flat=True)),
                       set(self.service_types.values_list("id", flat=True)))
        return self._scope

    def remote_code(self, service_code: str) -> str:
        """The other system's service code for ours (ours when the table has none)."""
        return str((self.service_code_map or {}).get(service_code) or service_code)

    def backend(self):
        """The backend object that talks to the other system (connectors/backends)."""
        from .backends import backend_for

        return backend_for(self)


class StatusMapping(models.Model):
    """One row of a connector's status table, edited by the jurisdiction's administrators.

    INCOMING maps the other system's status string (compared case-insensitively) to one of our statuses;
    OUTGOING maps one of our statuses to the string the other system expects. A status string with no
    incoming row changes nothing (the note, if any, still arrives).
    """

    class Direction(models.TextChoices):
        INCOMING = "in", _("Their status → ours")
        OUTGOING = "out", _("Our status → theirs")

    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="status_mappings")
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    external = models.CharField(_("their status"), max_length=80)
    status = models.ForeignKey("catalog.Status", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("our status"))

    class Meta:
        ordering = ["direction", "external", "id"]
        constraints = [
            # Several of our statuses may go out as one word ("closed"); each incoming word means one thing.
            models.UniqueConstraint(fields=["connector", "external"], condition=models.Q(direction="in"),
                                    name="conn_map_one_incoming"),
            models.UniqueConstraint(fields=["connector", "status"], condition=models.Q(direction="out"),
                                    name="conn_map_one_outgoing"),
        ]

    def __str__(self) -> str:
        return f"{self.external} ↔ {self.status_id}"


def backoff_delay(attempts: int, *, base: float, cap: float, jitter: float) -> dt.timedelta:
    """The wait before attempt `attempts + 1`: base·2^(attempts−1), at most `cap`, times (1 ± jitter·r).

    `jitter` is a fraction (0.2 = up to 20% either way) and r a random number in [−1, 1], so many records
    failing at once do not all come back at the same second."""
    import random

    seconds = min(cap, base * (2 ** max(0, attempts - 1)))
    return dt.timedelta(seconds=max(0.0, seconds * (1 + jitter * random.uniform(-1, 1))))


class SyncRecord(LoggedModel):
    """The sync state of one request on one connector (docs/connectors.md, "Sync states").

    PENDING: not sent yet. SENDING: an attempt is under way since `sending_since`; when found still SENDING
    after the lease, the attempt's outcome is unknown and the next one first looks for the request on the
    other system. SENT: the other system knows it as `external_id`. RETRYING: the last attempt failed;
    another is due at `next_retry_at`. FAILED: out of attempts or refused for good (a dead letter). STOPPED:
    a staff member stopped it. `idempotency_key` is fixed at creation and sent with every attempt.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        RETRYING = "retrying", _("Retrying")
        FAILED = "failed", _("Failed")
        STOPPED = "stopped", _("Stopped")

    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="records")
    request = models.ForeignKey("servicerequests.ServiceRequest", on_delete=models.CASCADE,
                                related_name="sync_records")
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    idempotency_key = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    external_id = models.CharField(_("their id"), max_length=120, blank=True)
    external_token = models.CharField(_("their token"), max_length=120, blank=True)
    external_status = models.CharField(_("their status"), max_length=80, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_retry_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sync record")
        ordering = ["-updated_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["connector", "request"], name="conn_one_record_per_request")]
        indexes = [models.Index(fields=["connector", "state", "updated_at"], name="conn_record_state"),
                   models.Index(fields=["connector", "external_id"], name="conn_record_external")]

    def __str__(self) -> str:
        return f"{self.connector_id}/{self.request_id} {self.state}"

    def is_dead_letter(self) -> bool:
        return self.state in (self.State.FAILED, self.State.STOPPED)


class OutboundChange(models.Model):
    """A later change (status or public note) waiting to be forwarded on a record that is or will be SENT.

    Sent in creation order after the record's first send; `key` is sent as the change's idempotency key
    (Open311 `update_id`, the webhook event id, the CSV file name)."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status change")
        NOTE = "note", _("Public note")

    record = models.ForeignKey(SyncRecord, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    key = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    status = models.ForeignKey("catalog.Status", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class InboundUpdate(models.Model):
    """An update received from the other system (polled, posted or read from a file), applied once.

    The pair (connector, update_id) is unique: the same update arriving again changes nothing."""

    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="inbound_updates")
    update_id = models.CharField(max_length=160)
    record = models.ForeignKey(SyncRecord, on_delete=models.CASCADE, related_name="inbound_updates")
    external_status = models.CharField(max_length=80, blank=True)
    applied_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connector", "update_id"], name="conn_inbound_once")]

    def __str__(self) -> str:
        return self.update_id
