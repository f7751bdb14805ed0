""""Send the confirmation link again": limited per address and per client address."""

from __future__ import annotations

from django.core import mail
from django.test import Client
from django.urls import reverse

from civicdesk.accounts.models import User

URL = reverse("accounts:resend_verification")


def test_it_sends_the_link_again_only_a_few_times_an_hour(client, world, settings):
    client.force_login(world.alice)
    statuses = [client.post(URL).status_code for _ in range(5)]
    assert statuses.count(302) == settings.VERIFICATION_EMAILS_PER_ADDRESS_PER_HOUR
    assert len(mail.outbox) == settings.VERIFICATION_EMAILS_PER_ADDRESS_PER_HOUR
    refused = client.post(URL)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "We have sent several confirmation emails already." in refused.content.decode()


def test_it_limits_one_client_address_mailing_many_accounts(world, settings):
    settings.VERIFICATION_EMAILS_PER_CLIENT_PER_HOUR = 4
    statuses = []
    for n in range(6):
        browser = Client(REMOTE_ADDR="203.0.113.60")
        browser.force_login(User.objects.create_user(email=f"someone{n}@example.net", password="x" * 12))
        statuses.append(browser.post(URL).status_code)
    assert statuses == [302, 302, 302, 302, 429, 429]
    assert len(mail.outbox) == 4
