"""Multi-step work on library documents: create one with its first file, add and approve versions, and
extract a version's text (what the task worker runs). The document's own workflow (review, publish, schedule,
unpublish, restore) is civicdesk.editorial.services. Every staff write is audited."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.editorial import services as editorial
from civicdesk.editorial.access import can_edit
from civicdesk.editorial.models import Status
from civicdesk.lib import documents as checks

from . import extract
from .models import Document, DocumentVersion

log = logging.getLogger(__name__)
_MB = 1024 * 1024

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


def create_document(document: Document, *, upload, user, change_note: str = "") -> Document:
    """A new draft document with its first version, in one transaction; the file is checked before anything
    is written. The document (and its file) reach residents once another editor approves it."""
    checked = check_upload(upload, kind=document.kind)
    with transaction.atomic():
        editorial.save_draft(document, user=user, note=_("Created with version 1"))
        _store_version(document, checked, user=user, change_note=change_note)
    return document


def add_version(document: Document, *, upload, user, change_note: str = "") -> DocumentVersion:
    """A new version of the document, checked by content first, waiting for approval: on a published document
    another editor than the uploader approves it (approve_version); on a draft (or a document in review or
    unpublished) the upload is an edit, so the document returns to draft and is approved as a whole."""
    if not can_edit(user, document.jurisdiction_id):
        raise editorial.EditorialError(_("You are not an editor of this jurisdiction."))
    checked = check_upload(upload, kind=document.kind)
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        version = _store_version(locked, checked, user=user, change_note=change_note)
        if locked.status != Status.PUBLISHED:
            editorial.save_draft(locked, user=user, note=_("Version %(number)s uploaded") % {"number": version.number})
    document.refresh_from_db()
    return version


def _store_version(document: Document, checked: checks.CheckedFile, *, user, change_note: str) -> DocumentVersion:
    number = (document.versions.aggregate(most=Max("number"))["most"] or 0) + 1
    version = DocumentVersion(
        document=document, number=number, original_name=checked.original_name, content_type=checked.content_type,
        extension=checked.extension, size=len(checked.content), sha256=hashlib.sha256(checked.content).hexdigest(),
        change_note=change_note.strip()[:300], uploaded_by=_actor(user),
        text_status=DocumentVersion.TextStatus.IMAGE if checked.is_image else DocumentVersion.TextStatus.PENDING)
    version.file.save(f"{number}.{checked.extension}", ContentFile(checked.content), save=False)
    try:
        version.save()
    except Exception:
        version.file.storage.delete(version.file.name)  # no orphan file when the row cannot be written
        raise
    document.log_action("document.version_added", user=user,
                        data={"version": number, "type": checked.content_type, "size": version.size,
                              "sha256": version.sha256, "note": version.change_note})
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


def approve_version(version: DocumentVersion, *, user) -> None:
    """Publish a waiting version of a document: it becomes the current one. The approver must be another
    editor than the uploader (the editorial four-eyes rule)."""
    document = version.document
    if not can_edit(user, document.jurisdiction_id):
        raise editorial.EditorialError(_("You are not an editor of this jurisdiction."))
    if version.uploaded_by_id is not None and version.uploaded_by_id == getattr(user, "pk", None):
        raise editorial.EditorialError(_("You uploaded this version, so another editor must approve it."))
    with transaction.atomic():
        if version.published_at is None:
            version.published_at = timezone.now()
            version.save(update_fields=["published_at"])
            document.log_action("document.version_approved", user=user, data={"version": version.number})
        refresh_current(document)
        Document.objects.filter(pk=document.pk).update(updated_at=timezone.now())
    transaction.on_commit(lambda: _reindex(document.pk))


def publish_reviewed_versions(document: Document) -> int:
    """Publish the versions waiting since before the document's approval, except those its reviewer uploaded
    (Document.save() calls this when a document is approved); how many."""
    waiting = document.versions.filter(published_at__isnull=True, uploaded_at__lte=document.reviewed_at)
    if document.reviewed_by_id:
        waiting = waiting.exclude(uploaded_by_id=document.reviewed_by_id)
    numbers = list(waiting.values_list("number", flat=True))
    if numbers:
        waiting.update(published_at=document.reviewed_at)
        document.log_action("document.versions_published_with_approval", user=document.reviewed_by,
                            data={"versions": numbers})
    refresh_current(document)  # the save that called this re-indexes the document on commit
    return len(numbers)


def _reindex(pk: int) -> None:
    """Re-read the document's search entries (its current version changed without a save of the document)."""
    from civicdesk.search import registry as search_registry
    from civicdesk.search import services as search_services

    source = search_registry.get("documents.document")
    if source is not None:
        search_services.index_objects(source, [pk])


def extract_version(version_pk: int) -> str:
    """Read the version's text, page and sheet counts from its stored file and save them; its text status.

    Safe to run twice: a version whose text was already read is left alone. The document is re-indexed
    when this transaction commits, so search finds the text."""
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
            Document.objects.filter(pk=version.document_id).update(updated_at=timezone.now())
            transaction.on_commit(lambda: _reindex(version.document_id))
    return found.status


def extract_pending(limit: int = 50) -> int:
    """Extract the text of versions still waiting (a lost queue entry, a worker that died); how many."""
    done = 0
    for pk in (DocumentVersion.objects.filter(text_status=DocumentVersion.TextStatus.PENDING)
               .order_by("pk").values_list("pk", flat=True)[:limit]):
        extract_version(pk)
        done += 1
    return done
