"""Password reset: the emailed link (over SMTP, in the person's language), no enumeration, limits, staff 2FA."""

from __future__ import annotations

import re

from django.urls import reverse

from civicdesk.accounts.models import SignInFailure
from civicdesk.audit.models import AuditEntry
from civicdesk.testing.auth import current_code, totp_device
from civicdesk.testing.fixtures import run_worker

RESET = reverse("accounts:password_reset")
SENT = reverse("accounts:password_reset_done")
LOGIN = reverse("accounts:login")
STEP = reverse("accounts:two_factor")
NEW_PASSWORD = "plum orchard lantern 84"


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message) -> str:
    return re.search(r"https?://\S+/account/reset/\S+/", body(message)).group(0).split("/account", 1)[1]


def follow_link(client, message):
    """Open the emailed link as the browser does: Django swaps the token for a session and redirects."""
    response = client.get("/account" + link_in(message))
    assert response.status_code == 302
    return response["Location"]


def test_the_sign_in_page_offers_a_reset(client, world):
    assert f'href="{RESET}">Forgot your password?</a>' in client.get(LOGIN).content.decode()


def test_it_emails_a_link_that_sets_a_new_password(client, tworld, smtp_server):
    response = client.post(RESET, {"email": "Alice@Example.org"})
    assert response.status_code == 302 and response["Location"] == SENT
    run_worker()
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "alice@example.org" and message["Subject"] == "Reset your password"

    form_url = follow_link(client, message)
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_complete")
    tworld.alice.refresh_from_db()
    assert tworld.alice.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(action="user.password_reset", object_id=str(tworld.alice.pk)).exists()
    # The link works once.
    assert "This link does not work" in client.get("/account" + link_in(message), follow=True).content.decode()


def test_it_answers_the_same_for_an_address_without_an_account(client, tworld, smtp_server):
    known = client.post(RESET, {"email": "alice@example.org"})
    unknown = client.post(RESET, {"email": "nobody-here@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    run_worker()
    messages = smtp_server.wait_for(1)
    assert [m["To"] for m in messages] == ["alice@example.org"]


def test_it_writes_in_the_persons_language(client, tworld, smtp_server):
    tworld.alice.language = "es"
    tworld.alice.save()
    client.post(RESET, {"email": "alice@example.org"})
    run_worker()
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Restablezca su contraseña"
    assert "elegir una contraseña nueva" in body(message)


def test_it_sends_an_address_at_most_three_links_an_hour_and_still_answers_alike(client, tworld, smtp_server):
    for _ in range(5):
        response = client.post(RESET, {"email": "alice@example.org"}, REMOTE_ADDR="198.51.100.7")
        assert response.status_code == 302 and response["Location"] == SENT
    run_worker()
    smtp_server.wait_for(3)
    assert len(smtp_server.messages) == 3


def test_it_refuses_a_client_asking_for_too_many_links(client, world):
    for n in range(10):
        client.post(RESET, {"email": f"someone{n}@example.org"}, REMOTE_ADDR="203.0.113.9")
    response = client.post(RESET, {"email": "alice@example.org"}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429
    assert "You have asked for too many reset links." in response.content.decode()
    assert client.post(RESET, {"email": "alice@example.org"}, REMOTE_ADDR="203.0.113.10").status_code == 302


def test_it_explains_a_mistyped_address(client, world):
    response = client.post(RESET, {"email": "alice@example"})
    html = response.content.decode()
    assert response.status_code == 400
    assert '<a class="usa-link" href="#id_email">Enter a valid email address.</a>' in html


def test_it_refuses_a_weak_or_mismatched_new_password(client, tworld, smtp_server):
    client.post(RESET, {"email": "alice@example.org"})
    run_worker()
    form_url = follow_link(client, smtp_server.wait_for(1)[0])
    response = client.post(form_url, {"new_password1": "password", "new_password2": "password"})
    assert response.status_code == 400 and "This password is too common." in response.content.decode()
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
    assert response.status_code == 400
    tworld.alice.refresh_from_db()
    assert tworld.alice.check_password("correct horse battery")


def test_a_reset_ends_a_password_lockout(client, tworld, smtp_server):
    for _ in range(6):
        client.post(LOGIN, {"username": "alice@example.org", "password": "not my password at all"})
    assert SignInFailure.objects.filter(key__startswith="password:alice@example.org|").exists()
    client.post(RESET, {"email": "alice@example.org"})
    run_worker()
    form_url = follow_link(client, smtp_server.wait_for(1)[0])
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.post(LOGIN, {"username": "alice@example.org", "password": NEW_PASSWORD})
    assert response.status_code == 302


# --- staff ----------------------------------------------------------------------------------------

def test_staff_with_an_authenticator_must_give_a_code_and_still_pass_two_factor_after(client, tworld, smtp_server):
    device = totp_device(tworld.bob)
    client.post(RESET, {"email": "bob@elm.example.gov"})
    run_worker()
    form_url = follow_link(client, smtp_server.wait_for(1)[0])
    page = client.get(form_url).content.decode()
    assert "6-digit code from your authenticator app" in page

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 400
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
                                      "code": "000000" if current_code(device) != "000000" else "111111"})
    assert response.status_code == 400 and "That code is not right." in response.content.decode()
    tworld.bob.refresh_from_db()
    assert not tworld.bob.check_password(NEW_PASSWORD)

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
                                      "code": current_code(device)})
    assert response.status_code == 302
    tworld.bob.refresh_from_db()
    assert tworld.bob.check_password(NEW_PASSWORD)

    # Signing in with the new password still leads to the two-factor step, with the same device.
    response = client.post(LOGIN, {"username": "bob@elm.example.gov", "password": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(STEP)
    assert client.get(reverse("staff:queues")).status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_staff_without_a_device_yet_cannot_reset_by_email(client, tworld, smtp_server):
    # They would enrol a new authenticator at the next sign-in: the mailbox alone must not be enough.
    client.post(RESET, {"email": "bob@elm.example.gov"})
    run_worker()
    form_url = follow_link(client, smtp_server.wait_for(1)[0])
    assert "Ask an administrator to reset your password." in client.get(form_url).content.decode()
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 400
    tworld.bob.refresh_from_db()
    assert tworld.bob.check_password("correct horse battery")
