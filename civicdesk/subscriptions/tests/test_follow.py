"""Following a request from its page: at once when signed in, by a confirmed email link otherwise; unfollowing."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import timezone

from civicdesk.notifications.models import Delivery
from civicdesk.servicerequests import services
from civicdesk.subscriptions.models import Follow
from civicdesk.testing.fixtures import run_worker
from civicdesk.testing.world import IN_WEST_ELM


def pothole(world, **extra):
    return services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                   attributes={"depth": "deep"}, **extra)


def text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message, path: str) -> str:
    return re.search(r"https?://\S+" + re.escape(path) + r"\S*/", text(message)).group(0)


def test_it_follows_at_once_when_signed_in(client, world):
    request = pothole(world)
    client.force_login(world.alice)
    response = client.post(reverse("subscriptions:follow", args=[request.public_id]), follow=True)
    assert response.redirect_chain[-1][0] == request.get_absolute_url()
    assert "You now follow this request" in response.content.decode()
    follow = Follow.objects.get(request=request, user=world.alice)
    assert follow.is_confirmed
    assert 'value="request"' in response.content.decode()  # the page now offers "Stop following"

    client.post(reverse("subscriptions:follow", args=[request.public_id]))
    assert Follow.objects.filter(request=request).count() == 1


def test_it_confirms_a_follow_by_email_before_sending_anything(client, tworld, smtp_server):
    request = pothole(tworld)
    response = client.post(reverse("subscriptions:follow", args=[request.public_id]), {"email": "Fred@Example.org"})
    assert response.status_code == 200 and "Check your email" in response.content.decode()
    follow = Follow.objects.get(request=request)
    assert (follow.email, follow.is_confirmed, follow.user) == ("fred@example.org", False, None)

    services.add_note(request, message="Before confirming.", user=tworld.bob)
    run_worker()
    [confirmation] = smtp_server.wait_for(1)
    assert confirmation["To"] == "fred@example.org"
    assert confirmation["Subject"] == f"Confirm: follow request {request.public_id}"
    url = link_in(confirmation, "/subscriptions/confirm/")

    path = url.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200 and "Yes, send me updates" in page.content.decode()
    follow.refresh_from_db()
    assert not follow.is_confirmed  # a mail scanner opening the link confirms nothing
    client.post("/" + path)
    follow.refresh_from_db()
    assert follow.is_confirmed

    services.add_note(request, message="After confirming.", user=tworld.bob)
    run_worker()
    messages = smtp_server.wait_for(2)
    assert len(messages) == 2 and "After confirming." in text(messages[1])


def test_it_answers_the_same_for_an_address_that_already_follows(client, world):
    request = pothole(world)
    Follow.objects.create(request=request, email="fred@example.org", confirmed_at=timezone.now())
    response = client.post(reverse("subscriptions:follow", args=[request.public_id]), {"email": "fred@example.org"})
    assert "Check your email" in response.content.decode()
    assert not Delivery.objects.filter(event="follow.confirm").exists()


def test_it_sends_one_confirmation_an_hour_however_often_asked(client, world):
    request = pothole(world)
    for _ in range(3):
        client.post(reverse("subscriptions:follow", args=[request.public_id]), {"email": "fred@example.org"})
    assert Delivery.objects.filter(event="follow.confirm").count() == 1


def test_it_explains_a_bad_email_address(client, world):
    request = pothole(world)
    response = client.post(reverse("subscriptions:follow", args=[request.public_id]), {"email": "fred@"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a valid email address, like name@example.com." in body
    assert 'aria-describedby="follow_email_helptext follow_email_error"' in body or 'follow_email_error' in body
    assert not Follow.objects.exists()


def test_it_refuses_a_bad_or_tampered_confirmation_link(client, world):
    response = client.get(reverse("subscriptions:confirm_follow", args=["not-a-token"]))
    assert response.status_code == 400 and "This link does not work" in response.content.decode()


def test_it_never_lets_anyone_follow_a_private_request(client, world):
    private = services.submit_request(service_type=world.records, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                      contact_email="rita@example.org")
    response = client.post(reverse("subscriptions:follow", args=[private.public_id]), {"email": "fred@example.org"})
    assert response.status_code == 404
    client.force_login(world.alice)
    assert client.post(reverse("subscriptions:follow", args=[private.public_id])).status_code == 404
    assert not Follow.objects.exists()


def test_it_unfollows_from_the_account_page(client, world):
    request = pothole(world)
    follow = Follow.objects.create(request=request, user=world.alice, confirmed_at=timezone.now())
    client.force_login(world.mallory)
    assert client.post(reverse("subscriptions:unfollow", args=[follow.pk])).status_code == 404
    client.force_login(world.alice)
    page = client.get(reverse("subscriptions:preferences")).content.decode()
    assert f"Stop following {request.public_id}" in page
    response = client.post(reverse("subscriptions:unfollow", args=[follow.pk]))
    assert response.status_code == 302
    assert not Follow.objects.exists()
    assert follow.audit_entries().filter(action="follow.removed").exists()


def test_it_ends_the_follow_from_the_emails_unsubscribe_link(client, tworld, smtp_server):
    request = pothole(tworld)
    follow = Follow.objects.create(request=request, email="fred@example.org", confirmed_at=timezone.now())
    services.add_note(request, message="First update.", user=tworld.bob)
    run_worker()
    [message] = smtp_server.wait_for(1)
    url = link_in(message, "/notifications/unsubscribe/")

    client.post("/" + url.split("://", 1)[1].split("/", 1)[1], {"what": "scope"})
    assert not Follow.objects.filter(pk=follow.pk).exists()
    services.add_note(request, message="Second update.", user=tworld.bob)
    run_worker()
    assert len(smtp_server.messages) == 1


def test_it_stops_confirmations_to_an_address_typed_in_everywhere(world):
    from civicdesk.subscriptions.services import FOLLOW_CONFIRMATIONS_PER_DAY, follow_by_email

    for n in range(FOLLOW_CONFIRMATIONS_PER_DAY + 1):
        request = services.submit_request(service_type=world.graffiti, lat=IN_WEST_ELM[0] + n * 0.01,
                                          long=IN_WEST_ELM[1])
        follow_by_email(request, "victim@example.org", language="en")
    assert Delivery.objects.filter(event="follow.confirm").count() == FOLLOW_CONFIRMATIONS_PER_DAY
    assert Follow.objects.count() == FOLLOW_CONFIRMATIONS_PER_DAY
