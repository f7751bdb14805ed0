"""Changing the password while signed in: the current one is asked, the session stays, others end."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from civicdesk.audit.models import AuditEntry

URL = reverse("accounts:password_change")
NEW = "plum orchard lantern 84"


def test_it_changes_the_password_and_keeps_this_session_signed_in(client, world):
    other_device = Client()
    other_device.force_login(world.alice)
    client.force_login(world.alice)
    response = client.post(URL, {"old_password": "correct horse battery", "new_password1": NEW,
                                 "new_password2": NEW})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:settings")
    world.alice.refresh_from_db()
    assert world.alice.check_password(NEW)
    assert client.get(reverse("accounts:my_requests")).status_code == 200
    assert other_device.get(reverse("accounts:my_requests")).status_code == 302  # signed out elsewhere
    assert AuditEntry.objects.filter(action="user.password_changed", object_id=str(world.alice.pk)).exists()


def test_it_refuses_a_wrong_current_password_with_a_linked_error(client, world):
    client.force_login(world.alice)
    response = client.post(URL, {"old_password": "correct hrose battery", "new_password1": NEW, "new_password2": NEW})
    html = response.content.decode()
    assert response.status_code == 400
    assert '<a class="usa-link" href="#id_old_password">Your old password was entered incorrectly.' in html
    assert "<title>Error: Change your password" in html
    world.alice.refresh_from_db()
    assert world.alice.check_password("correct horse battery")


def test_the_account_page_links_each_change(client, world):
    client.force_login(world.alice)
    html = client.get(reverse("accounts:settings")).content.decode()
    for name in ("email_change", "password_change", "delete_account"):
        assert f'href="{reverse("accounts:" + name)}"' in html
