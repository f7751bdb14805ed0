"""The unsubscribe page behind every message's link, and RFC 8058 one-click unsubscribe."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.notifications.models import Suppression
from civicdesk.notifications.services import is_suppressed, unsubscribe_token


def url(channel="email", address="ana@example.org", scope="follow:12") -> str:
    return reverse("notifications:unsubscribe", args=[unsubscribe_token(channel, address, scope)])


def test_it_says_what_will_stop_without_showing_the_whole_address(client, db):
    response = client.get(url())

    assert response.status_code == 200
    page = response.content.decode()
    assert "Stop sending updates about a request you follow to a••••@example.org?" in page
    assert "ana@example.org" not in page
    assert 'type="radio"' in page and "Every message from us to this address" in page
    assert not Suppression.objects.exists()  # looking is not unsubscribing (link scanners GET it)


def test_it_stops_only_that_scope_when_the_resident_confirms(client, db):
    response = client.post(url(), {"what": "scope"})

    assert response.status_code == 302
    assert is_suppressed("email", "ana@example.org", "follow:12")
    assert not is_suppressed("email", "ana@example.org", "follow:13")
    page = client.get(response["Location"]).content.decode()
    assert "a••••@example.org will no longer get updates about a request you follow." in page
    entry = AuditEntry.objects.get(action="suppression.created")
    assert entry.data == {"channel": "email", "scope": "follow:12", "reason": "unsubscribed"}


def test_it_stops_everything_when_the_resident_chooses_so(client, db):
    client.post(url(), {"what": "everything"})

    assert list(Suppression.objects.values_list("scope", flat=True)) == [""]
    assert is_suppressed("email", "ana@example.org", "area:1")


def test_it_accepts_a_one_click_post_without_a_csrf_token_and_is_idempotent(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    for _ in range(2):
        response = client.post(url(scope="request:ABCD-2345"), "List-Unsubscribe=One-Click",
                               content_type="application/x-www-form-urlencoded")
        assert response.status_code == 200

    assert list(Suppression.objects.values_list("scope", "reason")) == [("request:ABCD-2345", "unsubscribed")]
    assert AuditEntry.objects.filter(action="suppression.created").count() == 1


def test_it_lets_the_resident_undo(client, db):
    done = client.post(url(), {"what": "scope"})["Location"]
    assert "Subscribe again" in client.get(done).content.decode()

    response = client.post(url(), {"action": "undo", "undo_scope": "scope"})

    assert not Suppression.objects.exists()
    assert "Messages to a••••@example.org will start again." in client.get(response["Location"]).content.decode()
    assert AuditEntry.objects.filter(action="suppression.deleted").count() == 1


def test_it_offers_one_button_for_a_message_that_was_about_everything(client, db):
    page = client.get(url(scope="")).content.decode()
    assert "Stop sending every message from us to a••••@example.org?" in page
    assert 'type="radio"' not in page

    client.post(url(scope=""), {"what": "scope"})  # even a tampered choice cannot narrow "everything"
    assert list(Suppression.objects.values_list("scope", flat=True)) == [""]


def test_it_refuses_a_link_that_was_not_signed_by_us(client, db):
    token = unsubscribe_token("email", "ana@example.org", "")
    forged = reverse("notifications:unsubscribe", args=[token[:-3] + "abc"])

    assert client.get(forged).status_code == 404
    assert client.post(forged, {"what": "everything"}).status_code == 404
    assert not Suppression.objects.exists()


def test_it_shows_the_page_in_spanish(client, db):
    client.cookies["django_language"] = "es"
    page = client.get(url()).content.decode()
    assert '<html lang="es">' in page
