"""Staff waive an unpaid fee with a reason: only seats that may decide, audited, the bill voided, the applicant told,
the reason shown as text; the queue and the application page say paid, unpaid or waived."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.applications import fees
from civicdesk.applications.demo import submitted_fence
from civicdesk.applications.models import Event
from civicdesk.audit.models import AuditEntry
from civicdesk.notifications.models import Delivery
from civicdesk.testing.auth import login_verified

CANARY = "<script>alert('waiverquokka')</script>"


def test_it_waives_the_fee_with_a_reason_audited_and_told(client, fence, world, seats, settings):
    settings.PAYMENTS_SANDBOX_ALLOWED, settings.PAYMENT_PROVIDER = True, "sandbox"
    application = submitted_fence(fence, world.alice)
    bill = fees.bill_for(application)
    login_verified(client, seats.admin)
    url = reverse("applications_staff:waive_fee", args=[application.pk])
    refused = client.post(url, {"reason": "  "}, follow=True)
    assert "Give the reason for waiving the fee." in refused.content.decode()
    client.post(url, {"reason": CANARY})
    application.refresh_from_db()
    bill.refresh_from_db()
    assert fees.fee_state(application) == "waived" and application.fee.waiver_reason == CANARY
    assert bill.voided_at is not None and bill.balance_cents() == 0
    entry = AuditEntry.objects.get(action="application.fee_waived")
    assert entry.actor == seats.admin and entry.data["reason"] == CANARY
    event = application.events.get(kind=Event.Kind.FEE_WAIVED)
    assert Delivery.objects.filter(key=f"application-event:{event.pk}").exists()
    staff_page = client.get(application.get_staff_url()).content.decode()
    assert CANARY not in staff_page and "waiverquokka" in staff_page and "waived" in staff_page
    client.force_login(world.alice)
    page = client.get(application.get_absolute_url()).content.decode()
    assert CANARY not in page and "&lt;script&gt;alert(&#x27;waiverquokka&#x27;)" in page
    assert "Pay the fee online" not in page
    login_verified(client, seats.admin)
    again = client.post(url, {"reason": "Twice"}, follow=True)
    assert "There is no unpaid fee to waive" in again.content.decode() and AuditEntry.objects.filter(action="application.fee_waived").count() == 1


def test_it_lets_only_deciders_waive(client, fence, world, seats):
    application = submitted_fence(fence, world.alice)
    url = reverse("applications_staff:waive_fee", args=[application.pk])
    client.force_login(world.alice)
    assert client.post(url, {"reason": "Mine"}).status_code in (302, 403, 404)
    login_verified(client, world.mallory)
    assert client.post(url, {"reason": "Outsider"}).status_code in (403, 404)
    login_verified(client, world.bob)  # Public Works does not reach the application at intake
    assert client.post(url, {"reason": "Not mine"}).status_code == 404
    application.refresh_from_db()
    assert application.fee_received_at is None and not AuditEntry.objects.filter(action="application.fee_waived")


def test_it_shows_paid_unpaid_and_waived_in_the_queue(client, fence, world, seats, django_assert_max_num_queries):
    unpaid = submitted_fence(fence, world.alice)
    waived = submitted_fence(fence, world.alice)
    fees.waive(waived, user=seats.admin, reason="Hardship")
    login_verified(client, seats.admin)
    with django_assert_max_num_queries(14):
        body = client.get(reverse("applications_staff:queues")).content.decode()
    cells = {pk: body.split(f'data-testid="fee-{pk}">')[1].split("</td>")[0] for pk in (unpaid.pk, waived.pk)}
    assert "not paid yet" in cells[unpaid.pk] and "waived" in cells[waived.pk]
