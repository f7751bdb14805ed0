"""Following the email verification link, and asking for it again."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from civicdesk.accounts import services
from civicdesk.servicerequests import services as requests
from civicdesk.testing.world import IN_EAST_ELM


def verify_url(user) -> str:
    return reverse("accounts:verify", args=[services.verification_token(user)])


def test_it_verifies_and_sends_a_signed_out_resident_to_sign_in(client, world):
    response = client.get(verify_url(world.alice), follow=True)
    assert response.redirect_chain == [(reverse("accounts:login"), 302)]
    assert "Thank you: your email address is confirmed." in response.content.decode()
    world.alice.refresh_from_db()
    assert world.alice.is_email_verified


def test_it_links_anonymous_reports_made_with_the_address(client, world):
    earlier = requests.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                      contact_email="Alice@Example.org")
    client.get(verify_url(world.alice))
    earlier.refresh_from_db()
    assert earlier.reporter == world.alice


def test_it_keeps_the_first_verification_time_when_followed_twice(client, world, time_machine):
    time_machine.move_to(dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False)
    url = verify_url(world.alice)
    client.get(url)
    time_machine.move_to(dt.datetime(2025, 3, 4, 9, 0, tzinfo=dt.UTC), tick=False)
    assert client.get(url).status_code == 302
    world.alice.refresh_from_db()
    assert world.alice.email_verified_at == dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def test_it_refuses_a_tampered_link(client, world):
    token = services.verification_token(world.alice)
    response = client.get(reverse("accounts:verify", args=[token[:-2] + ("AA" if token[-2:] != "AA" else "BB")]))
    assert response.status_code == 400
    assert "That link does not work" in response.content.decode()
    world.alice.refresh_from_db()
    assert not world.alice.is_email_verified


def test_it_refuses_a_link_that_is_not_a_token_at_all(client, world):
    response = client.get(reverse("accounts:verify", args=["hello"]))
    assert response.status_code == 400
    assert "The confirmation link is wrong or more than three days old." in response.content.decode()


def test_it_refuses_a_link_more_than_three_days_old(client, world, time_machine):
    url = verify_url(world.alice)
    time_machine.move_to(timezone.now() + dt.timedelta(days=3, minutes=1))
    response = client.get(url)
    assert response.status_code == 400
    world.alice.refresh_from_db()
    assert not world.alice.is_email_verified


def test_it_accepts_a_link_just_under_three_days_old(client, world, time_machine):
    url = verify_url(world.alice)
    time_machine.move_to(timezone.now() + dt.timedelta(days=2, hours=23))
    assert client.get(url).status_code == 302


def test_it_refuses_a_link_for_an_address_the_account_no_longer_has(client, world):
    url = verify_url(world.alice)
    world.alice.email = "alice.new@example.org"
    world.alice.save()
    assert client.get(url).status_code == 400
    world.alice.refresh_from_db()
    assert not world.alice.is_email_verified


def test_it_does_not_accept_another_kind_of_signed_value(client, world):
    from django.core import signing

    forged = signing.dumps({"u": world.alice.pk, "e": world.alice.email})  # right data, wrong salt
    assert client.get(reverse("accounts:verify", args=[forged])).status_code == 400


def test_it_sends_the_link_again_over_smtp_when_asked(client, tworld, smtp_server):
    client.force_login(tworld.alice)
    page = client.get(reverse("accounts:my_requests")).content.decode()
    assert "Send the link again" in page

    response = client.post(reverse("accounts:resend_verification"), follow=True)
    assert "We have sent the confirmation link again." in response.content.decode()
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "alice@example.org"
    assert "/account/verify/" in message.get_body(preferencelist=("plain",)).get_content()


def test_it_sends_nothing_again_on_a_get_or_once_verified(client, tworld, smtp_server):
    client.force_login(tworld.alice)
    assert client.get(reverse("accounts:resend_verification")).status_code == 302
    tworld.alice.email_verified_at = timezone.now()
    tworld.alice.save()
    client.post(reverse("accounts:resend_verification"))
    assert smtp_server.messages == []
    assert "Send the link again" not in client.get(reverse("accounts:my_requests")).content.decode()


def test_it_needs_a_signed_in_resident_to_send_the_link_again(client, world):
    response = client.post(reverse("accounts:resend_verification"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
