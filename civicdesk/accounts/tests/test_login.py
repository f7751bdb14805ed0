"""Signing in with an email address and out again (POST only)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
WRONG = "That email and password do not match an account. Check them and try again."


def test_it_signs_in_and_goes_to_my_requests(client, world):
    response = client.post(LOGIN, {"username": "alice@example.org", "password": "correct horse battery"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:my_requests")
    assert client.get(reverse("accounts:my_requests")).context["user"] == world.alice


def test_it_ignores_capitals_and_spaces_in_the_email(client, world):
    # Phone keyboards capitalise the first letter; the address is stored in lower case.
    response = client.post(LOGIN, {"username": " Alice@Example.ORG ", "password": "correct horse battery"})
    assert response.status_code == 302


def test_it_says_clearly_when_the_password_is_wrong(client, world):
    response = client.post(LOGIN, {"username": "alice@example.org", "password": "wrong horse battery"})
    html = response.content.decode()
    assert response.status_code == 200
    assert WRONG in html and 'role="alert"' in html
    assert 'value="alice@example.org"' in html  # the address is kept, the password is not
    assert "wrong horse battery" not in html
    assert not response.wsgi_request.user.is_authenticated


def test_it_gives_the_same_message_for_an_unknown_address(client, world):
    response = client.post(LOGIN, {"username": "nobody@example.org", "password": "correct horse battery"})
    assert WRONG in response.content.decode()


def test_it_refuses_an_inactive_account(client, world):
    world.mallory.is_active = False
    world.mallory.save()
    response = client.post(LOGIN, {"username": "mallory@example.net", "password": "correct horse battery"})
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated


def test_it_follows_next_within_the_site_only(client, world):
    ok = client.post(LOGIN + "?next=/report/", {"username": "alice@example.org", "password": "correct horse battery",
                                                "next": "/report/"})
    assert ok["Location"] == "/report/"
    client.logout()
    evil = client.post(LOGIN, {"username": "alice@example.org", "password": "correct horse battery",
                               "next": "https://evil.example.net/"})
    assert evil["Location"] == reverse("accounts:my_requests")


def test_it_sends_a_signed_in_resident_straight_on(client, world):
    client.force_login(world.alice)
    assert client.get(LOGIN)["Location"] == reverse("accounts:my_requests")


def test_it_signs_out_on_post_only(client, world):
    client.force_login(world.alice)
    assert client.get(LOGOUT).status_code == 405
    assert client.get(reverse("accounts:my_requests")).status_code == 200  # still signed in

    response = client.post(LOGOUT)
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert client.get(reverse("accounts:my_requests")).status_code == 302  # signed out


def test_it_offers_sign_out_as_a_form_in_the_header(client, world):
    client.force_login(world.alice)
    html = client.get(reverse("core:home")).content.decode()
    assert f'<form method="post" action="{LOGOUT}"' in html


LOCKED_TEXT = "Too many failed attempts."


def test_a_stranger_cannot_lock_a_staff_member_out(world, settings):
    settings.SIGN_IN_MAX_FAILURES = 3
    stranger = Client(REMOTE_ADDR="203.0.113.66")
    for _ in range(4):
        stranger.post(LOGIN, {"username": world.bob.email, "password": "guessing wrong"})
    locked = stranger.post(LOGIN, {"username": world.bob.email, "password": "correct horse battery"})
    assert locked.status_code == 429 and LOCKED_TEXT in locked.content.decode()
    # Bob, at his own desk, signs in as usual.
    own_desk = Client(REMOTE_ADDR="198.51.100.20")
    response = own_desk.post(LOGIN, {"username": world.bob.email, "password": "correct horse battery"})
    assert response.status_code == 302


def test_it_slows_one_address_trying_many_accounts(world, settings):
    settings.SIGN_IN_FAILURES_PER_CLIENT_PER_HOUR = 6
    sprayer = Client(REMOTE_ADDR="203.0.113.67")
    for n in range(6):
        assert sprayer.post(LOGIN, {"username": f"person{n}@example.org", "password": "Winter2026!"}).status_code == 200
    refused = sprayer.post(LOGIN, {"username": world.alice.email, "password": "correct horse battery"})
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert "Too many failed sign-ins from this connection." in refused.content.decode()
    assert Client(REMOTE_ADDR="198.51.100.21").post(
        LOGIN, {"username": world.alice.email, "password": "correct horse battery"}).status_code == 302
