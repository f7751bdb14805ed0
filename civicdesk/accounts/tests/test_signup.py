"""Creating a resident account: verification email over real SMTP, and clear errors."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation

from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_EAST_ELM

URL = reverse("accounts:signup")
User = get_user_model()


def form(**overrides) -> dict:
    data = {"first_name": "Zoe", "last_name": "Park", "email": "Zoe@Example.org", "phone": "",
            "language": "en", "password": "tide-pool-lantern-93"}
    data.update(overrides)
    return data


def verification_path(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(re.escape(settings.SITE_URL) + r"(/account/verify/[^\s]+/)", body)
    assert match, body
    return match.group(1)


def test_it_shows_the_form_in_the_visitors_language(client, world):
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<option value="es" selected>' in html


def test_it_creates_the_account_and_sends_a_verification_link(client, tworld, smtp_server):
    response = client.post(URL, form(), follow=True)
    user = User.objects.get(email="zoe@example.org")
    assert response.redirect_chain == [(reverse("accounts:signup_sent"), 302)]
    assert "We have sent an email to zoe@example.org." in response.content.decode()
    assert not response.context["user"].is_authenticated and not user.is_email_verified
    assert user.check_password("tide-pool-lantern-93") and user.first_name == "Zoe"

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "zoe@example.org"
    assert message["Subject"] == "Confirm your email address"
    assert "The link works for three days." in message.get_body(preferencelist=("plain",)).get_content()

    verified = client.get(verification_path(message), follow=True)
    assert verified.redirect_chain == [(reverse("accounts:login"), 302)]
    assert "Thank you: your email address is confirmed." in verified.content.decode()
    user.refresh_from_db()
    assert user.is_email_verified


def test_it_links_earlier_anonymous_reports_once_the_address_is_verified(client, tworld, smtp_server):
    def report(email: str):
        return services.submit_request(service_type=tworld.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                       contact_email=email)

    earlier = [report("zoe@example.org"), report("ZOE@example.org")]
    someone_else = report("zed@example.org")
    already_linked = services.submit_request(service_type=tworld.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                             reporter=tworld.mallory, contact_email="zoe@example.org")
    smtp_server.messages.clear()
    client.post(URL, form())
    [message] = smtp_server.wait_for(1)
    client.force_login(User.objects.get(email="zoe@example.org"))

    # Anyone can type an address into a sign-up form: nothing is linked before it is proven theirs.
    before = client.get(reverse("accounts:my_requests")).content.decode()
    assert "You have not reported anything yet." in before

    client.get(verification_path(message))
    user = User.objects.get(email="zoe@example.org")
    assert set(user.service_requests.all()) == set(earlier)
    page = client.get(reverse("accounts:my_requests")).content.decode()
    assert all(request.public_id in page for request in earlier)
    assert someone_else.public_id not in page and already_linked.public_id not in page
    already_linked.refresh_from_db()
    assert already_linked.reporter == tworld.mallory


def test_it_writes_the_verification_email_in_the_chosen_language(client, tworld, smtp_server):
    client.post(URL, form(language="es"))
    [message] = smtp_server.wait_for(1)
    assert User.objects.get(email="zoe@example.org").language == "es"
    with translation.override("es"):
        spanish = translation.gettext("Confirm your email address")  # the translators own the wording
    assert spanish != "Confirm your email address"
    assert message["Subject"] == spanish


def test_it_answers_the_same_for_an_address_that_already_has_an_account(client, tworld, smtp_server):
    new = client.post(URL, form(email="zoe@example.org"), follow=True)
    existing = Client().post(URL, form(email="ALICE@example.org"), follow=True)
    assert new.redirect_chain == existing.redirect_chain == [(reverse("accounts:signup_sent"), 302)]
    def page(response, email: str) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode()).replace(email, "@")

    assert page(new, "zoe@example.org") == page(existing, "alice@example.org")
    assert User.objects.filter(email__iexact="alice@example.org").count() == 1
    assert tworld.alice.check_password("correct horse battery")  # nothing about the account changed
    assert not existing.context["user"].is_authenticated

    messages = {m["To"]: m for m in smtp_server.wait_for(2)}
    told = messages["alice@example.org"]
    assert told["Subject"] == "You already have an account"
    body = told.get_body(preferencelist=("plain",)).get_content()
    assert "tried to create an account with this email address" in body and "/account/verify/" not in body
    assert messages["zoe@example.org"]["Subject"] == "Confirm your email address"


def test_it_limits_sign_ups_from_one_client_address(world, settings):
    browser = Client(REMOTE_ADDR="203.0.113.40")
    statuses = [browser.post(URL, form(email=f"bot{n}@example.net")).status_code for n in range(7)]
    assert statuses.count(302) == settings.SIGNUPS_PER_CLIENT_PER_HOUR
    refused = browser.post(URL, form(email="late@example.net", first_name="Latecomer"))
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    html = refused.content.decode()
    assert "Too many accounts have been created from this connection" in html and "Latecomer" in html
    assert User.objects.filter(email__startswith="bot").count() == settings.SIGNUPS_PER_CLIENT_PER_HOUR
    assert Client(REMOTE_ADDR="198.51.100.40").post(URL, form(email="ok@example.net")).status_code == 302


def test_it_refuses_weak_passwords_with_the_reason(client, world):
    for password, reason in [
        ("short1", "This password is too short. It must contain at least 10 characters."),
        ("password123", "This password is too common."),
        ("4815162342", "This password is entirely numeric."),
        ("zoe.park.example", "The password is too similar to the"),
    ]:
        response = client.post(URL, form(password=password, email="zoe.park@example.org"))
        assert response.status_code == 400, password
        assert reason in response.content.decode(), password
    assert not User.objects.filter(email="zoe.park@example.org").exists()


def test_it_requires_an_email_and_a_password(client, world):
    response = client.post(URL, form(email="", password=""))
    html = response.content.decode()
    assert response.status_code == 400
    assert html.count('role="alert">This field is required.') == 2  # beside each field...
    assert '<a class="usa-link" href="#id_email">This field is required.</a>' in html  # ...and in the summary
    assert '<a class="usa-link" href="#id_password">This field is required.</a>' in html
    assert "There is a problem" in html


def test_it_stores_the_phone_in_e164_and_refuses_one_that_cannot_be(client, world):
    assert client.post(URL, form(phone="1-217-555-0142")).status_code == 302
    assert User.objects.get(email="zoe@example.org").phone == "+12175550142"
    refused = client.post(URL, form(email="yan@example.org", phone="217 555 0142 (mobile)"))
    assert refused.status_code == 400
    assert "Enter a phone number using digits only, like 217-555-0142." in refused.content.decode()
    assert not User.objects.filter(email="yan@example.org").exists()
