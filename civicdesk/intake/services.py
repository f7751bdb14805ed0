"""Keeping a resident's photos between attempts of the report form (form errors, the 911 stop).

A failed POST stores each upload that lib.media accepts as a PendingUpload (already re-encoded, EXIF
gone) and gives the page a signed reference per upload in a hidden input. The next POST sends the
references back; only the session that uploaded a file can use its reference, and only for
PENDING_UPLOAD_MAX_AGE_HOURS. On a successful report the kept files are attached and deleted.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from civicdesk.lib.media import MediaError, process_upload
from civicdesk.throttle.services import Limit, RateLimited, check

from .models import PendingUpload

SALT = "civicdesk.intake.pending-upload"
SESSION_KEY = "intake_upload_owner"
#: Uploads one form may keep at a time (a few more than may be attached, so the resident can choose).
MAX_KEPT = 10
#: Files one client address may have kept per hour, so failing forms cannot be used to fill the disk.
MAX_KEPT_PER_CLIENT_HOUR = 60


def max_age() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "PENDING_UPLOAD_MAX_AGE_HOURS", 24))


def owner_key(session) -> str:
    """The random key naming this browser session as the owner of its pending uploads (created once)."""
    key = session.get(SESSION_KEY)
    if not key:
        key = session[SESSION_KEY] = secrets.token_urlsafe(24)
    return key


def reference(pending: PendingUpload) -> str:
    """The signed reference the form carries for `pending` (it names the row and its owner)."""
    return signing.dumps({"id": pending.pk, "o": pending.owner}, salt=SALT, compress=True)


def resolve(references: Iterable[str], owner: str) -> list[PendingUpload]:
    """The pending uploads behind `references` that belong to `owner` and have not expired.

    Forged, tampered, expired or someone else's references are silently ignored: the file is then
    simply not attached, which the page shows by not listing it.
    """
    ids = []
    for ref in references:
        try:
            payload = signing.loads(ref, salt=SALT, max_age=max_age())
        except signing.BadSignature:
            continue
        if isinstance(payload, dict) and payload.get("o") == owner and isinstance(payload.get("id"), int):
            ids.append(payload["id"])
    if not ids or not owner:
        return []
    cutoff = timezone.now() - max_age()
    found = {p.pk: p for p in PendingUpload.objects.filter(pk__in=ids, owner=owner, created_at__gte=cutoff)}
    return [found[i] for i in dict.fromkeys(ids) if i in found]


def keep(uploads: Sequence, owner: str, *, client: str = "", already: int = 0) -> list[PendingUpload]:
    """Check, re-encode and store each upload lib.media accepts; refused ones are skipped (their error
    is already on the form). Stores at most MAX_KEPT - `already` files, and nothing more once `client`
    had MAX_KEPT_PER_CLIENT_HOUR files kept this hour (those then have to be attached again)."""
    kept: list[PendingUpload] = []
    for upload in uploads:
        if already + len(kept) >= MAX_KEPT:
            break
        try:
            media = process_upload(upload)
        except MediaError:
            continue
        if client:
            try:
                check(Limit(f"pending-upload:client:{client}", MAX_KEPT_PER_CLIENT_HOUR, 3600))
            except RateLimited:
                break
        pending = PendingUpload(owner=owner, kind=media.kind, content_type=media.content_type,
                                original_name=media.original_name[:255])
        token = secrets.token_hex(8)
        pending.file.save(f"{token}.{media.extension}", ContentFile(media.content), save=False)
        if media.thumbnail:
            pending.thumbnail.save(f"{token}-thumb.jpg", ContentFile(media.thumbnail), save=False)
        pending.save()
        kept.append(pending)
    return kept


def as_uploads(pending: Iterable[PendingUpload]) -> list[File]:
    """Open each kept file as an upload for submit_request() (which checks it again, harmlessly)."""
    return [File(p.file.open("rb"), name=p.original_name or p.file.name) for p in pending]


def discard(pending: Iterable[PendingUpload]) -> None:
    """Delete these pending uploads and their files (after they were attached, or removed by the resident)."""
    for item in pending:
        try:
            item.file.close()
        except (OSError, ValueError):
            pass
        item.delete_with_files()


def purge_expired(*, now: dt.datetime | None = None) -> int:
    """Delete pending uploads older than the maximum age, with their files; returns how many went."""
    cutoff = (now or timezone.now()) - max_age()
    count = 0
    for item in PendingUpload.objects.filter(created_at__lt=cutoff).iterator():
        item.delete_with_files()
        count += 1
    return count


@dataclass(frozen=True)
class KeptUpload:
    """What the details page shows for one kept upload."""

    ref: str
    kind: str
    name: str
    thumbnail_url: str


def for_display(pending: Iterable[PendingUpload]) -> list[KeptUpload]:
    items = []
    for item in pending:
        ref = reference(item)
        thumb = reverse("intake:pending_thumbnail", args=[ref]) if item.thumbnail else ""
        items.append(KeptUpload(ref=ref, kind=item.kind, name=item.original_name, thumbnail_url=thumb))
    return items
