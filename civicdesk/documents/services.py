"""Multi-step work on library documents: create one with its first file, add a version, publish, unpublish,
and extract a version's text (what the task worker runs). Every staff write is audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from civicdesk.lib import documents as checks

from . import extract
from .models import Document, DocumentVersion

log = logging.getLogger(__name__)
_MB = 1024 * 1024

#: Fields staff edit on a document (what `save_document` audits).
EDITABLE = ["jurisdiction", "department", "kind", "title", "summary", "language", "topics", "effective_from",
            "effective_until", "unpublish_at"]


def max_bytes() -> int:
    """The largest file accepted (settings.DOCUMENT_MAX_BYTES, 25 MB unless set)."""
    return getattr(settings, "DOCUMENT_MAX_BYTES", 25 * _MB)


def max_text_chars() -> int:
    """The most extracted text kept per version (settings.DOCUMENT_TEXT_MAX_CHARS)."""
    return getattr(settings, "DOCUMENT_TEXT_MAX_CHARS", 200_000)


def check_upload(upload, *, kind: str) -> checks.CheckedFile:
    """The upload checked by content (lib/documents); images only for zoning maps. Raises media.MediaError."""
    return checks.check_document(upload, limit=max_bytes(), allow_images=kind == Document.Kind.ZONING_MAP)


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


def save_document(document: Document, *, user, changed_fields: list[str] | None = None) -> Document:
    """Save a new or changed document's details (not its files), audited."""
    created = document.pk is None
    with transaction.atomic():
        if created:
            document.created_by = _actor(user)
        document.full_clean(exclude=["current_version"])
        document.save()
        document.log_action("document.created" if created else "document.changed", user=user,
                            data={"fields": sorted(changed_fields or [])})
    return document


def create_document(document: Document, *, upload, user, change_note: str = "", publish: bool = False) -> Document:
    """A new document with its first version, in one transaction; the file is checked before anything is
    written. `publish` publishes document and version at once (else both stay drafts)."""
    checked = check_upload(upload, kind=document.kind)
    with transaction.atomic():
        save_document(document, user=user, changed_fields=EDITABLE)
        _store_version(document, checked, user=user, change_note=change_note, publish=publish)
        if publish:
            publish_document(document, user=user)
    return document


def add_version(document: Document, *, upload, user, change_note: str = "", publish: bool = True) -> DocumentVersion:
    """A new version of the document (checked by content first); when published it becomes the current one."""
    checked = check_upload(upload, kind=document.kind)
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        version = _store_version(locked, checked, user=user, change_note=change_note, publish=publish)
    document.refresh_from_db()
    return version


def _store_version(document: Document, checked: checks.CheckedFile, *, user, change_note: str,
                   publish: bool) -> DocumentVersion:
    number = (document.versions.aggregate(most=Max("number"))["most"] or 0) + 1
    version = DocumentVersion(
        document=document, number=number, original_name=checked.original_name, content_type=checked.content_type,
        extension=checked.extension, size=len(checked.content), sha256=hashlib.sha256(checked.content).hexdigest(),
        change_note=change_note.strip()[:300], uploaded_by=_actor(user),
        published_at=timezone.now() if publish else None,
        text_status=DocumentVersion.TextStatus.IMAGE if checked.is_image else DocumentVersion.TextStatus.PENDING)
    version.file.save(f"{number}.{checked.extension}", ContentFile(checked.content), save=False)
    try:
        version.save()
    except Exception:
        version.file.storage.delete(version.file.name)  # no orphan file when the row cannot be written
        raise
    document.log_action("document.version_added", user=user,
                        data={"version": number, "type": checked.content_type, "size": version.size,
                              "sha256": version.sha256, "published": publish, "note": version.change_note})
    if publish:
        refresh_current(document)
    if version.text_status == DocumentVersion.TextStatus.PENDING:
        from .tasks import extract_text

        transaction.on_commit(lambda pk=version.pk: extract_text.enqueue(pk))
    return version


def refresh_current(document: Document) -> None:
    """Point the document at its newest published version (None when none is published)."""
    newest = (document.versions.filter(published_at__isnull=False).order_by("-number")
              .values_list("pk", flat=True).first())
    if document.current_version_id != newest:
        document.current_version_id = newest
        Document.objects.filter(pk=document.pk).update(current_version_id=newest)


def publish_version(version: DocumentVersion, *, user) -> None:
    """Publish a draft version: it becomes current if it is the newest published one."""
    with transaction.atomic():
        if version.published_at is None:
            version.published_at = timezone.now()
            version.save(update_fields=["published_at"])
            version.document.log_action("document.version_published", user=user, data={"version": version.number})
        refresh_current(version.document)


def publish_document(document: Document, *, user, at: dt.datetime | None = None) -> None:
    """Publish the document now (or at `at`, scheduled), with its newest version if none is published yet."""
    with transaction.atomic():
        if not document.versions.filter(published_at__isnull=False).exists():
            newest = document.versions.order_by("-number").first()
            if newest is not None:
                newest.published_at = timezone.now()
                newest.save(update_fields=["published_at"])
        refresh_current(document)
        document.published_at = at or timezone.now()
        if document.unpublish_at and document.unpublish_at <= document.published_at:
            document.unpublish_at = None
        document.save(update_fields=["published_at", "unpublish_at", "current_version", "updated_at"])
        document.log_action("document.published", user=user,
                            data={"at": document.published_at.isoformat()})


def unpublish_document(document: Document, *, user) -> None:
    """Take the document off the public site at once (its versions are kept)."""
    with transaction.atomic():
        document.published_at = None
        document.save(update_fields=["published_at", "updated_at"])
        document.log_action("document.unpublished", user=user)


def extract_version(version_pk: int) -> str:
    """Read the version's text, page and sheet counts from its stored file and save them; its text status.

    Safe to run twice: a version whose text was already read is left alone. The document is saved again so
    its search entries pick up the text when this transaction commits."""
    version = DocumentVersion.objects.filter(pk=version_pk).select_related("document").first()
    if version is None:
        return "gone"
    if version.text_status != DocumentVersion.TextStatus.PENDING:
        return version.text_status
    with version.file.open("rb") as handle:
        data = handle.read(max_bytes() + 1)
    found = extract.extract(data, version.content_type, max_text_chars())
    with transaction.atomic():
        updated = DocumentVersion.objects.filter(pk=version.pk, text_status=DocumentVersion.TextStatus.PENDING).update(
            text=found.text.replace("\x00", ""), text_status=found.status, text_error=found.error,
            pages=found.pages, sheets=found.sheets, extracted_at=timezone.now())
        if updated:
            version.document.save(update_fields=["updated_at"])  # re-indexes the document on commit
    return found.status


def extract_pending(limit: int = 50) -> int:
    """Extract the text of versions still waiting (a lost queue entry, a worker that died); how many."""
    done = 0
    for pk in (DocumentVersion.objects.filter(text_status=DocumentVersion.TextStatus.PENDING)
               .order_by("pk").values_list("pk", flat=True)[:limit]):
        extract_version(pk)
        done += 1
    return done
