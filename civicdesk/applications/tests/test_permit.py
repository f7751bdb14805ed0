"""The issued permit: a PDF with its verification URL and QR code, rendered to PNG and checked; the public
verification page (genuine and valid, expired, revoked; no personal data); revocation by staff, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from civicdesk.applications import pdf, services
from civicdesk.applications.demo import submitted_fence
from civicdesk.applications.models import Application
from civicdesk.audit.models import AuditEntry
from civicdesk.testing.auth import login_verified

from .pdfimage import dark_share, first_page


@pytest.fixture
def permit(fence, world, seats):
    application = submitted_fence(fence, world.alice)
    Application.objects.filter(pk=application.pk).update(step=fence.ordered_steps()[-1], department=world.public_works,
                                                          fee_received_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC))
    application.refresh_from_db()
    return services.decide(application, user=seats.supervisor, approve=True, reasons="Meets the fence code.")


def test_it_issues_a_pdf_with_the_verification_url_and_a_qr_code(client, permit, world):
    client.force_login(world.alice)
    response = client.get(reverse("applications:permit_pdf", args=[permit.application_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    image, text = first_page(response.content)
    url = pdf.verification_url(permit)
    assert "Fence permit" in text and permit.number in text and "Meets the fence code." in text
    assert url in text.replace("\r", "").replace("\n", "")
    width, height = image.size
    assert 0.005 < dark_share(image) < 0.5  # a printed page, neither blank nor black
    # The QR code: a dense block of dark modules in the lower part of the page.
    assert dark_share(image, (0, height // 3, width // 2, height)) > dark_share(image, (width // 2, height // 3, width, height))


def test_it_verifies_a_genuine_valid_permit_without_personal_data(client, permit, world):
    page = client.get(permit.get_verification_url())
    body = page.content.decode()
    assert page.status_code == 200 and "Genuine and valid" in body and permit.number in body
    assert "Town of Elm" in body and "Fence permit" in body
    for personal in ("Alice", "alice@example.org", "12 Oak Street"):
        assert personal not in body


def test_it_says_expired_after_the_valid_until_date(client, permit):
    permit.valid_until = dt.date(2020, 1, 1)
    permit.save()
    assert "Genuine but expired" in client.get(permit.get_verification_url()).content.decode()


def test_it_says_no_permit_for_an_unknown_code(client, permit):
    page = client.get(reverse("applications:verify", args=["not-a-code-we-issued"]))
    assert page.status_code == 404 and "We issued no permit with this code" in page.content.decode()


def test_staff_revoke_a_permit_audited_and_the_page_says_so(client, permit, world, seats):
    login_verified(client, world.bob)  # staff: may not revoke
    url = reverse("applications_staff:revoke", args=[permit.application_id])
    assert client.post(url, {"reason": "Built too high."}).status_code == 403
    login_verified(client, seats.supervisor)
    client.post(url, {"reason": "Built too high."})
    permit.refresh_from_db()
    assert permit.revoked_at is not None
    assert AuditEntry.objects.filter(action="permit.revoked").count() == 1
    assert "Revoked" in client.get(permit.get_verification_url()).content.decode()
    assert permit.application.events.filter(kind="revoked", message="Built too high.").exists()
