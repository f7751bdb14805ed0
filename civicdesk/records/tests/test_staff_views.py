"""The staff console pages of a records request, driven as staff do: acknowledge, ask for clarification,
extend, gather and mark documents, edit the public summary, release; refused input says why and writes
nothing; every write audited."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.records.demo import pdf_upload
from civicdesk.records.models import RecordsRequest, ResponsiveDocument
from civicdesk.testing.auth import login_verified

from .helpers import exemption, submitted


def test_it_walks_a_request_from_acknowledgement_to_partial_release(client, records_type, world, seats):
    application = submitted(records_type, world.alice)
    login_verified(client, seats.supervisor)  # Public Works supervisor: may review and decide
    url = lambda name, *args: reverse(f"records_staff:{name}", args=[application.pk, *args])
    queue = client.get(reverse("records_staff:queue"))
    assert f"PRR-{application.pk:06d}" in queue.content.decode()
    page = client.get(url("detail"))
    assert page.status_code == 200 and "Minutes of the zoning board" in page.content.decode()
    client.post(url("acknowledge"), {"message": "Received."})
    client.post(url("extend"), {"days": "5", "reason": "Many boxes to search."})
    client.post(url("upload"), {"file": pdf_upload("minutes.pdf")})
    client.post(url("upload"), {"file": pdf_upload("notes.pdf")})
    first, second = ResponsiveDocument.objects.order_by("id")
    client.post(url("mark", second.pk), {f"d{second.pk}-treatment": "partial",
                                         f"d{second.pk}-exemption": exemption(world).pk,
                                         f"d{second.pk}-redacted": pdf_upload("notes-redacted.pdf"),
                                         f"d{second.pk}-in_public_log": "on"})
    client.post(url("summary"), {"summary": "Zoning board minutes for 2025."})
    done = client.post(url("release"), {"outcome": "partial", "message": "Names redacted."}, follow=True)
    assert "the requester has been sent the outcome" in done.content.decode()
    records = RecordsRequest.objects.get(application=application)
    assert records.outcome == "partial" and records.public_summary == "Zoning board minutes for 2025."
    assert records.extensions.get().days == 5 and records.acknowledged_at is not None
    second.refresh_from_db()
    assert second.treatment == "partial" and second.redacted_file and first.treatment == "release"
    assert set(AuditEntry.objects.filter(action__startswith="records.").values_list("action", flat=True)) >= {
        "records.acknowledged", "records.extended", "records.document_added", "records.document_marked",
        "records.summary_changed", "records.released"}


def test_it_says_why_a_release_is_refused_and_writes_nothing(client, records_type, world, seats):
    application = submitted(records_type, world.alice)
    login_verified(client, seats.supervisor)
    client.post(reverse("records_staff:upload", args=[application.pk]), {"file": pdf_upload("a.pdf")})
    page = client.post(reverse("records_staff:release", args=[application.pk]), {"outcome": "denied"}, follow=True)
    assert "every document must be withheld" in page.content.decode()
    assert RecordsRequest.objects.get(application=application).outcome == ""
    refused = client.post(reverse("records_staff:extend", args=[application.pk]), {"days": "99", "reason": "x"},
                          follow=True)
    assert "1 to 10 business days" in refused.content.decode()


def test_it_pauses_the_clock_on_clarification_and_refuses_a_second_ask_in_words(client, records_type, world, seats):
    application = submitted(records_type, world.alice)
    login_verified(client, seats.supervisor)
    url = reverse("records_staff:clarify", args=[application.pk])
    client.post(url, {"message": "Which years?"})
    application.refresh_from_db()
    assert application.status == "info_requested" and application.paused_since is not None
    again = client.post(url, {"message": "And which street?"}, follow=True)
    assert again.status_code == 200 and "already waiting" in again.content.decode()
