"""The demo city's connector: Parks & Forestry work orders through a CSV folder under CIVICDESK_VAR_DIR.

Everything goes through the real code paths (services.queue_new, deliver, stop, poll), so the connector and
dead-letter pages of `make run` show real files, real errors and real audit entries; no outside server.
"""

from __future__ import annotations

import shutil

from civicdesk.catalog.models import Status
from civicdesk.servicerequests.models import ServiceRequest

from . import services
from .backends.csvfolder import resolve_folder
from .models import Connector, StatusMapping, SyncRecord

NAME = "Parks work orders (CSV batch)"
FOLDER = "riverbend-parks"


def seed_riverbend(*, jurisdiction, department, admin) -> str:
    """Create the connector, forward the department's eight newest open requests (two while the outbox is
    blocked, so they wait to retry; one stopped by the administrator), and read back one good and one bad
    update file. Idempotent: left alone when the connector exists."""
    if Connector.objects.filter(jurisdiction=jurisdiction, name=NAME).exists():
        return "already there"
    folder = resolve_folder(FOLDER)
    shutil.rmtree(folder, ignore_errors=True)
    connector = Connector.objects.create(jurisdiction=jurisdiction, name=NAME, kind=Connector.Kind.CSV,
                                         folder=FOLDER, notes_public=True)
    connector.departments.add(department)
    statuses = {status.code: status for status in Status.objects.all()}
    for external, code in (("ASSIGNED", "in_progress"), ("COMPLETE", "fixed")):
        if code in statuses:
            StatusMapping.objects.create(connector=connector, direction="in", external=external,
                                         status=statuses[code])
    if "fixed" in statuses:
        StatusMapping.objects.create(connector=connector, direction="out", external="COMPLETE",
                                     status=statuses["fixed"])
    recent = list(ServiceRequest.objects.filter(department=department, is_open=True).order_by("-requested_at")[:8])
    records = [record for request in recent for record in services.queue_new(request)]
    if not records:
        return "1 connector, nothing forwarded"
    # The batch system's share was unreachable for a moment: a file where the outbox folder should be.
    folder.mkdir(parents=True, exist_ok=True)
    blocker = folder / "outbox"
    blocker.write_text("not a folder\n", encoding="utf-8")
    for record in records[:2]:
        services.deliver(record.pk)
    blocker.unlink()
    for record in records[2:]:
        services.deliver(record.pk)
    if len(records) > 2:
        services.stop(SyncRecord.objects.get(pk=records[-1].pk), user=admin)
    sent = [r for r in SyncRecord.objects.filter(pk__in=[r.pk for r in records[2:-1]]).select_related("request")]
    if sent:
        inbox = folder / "inbox"
        inbox.mkdir(exist_ok=True)
        (inbox / "parks-updates-0001.csv").write_text(
            "update_id,tracking_number,status,note\n"
            f"PW-1001,{sent[0].request.public_id},ASSIGNED,Forestry crew scheduled for Thursday\n", encoding="utf-8")
        (inbox / "parks-updates-0002.csv").write_text(
            "update_id,tracking_number,status,note\n"
            f"PW-1002,{sent[-1].request.public_id},,\n", encoding="utf-8")
        services.poll(connector)
    return f"1 connector, {len(records)} requests forwarded"
