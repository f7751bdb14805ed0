"""Making library documents in tests: an Elm bylaw as a real PDF, written by one editor and approved by another
(the editorial workflow), unless told otherwise."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from civicdesk.accounts.models import User
from civicdesk.documents import samples, services
from civicdesk.documents.models import Document
from civicdesk.documents.tasks import extract_text
from civicdesk.editorial import services as editorial
from civicdesk.jurisdictions.models import StaffMembership

TEXT = ["Loud music is not allowed after ten at night on weekdays.", "Fines start at fifty dollars."]
PASSWORD = "correct horse battery"


@dataclass
class Editors:
    writer: User
    reviewer: User


def editors(world) -> Editors:
    """Two editors of the Town of Elm (made once per test world)."""
    found = world.extra.get("document_editors")
    if found is None:
        def editor(email, first):
            user = User.objects.create_user(email=email, password=PASSWORD, first_name=first, is_staff=True)
            StaffMembership.objects.create(user=user, jurisdiction=world.elm, role=StaffMembership.Role.EDITOR)
            return user
        found = world.extra["document_editors"] = Editors(editor("wendy@elm.example.gov", "Wendy"),
                                                          editor("rex@elm.example.gov", "Rex"))
    return found


def upload(data: bytes, name: str = "file.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def approve(document: Document, people: Editors, *, publish_at=None, unpublish_at=None) -> None:
    """Send the document for review as its writer and approve it as the other editor."""
    editorial.submit_for_review(document, user=people.writer)
    editorial.approve(document, user=people.reviewer, publish_at=publish_at, unpublish_at=unpublish_at)


def make_document(world, *, data: bytes | None = None, publish: bool = True, extract: bool = True,
                  capture=None, publish_at=None, unpublish_at=None, **fields) -> Document:
    """A document uploaded by the writer and (unless `publish` is False) approved by the reviewer, its text
    extracted by the task (run synchronously) unless `extract` is False. `capture`
    (django_capture_on_commit_callbacks) runs the on-commit work, so the search index follows."""
    people = editors(world)
    values = {"jurisdiction": world.elm, "kind": Document.Kind.BYLAW,
              "title": {"en": "Noise bylaw", "es": "Reglamento de ruido"},
              "summary": {"en": "Quiet hours in town.", "es": "Horas de silencio."}}
    values.update(fields)
    document = Document(**values)
    data = data if data is not None else samples.pdf("Noise bylaw", TEXT)

    def run():
        services.create_document(document, upload=upload(data), user=people.writer, change_note="First edition")
        if publish:
            approve(document, people, publish_at=publish_at, unpublish_at=unpublish_at)
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
