"""The API key admin: issuing shows the key once, revoking switches it off, each key's calls are visible."""

from __future__ import annotations

import re

import pytest

from civicdesk.accounts.models import User
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.open311.models import ApiKey
from civicdesk.open311.services import authenticate, issue_api_key
from civicdesk.testing.auth import login_verified


@pytest.fixture
def signed_in(shared_client, db):
    """The shared client, signed in as whoever the test says, and signed out afterwards."""
    def sign_in(user):
        login_verified(shared_client, user)
        return shared_client
    yield sign_in
    shared_client.logout()


@pytest.fixture
def admin_user(world):
    return User.objects.create_superuser(email="root@example.gov", password="correct horse battery")


def test_it_shows_a_new_key_once_and_stores_only_its_hash(signed_in, admin_user, world):
    client = signed_in(admin_user)
    response = client.post("/admin/open311/apikey/add/", {"name": "FixMyStreet", "jurisdiction": world.elm.pk,
                                                          "is_active": "on", "rate_limit_per_minute": "30"},
                           follow=True)
    key = ApiKey.objects.get()
    shown = re.findall(r"cd311_[\w-]{40,}", response.content.decode())  # the whole key, not a listed prefix
    assert len(shown) == 1 and "will not be shown again" in response.content.decode()
    raw = shown[0]
    assert authenticate(raw) == key and key.prefix == raw[:12] and key.key_hash != raw
    assert (key.jurisdiction, key.rate_limit_per_minute) == (world.elm, 30)
    assert key.audit_entries().filter(action="open311.apikey_issued", actor=admin_user).exists()
    page = client.get(f"/admin/open311/apikey/{key.pk}/change/").content.decode()
    assert raw not in page and key.prefix in page


def test_it_lists_each_keys_calls_and_revokes_with_an_action(signed_in, admin_user, world):
    key, raw = issue_api_key(name="Phone app")
    ApiKey.objects.filter(pk=key.pk).update(request_count=1234)
    client = signed_in(admin_user)
    assert "1234" in client.get("/admin/open311/apikey/").content.decode()
    client.post("/admin/open311/apikey/", {"action": "revoke", "_selected_action": [key.pk]})
    key.refresh_from_db()
    assert not key.is_active and key.revoked_at is not None
    assert key.audit_entries().filter(action="open311.apikey_revoked", actor=admin_user).exists()


def test_it_shows_a_jurisdiction_admin_only_their_own_keys(signed_in, world):
    issue_api_key(name="Elm app", jurisdiction=world.elm)
    issue_api_key(name="County app", jurisdiction=world.county)
    StaffMembership.objects.filter(user=world.bob).update(role=StaffMembership.Role.ADMIN)
    world.bob.is_staff = True
    world.bob.save()
    from django.contrib.auth.models import Permission

    world.bob.user_permissions.add(*Permission.objects.filter(content_type__app_label="open311"))
    page = signed_in(world.bob).get("/admin/open311/apikey/").content.decode()
    assert "Elm app" in page and "County app" not in page
