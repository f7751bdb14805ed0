"""Gathering responsive documents, marking exemptions, releasing, and the expiring signed link (services and
the release pages): released documents only after release, withheld documents never, the original of a
redacted document never, an expired link a clear page."""

from __future__ import annotations

import datetime as dt
import time
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from civicdesk.notifications.models import Delivery
from civicdesk.records import services
from civicdesk.records.demo import DEMO_PDF, pdf_upload
from civicdesk.records.models import RecordsRequest, ResponsiveDocument

from .helpers import exemption, local, released_in_part, submitted


def test_it_sniffs_documents_by_content_and_stores_nothing_when_refused(records_type, world):
    application = submitted(records_type, world.alice)
    fake = SimpleUploadedFile("minutes.pdf", b"<script>alert(1)</script>", content_type="application/pdf")
    with pytest.raises(services.RecordsError):
        services.add_document(application, user=world.bob, upload=fake)
    assert ResponsiveDocument.objects.count() == 0
    document = services.add_document(application, user=world.bob, upload=pdf_upload("minutes.pdf"))
    assert document.content_type == "application/pdf" and document.size == len(DEMO_PDF)


def test_it_needs_an_exemption_and_a_redacted_version_to_withhold_or_redact(records_type, world):
    application = submitted(records_type, world.alice)
    document = services.add_document(application, user=world.bob, upload=pdf_upload("a.pdf"))
    with pytest.raises(services.RecordsError, match="legal reason"):
        services.mark_document(document, user=world.bob, treatment="withhold", exemption=None, in_public_log=True)
    with pytest.raises(services.RecordsError, match="redacted version"):
        services.mark_document(document, user=world.bob, treatment="partial", exemption=exemption(world),
                               in_public_log=True)
    other = world.county.exemption_reasons.create(code="x", label={"en": "X"}, citation="County Code 1")
    with pytest.raises(services.RecordsError, match="another jurisdiction"):
        services.mark_document(document, user=world.bob, treatment="withhold", exemption=other, in_public_log=True)
    document.refresh_from_db()
    assert document.treatment == "release" and document.exemption is None


@pytest.mark.parametrize("outcome, words", [("granted", "in full"), ("denied", "withheld"),
                                            ("no_records", "documents were found")])
def test_it_refuses_an_outcome_the_documents_contradict(records_type, world, outcome, words):
    application = submitted(records_type, world.alice)
    document = services.add_document(application, user=world.bob, upload=pdf_upload("a.pdf"))
    services.mark_document(document, user=world.bob, treatment="partial", exemption=exemption(world),
                           in_public_log=True, redacted_upload=pdf_upload("a-redacted.pdf"))
    with pytest.raises(services.RecordsError, match=words):
        services.release(application, user=world.bob, outcome=outcome)
    application.refresh_from_db()
    assert application.is_active() and not RecordsRequest.objects.get(application=application).released_at


def test_it_releases_in_part_counts_business_days_and_sends_the_signed_link(records_type, world):
    application, _docs = released_in_part(records_type, world, now=local(2026, 11, 6))  # Fri → Fri 13
    records = RecordsRequest.objects.get(application=application)
    assert records.outcome == "partial"
    application.refresh_from_db()
    assert application.status == "approved" and records.business_days_taken == 5
    message = Delivery.objects.filter(address=world.alice.email, subject__contains="Records released").get()
    assert "/records/release/" in message.body_text and "30 days" in message.body_text


def test_it_serves_released_documents_through_the_link_and_never_withheld_ones(client, records_type, world):
    application, docs = released_in_part(records_type, world)
    token = services.release_token(RecordsRequest.objects.get(application=application))
    page = client.get(reverse("records:release", args=[token]))
    assert page.status_code == 200 and page["Cache-Control"].startswith("private")
    text = page.content.decode()
    assert "complaint.pdf" in text and "withheld" in text and "Preliminary drafts" in text
    for name in ("full", "private"):
        got = client.get(reverse("records:release_document", args=[token, docs[name].pk]))
        assert got.status_code == 200 and got["X-Content-Type-Options"] == "nosniff"
    redacted = client.get(reverse("records:release_document", args=[token, docs["part"].pk]))
    assert redacted.status_code == 200
    assert b"".join(redacted.streaming_content) == DEMO_PDF
    docs["part"].refresh_from_db()
    assert docs["part"].redacted_file.name != docs["part"].file.name
    assert client.get(reverse("records:release_document", args=[token, docs["kept"].pk])).status_code == 404


def test_it_shows_a_clear_page_for_an_expired_link_and_sends_a_new_one(client, records_type, world):
    application, docs = released_in_part(records_type, world)
    records = RecordsRequest.objects.get(application=application)
    with mock.patch("time.time", return_value=time.time() - 31 * 86400):
        old = services.release_token(records)
    page = client.get(reverse("records:release", args=[old]))
    assert page.status_code == 410
    assert "has expired" in page.content.decode() and records.get_requester_url() in page.content.decode()
    assert client.get(reverse("records:release_document", args=[old, docs["full"].pk])).status_code == 410
    assert client.get(reverse("records:release", args=["forged-token"])).status_code == 404
    client.force_login(world.alice)
    client.post(reverse("records:new_link", args=[application.pk]))
    assert Delivery.objects.filter(address=world.alice.email, key__startswith="records-event:").count() >= 3
    records.refresh_from_db()
    assert records.links_sent == 2


def test_it_serves_nothing_before_release(client, records_type, world):
    application = submitted(records_type, world.alice)
    document = services.add_document(application, user=world.bob, upload=pdf_upload("early.pdf"))
    token = services.release_token(services.records_for(application))
    assert client.get(reverse("records:release", args=[token])).status_code == 404
    assert client.get(reverse("records:release_document", args=[token, document.pk])).status_code == 404
    assert client.get(reverse("records:document", args=[application.pk, document.pk])).status_code == 404


def test_it_marks_a_withdrawn_request_in_the_log(records_type, world):
    from civicdesk.applications import services as applications

    application = submitted(records_type, world.alice, now=local(2026, 11, 2) - dt.timedelta(days=1))
    applications.withdraw(application, user=world.alice)
    assert RecordsRequest.objects.get(application=application).outcome == "withdrawn"
