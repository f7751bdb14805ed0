"""The applicant's side: start, save a draft, resume, upload (checked by content), send, My applications,
answer a request for more information, withdraw; each step told through notify(); only one's own."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from civicdesk.applications import services
from civicdesk.applications.demo import fence_answers, pdf_upload, submitted_fence
from civicdesk.applications.models import Application
from civicdesk.audit.models import AuditEntry
from civicdesk.notifications.models import Delivery


def test_it_walks_the_form_saves_a_draft_and_resumes_it(client, fence, world):
    client.force_login(world.alice)
    response = client.post(reverse("applications:start", args=[fence.slug]))
    application = Application.objects.get(applicant=world.alice)
    assert response.url == reverse("applications:fill", args=[application.pk])
    page = client.get(response.url)
    assert page.status_code == 200 and "Height in feet" in page.content.decode()
    questions = fence.form.questions_in_order()
    wood = questions[3].choices.first()
    data = {f"{questions[0].field_name}_2": "12 Oak Street", questions[1].field_name: "6",
            questions[2].field_name: "80", questions[3].field_name: str(wood.pk), "go": "save"}
    saved = client.post(response.url, data)
    assert saved.url == reverse("applications:mine")
    application.refresh_from_db()
    assert application.status == "draft" and application.answers[questions[2].field_name] == "80"
    # Later: My applications links back to the draft, whose answers are still there.
    mine = client.get(reverse("applications:mine")).content.decode()
    assert reverse("applications:fill", args=[application.pk]) in mine
    assert 'value="80"' in client.get(response.url).content.decode()
    data["go"] = "next"
    assert client.post(response.url, data).url == reverse("applications:documents", args=[application.pk])


def test_it_refuses_a_missing_answer_with_words(client, fence, world):
    client.force_login(world.alice)
    application = services.start_application(fence, user=world.alice, language="en")
    page = client.post(reverse("applications:fill", args=[application.pk]), {"go": "next"})
    assert page.status_code == 200 and "Answer this question: Height in feet" in page.content.decode()


def test_it_checks_uploads_by_content_and_sends_the_complete_application(client, fence, world):
    client.force_login(world.alice)
    application = services.start_application(fence, user=world.alice, language="en")
    services.save_answers(application, answers=fence_answers(fence, length=100), section_at=0)
    url = reverse("applications:documents", args=[application.pk])
    requirement = fence.requirements.get()
    assert "$75.00" in client.get(url).content.decode()  # $25 + 100 ft × $0.50
    refused = client.post(url, {"requirement": requirement.pk, "go": "upload", "file": SimpleUploadedFile(
        "plan.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")})
    assert refused.status_code == 200 and application.documents.count() == 0
    assert "This file is not in a format accepted here. Please upload: PDF, Photo or scan" in refused.content.decode()
    missing = client.post(url, {"go": "submit"}, follow=True)
    assert "Upload this document: Site plan" in missing.content.decode()
    assert client.post(url, {"requirement": requirement.pk, "go": "upload", "file": pdf_upload()}).status_code == 302
    sent = client.post(url, {"go": "submit"})
    application.refresh_from_db()
    assert sent.url == application.get_absolute_url()
    assert application.status == "submitted" and application.fee_cents == 7500 and application.response_id
    assert application.step.kind == "intake" and application.decision_due_on
    assert Delivery.objects.filter(key__startswith="application-event:", address="alice@example.org").count() == 1
    assert AuditEntry.objects.filter(action="application.submitted").count() == 1
    response = client.get(application.get_absolute_url())
    page = response.content.decode()
    assert "Submitted" in page and "Withdraw my application" in page
    assert response["Cache-Control"] == "private, no-store"


def test_an_applicant_sees_only_their_own_applications(client, fence, world):
    theirs = submitted_fence(fence, world.mallory)
    client.force_login(world.alice)
    assert theirs.number not in client.get(reverse("applications:mine")).content.decode()
    for name in ("detail", "fill", "documents", "permit_pdf"):
        assert client.get(reverse(f"applications:{name}", args=[theirs.pk])).status_code == 404
    document = theirs.documents.get()
    assert client.get(reverse("applications:document", args=[theirs.pk, document.pk])).status_code == 404
    assert client.post(reverse("applications:detail", args=[theirs.pk]), {"go": "withdraw"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "submitted"
    client.logout()
    assert client.get(reverse("applications:mine")).status_code == 302  # an account is required


def test_it_answers_a_request_for_more_information_and_withdraws(client, fence, world):
    application = submitted_fence(fence, world.alice)
    services.request_information(application, user=world.bob, message="Send a photo of the corner.")
    client.force_login(world.alice)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Send a photo of the corner." in page and "Send my answer" in page
    client.post(application.get_absolute_url(), {"go": "answer", "message": "Here it is.", "file": pdf_upload("corner.pdf")})
    application.refresh_from_db()
    assert application.status == "submitted" and application.documents.count() == 2
    assert application.events.filter(kind="info_provided", message="Here it is.").exists()
    client.post(application.get_absolute_url(), {"go": "withdraw"})
    application.refresh_from_db()
    assert application.status == "withdrawn"
    kinds = set(Delivery.objects.filter(address="alice@example.org").values_list("key", flat=True))
    assert len(kinds) == 3  # submitted, information requested, withdrawn


def test_it_shows_what_residents_typed_as_text(client, fence, world):
    application = submitted_fence(fence, world.alice)
    services.request_information(application, user=world.bob, message="<script>alert('zebracanary')</script>")
    client.force_login(world.alice)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "<script>alert('zebracanary')" not in page and "&lt;script&gt;alert(&#x27;zebracanary&#x27;)" in page


@pytest.mark.parametrize("status", ["approved", "denied"])
def test_it_refuses_to_withdraw_a_decided_application(fence, world, status):
    application = submitted_fence(fence, world.alice)
    Application.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    with pytest.raises(services.ApplicationError):
        services.withdraw(application, user=world.alice)
