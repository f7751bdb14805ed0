"""Shared steps of the records tests."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from civicdesk.records import services
from civicdesk.records.demo import pdf_upload, submitted_request
from civicdesk.records.models import ExemptionReason

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def local(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=CHICAGO)


def submitted(records_type, requester, *, now=None, description="Minutes of the zoning board, 2025"):
    return submitted_request(records_type, requester, description=description, now=now)


def exemption(world, code="personal-privacy") -> ExemptionReason:
    return ExemptionReason.objects.get(jurisdiction=world.elm, code=code)


def released_in_part(records_type, world, *, requester=None, now=None):
    """A request acknowledged, with one document released in full (public), one in part (redacted, privacy
    exemption, public), one withheld (deliberative) and one in full but not for the public log; released."""
    application = submitted(records_type, requester or world.alice, now=now)
    services.acknowledge(application, user=world.bob)
    full = services.add_document(application, user=world.bob, upload=pdf_upload("budget.pdf"))
    part = services.add_document(application, user=world.bob, upload=pdf_upload("complaint.pdf"))
    services.mark_document(part, user=world.bob, treatment="partial", exemption=exemption(world), in_public_log=True,
                           redacted_upload=pdf_upload("complaint-redacted.pdf"))
    kept = services.add_document(application, user=world.bob, upload=pdf_upload("draft-memo.pdf"))
    services.mark_document(kept, user=world.bob, treatment="withhold", exemption=exemption(world, "deliberative"),
                           in_public_log=True)
    private = services.add_document(application, user=world.bob, upload=pdf_upload("letter.pdf"))
    services.mark_document(private, user=world.bob, treatment="release", exemption=None, in_public_log=False)
    services.release(application, user=world.bob, outcome="partial", message="Most of it.",
                     now=now + dt.timedelta(days=7) if now else None)
    return application, {"full": full, "part": part, "kept": kept, "private": private}
