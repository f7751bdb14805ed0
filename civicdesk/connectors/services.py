"""Forwarding requests to work-order systems and applying their updates: every sync rule lives here.

The life of a record (docs/connectors.md): `queue_new()` creates it PENDING in the submission's own
transaction and enqueues `deliver()`. `deliver()` claims it (SENDING, with a watchdog task enqueued for
when the lease ends), calls the backend outside any transaction, then records the outcome: SENT with the
external id, RETRYING with the next attempt after an exponential backoff with jitter, or FAILED (a dead
letter) when out of attempts or refused for good. A record still SENDING after its lease means the worker
died mid-call: the outcome is unknown, so the next attempt first asks the backend for a copy the lost
attempt may have made (`find_existing`) and only sends again when there is none. Every attempt writes an
audit entry on the record ("connector.sync_attempt").
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import logging
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.catalog.models import Status
from civicdesk.lib import config_cache
from civicdesk.servicerequests import services as request_services
from civicdesk.servicerequests.models import ServiceRequest

from .backends.base import SyncError, Update
from .models import (
    Connector,
    InboundUpdate,
    OutboundChange,
    StatusMapping,
    SyncRecord,
    backoff_delay,
)

log = logging.getLogger(__name__)
State = SyncRecord.State

# Every submission asks which connectors forward it (connectors_for): cached per process, emptied on change.
config_cache.clear_on_change(Connector)

#: The connector whose update is being applied now: its own changes are not sent back to it.
_applying: contextvars.ContextVar[int | None] = contextvars.ContextVar("connector_applying", default=None)


class UpdateRejected(Exception):
    """An update that cannot be applied: unknown request, or a note too long. The message says why."""


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.CONNECTORS_LEASE_SECONDS)


def next_delay(attempts: int) -> dt.timedelta:
    """The wait after `attempts` failed attempts (settings CONNECTORS_RETRY_*; see models.backoff_delay)."""
    return backoff_delay(attempts, base=settings.CONNECTORS_RETRY_BASE_SECONDS,
                         cap=settings.CONNECTORS_RETRY_MAX_SECONDS, jitter=settings.CONNECTORS_RETRY_JITTER)


def _enqueue(record_id: int, at: dt.datetime | None = None) -> None:
    from .tasks import deliver_record

    (deliver_record.using(run_after=at) if at else deliver_record).enqueue(record_id)


# --- Queueing, from the request's own transaction ---------------------------------------------------------


def _enabled_connectors(jurisdiction_id: int) -> list[Connector]:
    found = list(Connector.objects.filter(jurisdiction_id=jurisdiction_id, enabled=True)
                 .prefetch_related("departments", "service_types"))
    for connector in found:
        connector._scope = ({d.pk for d in connector.departments.all()}, {t.pk for t in connector.service_types.all()})
    return found


def connectors_for(request: ServiceRequest) -> list[Connector]:
    """The enabled connectors of the request's jurisdiction whose scope covers it.

    Every submission asks, so the jurisdiction's connectors are read once per process (lib/config_cache.py;
    a change of a connector or its scope empties the cache); the objects are shared: read-only."""
    found = config_cache.cached(("connectors", request.jurisdiction_id),
                                lambda: _enabled_connectors(request.jurisdiction_id))
    return [connector for connector in found if connector.covers(request)]


def queue_new(request: ServiceRequest) -> list[SyncRecord]:
    """Create a PENDING record per covering connector and enqueue its delivery (caller's transaction)."""
    records = []
    for connector in connectors_for(request):
        record, created = SyncRecord.objects.get_or_create(connector=connector, request=request,
                                                           defaults={"jurisdiction_id": request.jurisdiction_id})
        if created:
            record.log_action("connector.sync_queued", data={"connector": connector.name,
                                                             "request": request.public_id})
            _enqueue(record.pk)
            records.append(record)
    return records


def queue_change(request: ServiceRequest, *, kind: str, status: Status | None = None, message: str = "") -> int:
    """Queue a status change or public note for every connector that has this request and sends changes,
    except the one whose update caused it; returns how many were queued."""
    source = _applying.get()
    queued = 0
    for record in (SyncRecord.objects.filter(request=request, connector__send_changes=True)
                   .exclude(state=State.STOPPED).exclude(connector_id=source).select_related("connector")):
        OutboundChange.objects.create(record=record, kind=kind, status=status, message=message[:5000])
        queued += 1
        if record.state == State.SENT:
            _enqueue(record.pk)
    return queued


# --- Delivering --------------------------------------------------------------------------------------------


def _claim(record_id: int, now: dt.datetime) -> tuple[SyncRecord, bool] | None:
    """Lock the record and mark it SENDING when an attempt is due: (record, outcome of a lost attempt was
    unknown). None when nothing is due (sent with no change waiting, stopped, failed, not yet time)."""
    with transaction.atomic():
        record = (SyncRecord.objects.select_for_update(of=("self",)).select_related("connector")
                  .filter(pk=record_id).first())
        if record is None or not record.connector.enabled:
            return None
        unknown = False
        if record.state == State.SENDING:
            if record.sending_since and record.sending_since > now - lease():
                return None  # another worker is on it; its watchdog looks again when the lease ends
            unknown = True
        elif record.state == State.RETRYING:
            if record.next_retry_at and record.next_retry_at > now:
                return None
        elif record.state == State.SENT:
            if not record.changes.filter(sent_at__isnull=True).exists():
                return None
        elif record.state != State.PENDING:
            return None
        record.state = State.SENDING
        record.sending_since = now
        record.attempts += 1
        record.updated_at = now
        record.save(update_fields=["state", "sending_since", "attempts", "updated_at"])
        # The watchdog: should this worker die mid-call, this runs when the lease ends and takes over.
        _enqueue(record.pk, now + lease() + dt.timedelta(seconds=1))
    return record, unknown


def deliver(record_id: int) -> str:
    """One attempt for the record, if one is due; returns its state afterwards ("" when nothing was due).

    Safe to run twice and from several workers: the claim decides who sends."""
    claimed = _claim(record_id, timezone.now())
    if claimed is None:
        return ""
    record, unknown = claimed
    request = (ServiceRequest.objects.select_related("service_type", "status", "department", "jurisdiction")
               .get(pk=record.request_id))
    backend = record.connector.backend()
    started = time.monotonic()
    found_existing = False
    try:
        if not record.external_id:
            # A retry after an unknown outcome, or after a failure that may have reached the other side
            # (a timeout), first looks for the copy a lost attempt made.
            external_id = ""
            if unknown or record.attempts > 1:
                external_id = backend.find_existing(request, record)
                found_existing = bool(external_id)
            if not external_id:
                external_id = backend.send_new(request, record)
            _record_external_id(record, external_id)
        for change in record.changes.filter(sent_at__isnull=True).select_related("status"):
            backend.send_change(request, record, change)
            OutboundChange.objects.filter(pk=change.pk).update(sent_at=timezone.now())
    except SyncError as exc:
        return _failed(record, exc, started, unknown=unknown)
    return _succeeded(record, started, unknown=unknown, found_existing=found_existing)


def _record_external_id(record: SyncRecord, external_id: str) -> None:
    """Store the id at once (still SENDING), so a crash before the end of the attempt cannot lose it."""
    record.external_id = external_id[:120]
    SyncRecord.objects.filter(pk=record.pk).update(external_id=record.external_id,
                                                   external_token=record.external_token[:120])


def _succeeded(record: SyncRecord, started: float, *, unknown: bool, found_existing: bool) -> str:
    now = timezone.now()
    with transaction.atomic():
        SyncRecord.objects.filter(pk=record.pk).update(state=State.SENT, last_error="", next_retry_at=None,
                                                       sending_since=None, updated_at=now)
        record.log_action("connector.sync_attempt", data={
            "outcome": "sent", "attempt": record.attempts, "external_id": record.external_id,
            "found_existing": found_existing, "after_unknown_outcome": unknown,
            "ms": round((time.monotonic() - started) * 1000)})
    return State.SENT


def _failed(record: SyncRecord, exc: SyncError, started: float, *, unknown: bool) -> str:
    now = timezone.now()
    give_up = exc.permanent or record.attempts >= settings.CONNECTORS_MAX_ATTEMPTS
    state = State.FAILED if give_up else State.RETRYING
    next_at = None if give_up else now + next_delay(record.attempts)
    with transaction.atomic():
        SyncRecord.objects.filter(pk=record.pk).update(
            state=state, last_error=str(exc)[:2000], next_retry_at=next_at, sending_since=None, updated_at=now,
            external_token=record.external_token[:120])
        record.log_action("connector.sync_attempt", data={
            "outcome": state, "attempt": record.attempts, "error": str(exc)[:500], "permanent": exc.permanent,
            "next_retry_at": next_at.isoformat() if next_at else None, "after_unknown_outcome": unknown,
            "ms": round((time.monotonic() - started) * 1000)})
        if next_at is not None:
            _enqueue(record.pk, next_at)
    log.warning("connector %s: request %s %s: %s", record.connector_id, record.request_id, state, exc)
    return state


# --- Staff actions on dead letters ------------------------------------------------------------------------


def retry(record: SyncRecord, *, user) -> None:
    """Try a failed, stopped or retrying record again now, with a fresh count of attempts."""
    with transaction.atomic():
        locked = SyncRecord.objects.select_for_update(of=("self",)).get(pk=record.pk)
        if locked.state not in (State.FAILED, State.STOPPED, State.RETRYING):
            raise UpdateRejected(_("Only failed, stopped or retrying records can be tried again."))
        SyncRecord.objects.filter(pk=record.pk).update(
            state=State.SENT if locked.external_id else State.PENDING, attempts=0, next_retry_at=None,
            updated_at=timezone.now())
        locked.log_action("connector.sync_retried", user=user, data={"from": locked.state})
        _enqueue(record.pk)


def stop(record: SyncRecord, *, user) -> None:
    """Stop a record for good (until someone retries it): nothing more is sent for this request."""
    with transaction.atomic():
        locked = SyncRecord.objects.select_for_update(of=("self",)).get(pk=record.pk)
        if locked.state in (State.STOPPED, State.SENDING):
            raise UpdateRejected(_("This record is being sent or is already stopped."))
        SyncRecord.objects.filter(pk=record.pk).update(state=State.STOPPED, next_retry_at=None,
                                                       updated_at=timezone.now())
        locked.log_action("connector.sync_stopped", user=user, data={"from": locked.state})


# --- Updates coming back ----------------------------------------------------------------------------------


def incoming_status(connector: Connector, external: str) -> Status | None:
    """Our status for the other system's `external` string (case-insensitive), or None when unmapped."""
    word = external.strip().lower()
    for row in connector.status_mappings.all():
        if row.direction == StatusMapping.Direction.INCOMING and row.external.strip().lower() == word:
            return row.status
    return None


def _record_for(connector: Connector, update: Update) -> SyncRecord:
    records = SyncRecord.objects.filter(connector=connector).select_related("request__status")
    record = None
    if update.external_id:
        record = records.filter(external_id=update.external_id).first()
    if record is None and update.tracking_number:
        record = records.filter(request__public_id=update.tracking_number.upper()).first()
    if record is None:
        raise UpdateRejected(_("No request forwarded through this connector matches %s.")
                             % (update.tracking_number or update.external_id)[:60])
    return record


def apply_update(connector: Connector, update: Update) -> bool:
    """Apply one update once: a mapped status through transition(), the note as a public or internal
    timeline entry (connector.notes_public). Returns False when this update_id was applied before.

    Raises UpdateRejected when the update names no request of this connector or its note is too long.
    The other system is the authority on its work, so a mapped status is applied even where the
    transition table would not offer it to staff (transition(force=True))."""
    if len(update.note) > 5000:
        raise UpdateRejected(_("The note is longer than 5,000 characters."))
    record = _record_for(connector, update)
    token = _applying.set(connector.pk)
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    InboundUpdate.objects.create(connector=connector, update_id=update.update_id[:160],
                                                 record=record, external_status=update.status[:80])
            except IntegrityError:
                return False
            request = record.request
            target = incoming_status(connector, update.status) if update.status else None
            note = update.note.strip()
            if target is not None and target.pk != request.status_id:
                # The status change is public news; the note rides with it only when notes are public.
                request_services.transition(request, target, message=note if connector.notes_public else "",
                                            public=True, force=True)
                if connector.notes_public:
                    note = ""
            if note:
                if connector.notes_public:
                    request_services.add_note(request, message=note, public=True)
                else:
                    request_services.add_internal_note(request, message=note)
            if update.status:
                SyncRecord.objects.filter(pk=record.pk).update(external_status=update.status[:80])
            record.log_action("connector.update_applied", data={
                "update_id": update.update_id[:160], "status": update.status[:80],
                "moved_to": target.code if target is not None and target.pk != request.status_id else None})
    finally:
        _applying.reset(token)
    return True


def poll(connector: Connector) -> int:
    """Bring the connector's updates in; returns how many were applied. Errors are stored on the connector
    (`last_poll_error`), not raised: the next poll tries again."""
    backend = connector.backend()
    applied, error = 0, ""
    started = timezone.now()
    try:
        if connector.kind == Connector.Kind.CSV:
            applied = _poll_folder(connector, backend)
        elif backend.polls:
            newest = connector.poll_cursor
            for update in backend.fetch_updates(connector.poll_cursor):
                try:
                    applied += apply_update(connector, update)
                except UpdateRejected:
                    continue  # a request the other system has but never came from us
                if update.updated_at and (newest is None or update.updated_at > newest):
                    newest = update.updated_at
            # Look back a little next time: an update written during this poll may carry an earlier time.
            connector.poll_cursor = (newest - dt.timedelta(seconds=60)) if newest else connector.poll_cursor
    except SyncError as exc:
        error = str(exc)[:2000]
    Connector.objects.filter(pk=connector.pk).update(poll_cursor=connector.poll_cursor, last_polled_at=started,
                                                     last_poll_error=error)
    return applied


def _poll_folder(connector: Connector, backend) -> int:
    """Each update file in one transaction: all its rows applied, then moved to done/; or, when any row is
    wrong, nothing applied and the file moved to rejected/ with a list of the problems beside it."""
    applied = 0
    for path in backend.inbox_files():
        updates, problems = backend.read_file(path)
        if not problems:
            try:
                with transaction.atomic():
                    count = 0
                    for number, update in enumerate(updates, start=2):
                        try:
                            count += apply_update(connector, update)
                        except (UpdateRejected, request_services.RequestRejected) as exc:
                            problems.append(_("Row %(row)d: %(problem)s") % {"row": number, "problem": exc})
                    if problems:
                        raise UpdateRejected("rolled back")
                applied += count
            except UpdateRejected:
                pass
        if problems:
            backend.move_rejected(path, problems)
            connector.log_action("connector.file_rejected", data={"file": path.name, "problems": problems[:20]})
        else:
            backend.move_done(path)
            connector.log_action("connector.file_applied", data={"file": path.name, "rows": len(updates)})
    return applied


def poll_all() -> int:
    """Poll every enabled connector that polls; returns the updates applied."""
    total = 0
    for connector in Connector.objects.filter(enabled=True).exclude(kind=Connector.Kind.WEBHOOK):
        with contextlib.suppress(OSError):
            total += poll(connector)
    return total


def save_connector(form, table, *, user) -> Connector:
    """Save a validated ConnectorForm with its scope and its status table (a validated StatusTable formset) in one
    transaction, and audit who changed what (the secret only as "changed", never its value; the status table's
    rows when they changed)."""
    created = form.instance.pk is None
    with transaction.atomic():
        connector = form.save(commit=False)
        connector.save()
        connector.departments.set(form.cleaned_data.get("departments") or [])
        connector.service_types.set(form.cleaned_data.get("service_types") or [])
        before = _status_rows(connector)
        replace_status_table(connector, table.rows())
        after = _status_rows(connector)
        fields = sorted(name for name in form.changed_data if name != "new_secret")
        data = {"fields": fields + (["status_table"] if before != after else []),
                "secret_changed": bool(form.cleaned_data.get("new_secret")), "kind": connector.kind,
                "enabled": connector.enabled}
        if before != after:
            data["status_table"] = [list(row) for row in after]
        connector.log_action("connector.created" if created else "connector.changed", user=user, data=data)
    return connector


def _status_rows(connector: Connector) -> list[tuple[str, str, str]]:
    return sorted(connector.status_mappings.values_list("direction", "external", "status__code"))


def replace_status_table(connector: Connector, rows) -> None:
    """Replace the connector's StatusMapping rows with `rows` ((direction, their status, our Status) triples)."""
    connector.status_mappings.all().delete()
    StatusMapping.objects.bulk_create([StatusMapping(connector=connector, direction=direction, external=external,
                                                     status=status) for direction, external, status in rows])
