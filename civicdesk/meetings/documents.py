"""Checking a meeting document before it is stored: a PDF by its content, or a photo through lib/media.

The PDF and size checks are shared with the document library (civicdesk/lib/documents.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from civicdesk.lib import documents as checks
from civicdesk.lib import media

_MB = 1024 * 1024


@dataclass(frozen=True)
class CheckedDocument:
    content: bytes
    content_type: str   # "application/pdf", "image/jpeg", "image/png"
    extension: str      # "pdf", "jpg", "png"
    original_name: str


def max_bytes() -> int:
    return getattr(settings, "MAX_MEETING_DOCUMENT_BYTES", 20 * _MB)


def check_document(upload: Any) -> CheckedDocument:
    """The upload as a storable document, or media.MediaError with a message for staff.

    The type is sniffed from the content, never from the name or the declared type: a PDF must start with
    "%PDF-" and end with "%%EOF" (a truncated upload does not); anything that is not a PDF goes through
    the resident photo checks (re-encoded, metadata stripped), and videos are refused.
    """
    name = checks.clean_name(upload)
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if isinstance(size, int) and size > limit:
        raise checks.too_large(limit)
    upload.seek(0)
    head = upload.read(len(checks.PDF_MAGIC)) or b""
    if head == checks.PDF_MAGIC:
        upload.seek(0)
        data = checks.read_capped(upload, limit)
        checks.check_pdf(data)
        return CheckedDocument(data, checks.PDF, "pdf", name)
    upload.seek(0)
    try:
        processed = media.process_upload(upload)
    except media.MediaError as exc:
        raise media.MediaError(_("This file is not a document we can publish. Please upload a PDF, or a "
                                 "JPEG or PNG image.")) from exc
    if processed.kind != "photo":
        raise media.MediaError(_("This file is not a document we can publish. Please upload a PDF, or a "
                                 "JPEG or PNG image."))
    return CheckedDocument(processed.content, processed.content_type, processed.extension, name)
