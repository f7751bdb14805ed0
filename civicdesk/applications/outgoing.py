"""Staff send a document to the applicant: the file checked by its content, stored privately, audited, shown in the
timeline and announced to the applicant through notify()."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.lib import documents as checks
from civicdesk.lib.media import MediaError
from civicdesk.throttle.services import Limit, check

from .models import Application, Event, SentDocument
from .services import ApplicationError, _event, _tell_applicant

#: Largest file staff may send.
MAX_MB = 20
#: Documents sent on one application per day (each messages the applicant).
SENT_PER_APPLICATION_PER_DAY = 10
#: Documents one member of staff may send per hour, all applications together.
SENT_PER_SENDER_PER_HOUR = 60
MAX_SENT = 50


def send_document(application: Application, *, user, upload, message: str) -> SentDocument:
    """Send `upload` with `message` to the applicant. Refused (ApplicationError, nothing stored) for a draft or
    withdrawn application, an empty message, a file that is not a PDF, Word or OpenDocument text, spreadsheet or
    photo, or one over 20 MB; RateLimited past the limits."""
    message = (message or "").strip()
    if application.status in (Application.Status.DRAFT, Application.Status.WITHDRAWN):
        raise ApplicationError(_("Documents can only be sent on an application that was sent and not withdrawn."))
    if not message:
        raise ApplicationError(_("Write a message to go with the document."))
    if upload is None:
        raise ApplicationError(_("Choose the file to send."))
    if application.sent_documents.count() >= MAX_SENT:
        raise ApplicationError(_("This application has as many documents from the city as it can hold."))
    try:
        checked = checks.check_document(upload, limit=MAX_MB * 1024 * 1024, allow_images=True)
    except MediaError as exc:
        raise ApplicationError(str(exc)) from exc
    check(Limit(f"applications:send:{application.pk}", SENT_PER_APPLICATION_PER_DAY, 86400),
          Limit(f"applications:send-by:{user.pk}", SENT_PER_SENDER_PER_HOUR, 3600),
          message=_("Too many documents sent. Please wait and try again."))
    document = SentDocument(application=application, original_name=checked.original_name[:255] or "document",
                            content_type=checked.content_type, size=len(checked.content),
                            sha256=hashlib.sha256(checked.content).hexdigest(), message=message[:5000],
                            sent_by=user)
    document.file.save(f"document.{checked.extension}", ContentFile(checked.content), save=False)
    try:
        with transaction.atomic():
            document.save()
            application.log_action("application.document_sent", user=user, data={
                "document": document.pk, "type": checked.content_type, "size": document.size})
            event = _event(application, Event.Kind.DOCUMENT_SENT, user=user,
                           message=f"{document.original_name}\n{document.message}")
            _tell_applicant(application, event)
    except Exception:
        document.file.storage.delete(document.file.name)  # no orphan file when the row cannot be written
        raise
    return document
