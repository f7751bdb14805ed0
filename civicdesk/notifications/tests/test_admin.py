"""The notifications admin: the delivery log and SMS outbox are read-only; suppressions are audited."""

from __future__ import annotations

import pytest

from civicdesk.accounts.models import User
from civicdesk.notifications.models import Delivery, SmsMessage, Suppression
from civicdesk.testing.auth import login_verified


@pytest.fixture
def admin_client(client, db):
    login_verified(client, User.objects.create_superuser(email="root@example.gov", password="correct horse battery"))
    return client


def test_it_lets_staff_read_the_sms_outbox_and_the_delivery_log_but_not_change_them(admin_client):
    delivery = Delivery.objects.create(channel="sms", address="+15551234567", event="request.received", key="k",
                                       body_text="Your request 7KQ4-M2XD was received.", status="sent")
    text = SmsMessage.objects.create(to="+15551234567", body=delivery.body_text, delivery=delivery)

    outbox = admin_client.get("/admin/notifications/smsmessage/").content.decode()
    assert "+15551234567" in outbox and "Your request 7KQ4-M2XD was received." in outbox
    assert admin_client.get(f"/admin/notifications/smsmessage/{text.pk}/change/").status_code == 200
    assert "+15551234567" in admin_client.get("/admin/notifications/delivery/?status=sent").content.decode()
    assert admin_client.get("/admin/notifications/delivery/add/").status_code == 403
    admin_client.post(f"/admin/notifications/delivery/{delivery.pk}/delete/", {"post": "yes"})
    assert Delivery.objects.filter(pk=delivery.pk).exists()


def test_it_audits_a_suppression_lifted_by_staff(admin_client):
    suppression = Suppression.objects.create(channel="email", address="ana@example.org", reason="bounced")

    admin_client.post(f"/admin/notifications/suppression/{suppression.pk}/delete/", {"post": "yes"})

    assert not Suppression.objects.exists()
    assert suppression.audit_entries().filter(action="suppression.deleted").exists()
