"""Subscribing: a confirmation link first (double opt-in), the same answer for every address, limits, and
re-subscribing after a one-click unsubscribe."""

from __future__ import annotations

import pytest

from civicdesk.newsletter.models import Subscriber
from civicdesk.notifications.models import Delivery
from civicdesk.notifications.services import is_suppressed, opt_out

pytestmark = pytest.mark.django_db


def confirm_path(email: str) -> str:
    body = Delivery.objects.filter(address=email, key__startswith="newsletter-confirm:").latest("id").body_text
    return "/newsletter/confirm/" + body.split("/newsletter/confirm/")[1].split()[0]


def test_it_confirms_a_subscription_only_from_the_emailed_link(client):
    response = client.post("/newsletter/subscribe/", {"email": "Nora@Example.org"})
    assert response.status_code == 302
    assert "Check your email" in client.get(response["Location"]).content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "nora@example.org" and subscriber.confirmed_at is None
    path = confirm_path("nora@example.org")
    assert "nora" not in path
    page = client.get(path)  # following the link shows a button; a mail scanner subscribes nobody
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None
    client.post(path)
    client.post(path)
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None
    assert "You are subscribed to the newsletter." in client.get(path).content.decode()


def test_it_remembers_the_language_the_resident_reads(client):
    client.post("/newsletter/subscribe/", {"email": "lena@example.org"}, HTTP_ACCEPT_LANGUAGE="es")
    assert Subscriber.objects.get().language == "es"
    message = Delivery.objects.get(address="lena@example.org")
    assert message.language == "es"


def test_it_lets_someone_who_unsubscribed_subscribe_again(client):
    client.post("/newsletter/subscribe/", {"email": "back@example.org"})
    client.post(confirm_path("back@example.org"))
    opt_out("email", "back@example.org", "newsletter")
    client.post("/newsletter/subscribe/", {"email": "back@example.org"})
    assert is_suppressed("email", "back@example.org", "newsletter")
    client.post(confirm_path("back@example.org"))
    assert not is_suppressed("email", "back@example.org", "newsletter")


def test_it_explains_a_bad_address(client):
    response = client.post("/newsletter/subscribe/", {"email": "not an address"})
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_it_limits_confirmation_emails_per_address_and_per_client(client, settings):
    settings.NEWSLETTER_CONFIRMATIONS_PER_ADDRESS_PER_DAY = 2
    settings.NEWSLETTER_SUBSCRIBES_PER_CLIENT_PER_HOUR = 3
    for _ in range(2):
        client.post("/newsletter/subscribe/", {"email": "victim@example.org"})
    refused = client.post("/newsletter/subscribe/", {"email": "victim@example.org"})
    assert refused.status_code == 429 and "Retry-After" in refused
    assert Delivery.objects.filter(address="victim@example.org").count() == 2
    client.post("/newsletter/subscribe/", {"email": "other@example.org"})
    assert client.post("/newsletter/subscribe/", {"email": "third@example.org"}).status_code == 429


def test_it_shows_an_expired_page_for_an_unknown_link(client):
    response = client.get("/newsletter/confirm/nonsense-token/")
    assert response.status_code == 404 and "This link has expired" in response.content.decode()


def test_it_speaks_spanish(client):
    body = client.get("/newsletter/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Boletín" in body and "Números anteriores" in body
    client.post("/newsletter/subscribe/", {"email": "ana@example.org"}, HTTP_ACCEPT_LANGUAGE="es")
    assert Delivery.objects.get(address="ana@example.org").subject == "Confirme su suscripción al boletín"


def test_it_names_the_newsletter_on_the_unsubscribe_page(client):
    from civicdesk.notifications.services import unsubscribe_url

    from urllib.parse import urlsplit

    path = urlsplit(unsubscribe_url("email", "reader@example.org", "newsletter")).path
    assert "the newsletter" in client.get(path).content.decode()
