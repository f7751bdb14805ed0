"""Making library documents in tests: an Elm bylaw as a real PDF, published, unless told otherwise."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from civicdesk.documents import samples, services
from civicdesk.documents.models import Document
from civicdesk.documents.tasks import extract_text

TEXT = ["Loud music is not allowed after ten at night on weekdays.", "Fines start at fifty dollars."]


def upload(data: bytes, name: str = "file.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def make_document(world, *, data: bytes | None = None, publish: bool = True, user=None, extract: bool = True,
                  capture=None, **fields) -> Document:
    """A document saved through the services as staff would, its text extracted by the task (run synchronously)
    unless `extract` is False. `capture` (django_capture_on_commit_callbacks) runs the on-commit work, so the
    search index follows."""
    values = {"jurisdiction": world.elm, "kind": Document.Kind.BYLAW,
              "title": {"en": "Noise bylaw", "es": "Reglamento de ruido"},
              "summary": {"en": "Quiet hours in town.", "es": "Horas de silencio."}}
    values.update(fields)
    document = Document(**values)
    data = data if data is not None else samples.pdf("Noise bylaw", TEXT)

    def run():
        services.create_document(document, upload=upload(data), user=user, change_note="First edition",
                                 publish=publish)
    if capture is not None:
        with capture(execute=True):
            run()
    else:
        run()
    if extract:
        extract_all(document, capture)
    document.refresh_from_db()
    return document


def extract_all(document: Document, capture=None) -> None:
    """Run the extraction task for every version waiting, as the worker would."""
    for version in document.versions.filter(text_status="pending"):
        if capture is not None:
            with capture(execute=True):
                extract_text.call(version.pk)
        else:
            extract_text.call(version.pk)
