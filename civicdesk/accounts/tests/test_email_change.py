"""Changing the sign-in address: password re-entry, a link to the NEW address, a notice to the OLD one."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from civicdesk.accounts.models import User
from civicdesk.audit.models import AuditEntry

URL = reverse("accounts:email_change")
PASSWORD = "correct horse battery"


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def confirm_path(message) -> str:
    return "/account/email/" + re.search(r"/account/email/(\S+?)/", body(message)).group(1) + "/"


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """POST the form and run what waits for the commit (the emails), as a real request does."""
    def post(email: str, password: str = PASSWORD):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, {"email": email, "password": password})
    return post


def test_it_needs_a_signed_in_person(client, world):
    assert client.get(URL)["Location"].startswith(reverse("accounts:login"))


def test_it_sends_a_link_to_the_new_address_and_a_notice_to_the_old_one(client, ask, world, smtp_server):
    client.force_login(world.alice)
    response = ask("Alice.Moved@Example.net")
    assert response.status_code == 200 and "alice.moved@example.net" in response.content.decode()
    confirm, notice = smtp_server.wait_for(2)
    assert confirm["To"] == "alice.moved@example.net" and confirm["Subject"] == "Confirm your new email address"
    assert notice["To"] == "alice@example.org"
    assert "alice.moved@example.net" in body(notice) and "/account/password-reset/" in body(notice)
    assert "/account/email/" not in body(notice)  # the old mailbox cannot complete the change
    world.alice.refresh_from_db()
    assert world.alice.email == "alice@example.org"  # nothing changes before the link is followed

    path = confirm_path(confirm)
    page = client.get(path)
    assert "Use this address" in page.content.decode()
    world.alice.refresh_from_db()
    assert world.alice.email == "alice@example.org"  # opening the link (a mail scanner) changes nothing
    response = client.post(path)
    assert response.status_code == 302
    world.alice.refresh_from_db()
    assert world.alice.email == "alice.moved@example.net" and world.alice.is_email_verified
    assert AuditEntry.objects.filter(action="user.email_changed", object_id=str(world.alice.pk),
                                     data__to="alice.moved@example.net").exists()
    # Used once: the link no longer names the account's current address.
    assert client.post(path).status_code == 400


def test_it_refuses_a_wrong_password(client, ask, world, smtp_server):
    client.force_login(world.alice)
    response = ask("alice.moved@example.net", "correct horse batery")
    html = response.content.decode()
    assert response.status_code == 400
    assert '<a class="usa-link" href="#id_password">That is not your current password.' in html
    assert smtp_server.messages == []


def test_it_refuses_an_address_another_account_uses(client, ask, world):
    client.force_login(world.alice)
    response = ask("BOB@elm.example.gov")
    assert response.status_code == 400
    assert "Another account already uses this email address." in response.content.decode()


def test_it_refuses_an_address_taken_after_the_link_was_sent(client, ask, world, smtp_server):
    client.force_login(world.alice)
    ask("shared@example.net")
    confirm, _notice = smtp_server.wait_for(2)
    User.objects.create_user("shared@example.net", "another long password 1")
    response = client.post(confirm_path(confirm))
    assert response.status_code == 400 and "Another account now uses this email address" in response.content.decode()
    world.alice.refresh_from_db()
    assert world.alice.email == "alice@example.org"


def test_it_refuses_a_link_older_than_a_day(client, ask, world, smtp_server):
    client.force_login(world.alice)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ask("alice.moved@example.net")
    confirm, _notice = smtp_server.wait_for(2)
    with time_machine.travel(start + dt.timedelta(hours=25), tick=False):
        assert client.post(confirm_path(confirm)).status_code == 400
    world.alice.refresh_from_db()
    assert world.alice.email == "alice@example.org"


def test_it_limits_how_often_one_account_asks(client, ask, world, smtp_server):
    client.force_login(world.alice)
    for n in range(3):
        assert ask(f"new{n}@example.net").status_code == 200
    response = ask("new9@example.net")
    assert response.status_code == 429 and "too many changes" in response.content.decode()
    assert len(smtp_server.wait_for(6)) == 6


def test_it_writes_in_the_persons_language(client, ask, world, smtp_server):
    world.alice.language = "es"
    world.alice.save()
    client.force_login(world.alice)
    ask("alice.moved@example.net")
    confirm, notice = smtp_server.wait_for(2)
    assert confirm["Subject"].strip() == "Confirme su nueva dirección de correo electrónico"
    assert "restablezca su contraseña" in body(notice)
