"""The autopay page, the provider's return and the sandbox's save page: who may see them, enrol and cancel."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.notifications.models import Delivery
from civicdesk.payments.models import AccountLink, AutopayMandate, AutopaySetup

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(world, account):
    AccountLink.objects.create(user=world.alice, account=account)
    return account


def enrol(client, account, consent="on"):
    data = {"action": "enrol"} | ({"consent": consent} if consent else {})
    return client.post(reverse("payments:autopay", args=[account.pk]), data, HTTP_USER_AGENT="TestBrowser/1.0",
                       REMOTE_ADDR="203.0.113.9")


def test_it_asks_for_sign_in(client, linked):
    response = client.get(reverse("payments:autopay", args=[linked.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_it_hides_another_residents_account(client, world, linked):
    client.force_login(world.mallory)
    assert client.get(reverse("payments:autopay", args=[linked.pk])).status_code == 404
    assert enrol(client, linked).status_code == 404
    assert not AutopaySetup.objects.exists()


def test_it_shows_the_mandate_text_with_the_city_and_how_to_cancel(client, world, linked):
    client.force_login(world.alice)
    response = client.get(reverse("payments:autopay", args=[linked.pk]))
    text = response.content.decode()
    assert linked.jurisdiction.name in text and linked.number in text
    assert "on each bill&#x27;s due date" in text and "cancel at any time" in text


def test_it_refuses_without_consent(client, world, linked):
    client.force_login(world.alice)
    response = enrol(client, linked, consent="")
    assert response.status_code == 200
    assert "Tick the box to agree" in response.content.decode()
    assert not AutopaySetup.objects.exists()


def test_it_enrols_through_the_sandbox_and_records_the_consent(client, world, linked):
    client.force_login(world.alice)
    response = enrol(client, linked)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Save the sandbox bank account" in page.content.decode()
    back = client.post(response["Location"], {"outcome": "save"})
    done = client.get(back["Location"])
    assert done.status_code == 302 and done["Location"] == reverse("payments:autopay", args=[linked.pk])
    mandate = AutopayMandate.objects.get(account=linked, active=True)
    assert (mandate.user, str(mandate.consent_ip), mandate.consent_user_agent) == (
        world.alice, "203.0.113.9", "TestBrowser/1.0")
    assert linked.jurisdiction.name in mandate.mandate_text and mandate.mandate_ref.startswith("sbx_pm_")
    assert AuditEntry.objects.filter(action="autopay.enrolled").count() == 1
    assert Delivery.objects.filter(event="autopay.enrolled", address="alice@example.org").count() == 1
    client.get(back["Location"])  # the return page again: still one mandate
    assert AutopayMandate.objects.filter(account=linked).count() == 1
    assert "Autopay is on" in client.get(reverse("payments:autopay", args=[linked.pk])).content.decode()


def test_it_records_the_text_in_the_language_shown(client, world, linked):
    client.force_login(world.alice)
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    response = enrol(client, linked)
    setup = AutopaySetup.objects.get()
    assert setup.language == "es" and "Autorizo" in setup.mandate_text
    assert response.status_code == 302


def test_it_says_clearly_when_already_enrolled(client, world, linked):
    client.force_login(world.alice)
    first = enrol(client, linked)
    second = enrol(client, linked)
    client.post(second["Location"], {"outcome": "save"})
    client.post(first["Location"], {"outcome": "save"})
    setups = list(AutopaySetup.objects.order_by("pk"))
    client.get(reverse("payments:autopay_return", args=[setups[1].token]))
    response = client.get(reverse("payments:autopay_return", args=[setups[0].token]), follow=True)
    assert "already has autopay" in response.content.decode()
    assert AutopayMandate.objects.filter(account=linked, active=True).count() == 1
    again = enrol(client, linked)
    assert again.status_code == 200 and "already has autopay" in again.content.decode()


def test_a_cancelled_sandbox_page_changes_nothing(client, world, linked):
    client.force_login(world.alice)
    response = enrol(client, linked)
    back = client.post(response["Location"], {"outcome": "cancel"})
    page = client.get(back["Location"], follow=True)
    assert "was not set up" in page.content.decode()
    assert not AutopayMandate.objects.exists()


def test_another_user_cannot_use_the_return_link(client, world, linked):
    client.force_login(world.alice)
    response = enrol(client, linked)
    client.post(response["Location"], {"outcome": "save"})
    client.force_login(world.mallory)
    token = AutopaySetup.objects.get().token
    assert client.get(reverse("payments:autopay_return", args=[token])).status_code == 404
    assert not AutopayMandate.objects.exists()


def test_it_cancels_from_the_page(client, world, linked):
    AutopayMandate.objects.create(account=linked, user=world.alice, provider="sandbox", mandate_ref="sbx_pm_1",
                                  mandate_text="text")
    client.force_login(world.alice)
    response = client.post(reverse("payments:autopay", args=[linked.pk]), {"action": "cancel"}, follow=True)
    assert "Autopay is cancelled" in response.content.decode()
    assert not AutopayMandate.objects.get().active
    assert AuditEntry.objects.filter(action="autopay.cancelled", actor=world.alice).count() == 1


def test_it_limits_enrol_and_cancel_per_client(client, world, linked, settings):
    settings.PAYMENTS_AUTOPAY_CHANGES_PER_CLIENT_PER_HOUR = 1
    client.force_login(world.alice)
    enrol(client, linked)
    response = enrol(client, linked)
    assert response.status_code == 429 and AutopaySetup.objects.count() == 1


def test_it_shows_the_autopay_link_on_the_linked_account_pages(client, world, linked):
    client.force_login(world.alice)
    assert "autopay-link" in client.get(reverse("payments:mine")).content.decode()
    assert "autopay-link" in client.get(reverse("payments:account", args=[linked.pk])).content.decode()


def test_account_holder_text_renders_as_text(client, world, linked):
    linked.jurisdiction.name = "<script>zanzibarcanary()</script>"
    linked.jurisdiction.save()
    client.force_login(world.alice)
    text = client.get(reverse("payments:autopay", args=[linked.pk])).content.decode()
    assert "<script>zanzibarcanary" not in text
