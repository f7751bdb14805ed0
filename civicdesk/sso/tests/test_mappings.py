"""The staff console's single sign-on table: jurisdiction admins map groups to seats and set sign-in rules."""

from __future__ import annotations

import pytest

from civicdesk.audit.models import AuditEntry
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.sso.models import SsoJurisdictionPolicy, SsoRoleMapping
from civicdesk.testing.auth import login_verified

URL = "/sso/staff/"


@pytest.fixture
def elm_admin(world, client):
    StaffMembership.objects.filter(user=world.bob).update(role=StaffMembership.Role.ADMIN)
    login_verified(client, world.bob)
    return world.bob


def test_it_adds_a_mapping_and_logs_it(client, world, elm_admin, provider):
    response = client.post(URL, {"claim_value": " elm-crew-leads ", "jurisdiction": world.elm.pk,
                                 "department": world.sanitation.pk, "role": "supervisor"})
    assert response.status_code == 302
    mapping = SsoRoleMapping.objects.get()
    assert (mapping.claim_value, mapping.department, mapping.role) == ("elm-crew-leads", world.sanitation,
                                                                        "supervisor")
    entry = AuditEntry.objects.get(action="sso.mapping_added")
    assert entry.actor == elm_admin and entry.jurisdiction_id == world.elm.pk
    page = client.get(URL).content.decode()
    assert "<code>elm-crew-leads</code>" in page and "Staff sign in with Elm Directory" in page


def test_it_refuses_a_department_of_another_jurisdiction_and_a_duplicate_seat(client, world, elm_admin):
    response = client.post(URL, {"claim_value": "elm-crew-leads", "jurisdiction": world.elm.pk,
                                 "department": world.roads.pk, "role": "staff"})
    assert response.status_code == 400 and not SsoRoleMapping.objects.exists()
    SsoRoleMapping.objects.create(claim_value="elm-crew-leads", jurisdiction=world.elm,
                                  department=world.sanitation, role="staff")
    response = client.post(URL, {"claim_value": "elm-crew-leads", "jurisdiction": world.elm.pk,
                                 "department": world.sanitation.pk, "role": "admin"})
    assert response.status_code == 400
    assert "This group already gives a seat" in response.content.decode()
    assert SsoRoleMapping.objects.count() == 1


def test_it_keeps_an_admin_to_their_own_jurisdiction(client, world, elm_admin):
    response = client.post(URL, {"claim_value": "county-roads", "jurisdiction": world.county.pk, "role": "staff"})
    assert response.status_code == 400 and not SsoRoleMapping.objects.exists()
    theirs = SsoRoleMapping.objects.create(claim_value="county-roads", jurisdiction=world.county, role="staff")
    assert client.post(f"/sso/staff/{theirs.pk}/delete/").status_code == 404
    assert client.post(f"/sso/staff/rules/{world.county.pk}/", {f"j{world.county.pk}-create_accounts": "on"}
                       ).status_code == 404
    assert "county-roads" not in client.get(URL).content.decode()


def test_it_removes_a_mapping_and_logs_it(client, world, elm_admin):
    mapping = SsoRoleMapping.objects.create(claim_value="elm-crew-leads", jurisdiction=world.elm, role="staff")
    assert client.post(f"/sso/staff/{mapping.pk}/delete/").status_code == 302
    assert not SsoRoleMapping.objects.exists()
    assert AuditEntry.objects.get(action="sso.mapping_removed").data["claim_value"] == "elm-crew-leads"


def test_it_saves_a_jurisdictions_sign_in_rules(client, world, elm_admin):
    prefix = f"j{world.elm.pk}"
    response = client.post(f"/sso/staff/rules/{world.elm.pk}/", {f"{prefix}-create_accounts": "on"})
    assert response.status_code == 302
    policy = SsoJurisdictionPolicy.objects.get(jurisdiction=world.elm)
    assert (policy.passwords_allowed, policy.create_accounts) == (False, True)
    assert AuditEntry.objects.get(action="sso.rules_changed").data == {"passwords_allowed": False,
                                                                       "create_accounts": True}


def test_it_refuses_staff_who_are_not_admins(client, world):
    login_verified(client, world.carol)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"claim_value": "x", "jurisdiction": world.elm.pk, "role": "admin"}).status_code == 403
    assert not SsoRoleMapping.objects.exists()


def test_it_shows_script_in_a_claim_value_as_text(client, world, elm_admin):
    SsoRoleMapping.objects.create(claim_value="<script>alert('quokkafish')</script>", jurisdiction=world.elm,
                                  role="staff")
    page = client.get(URL).content.decode()
    assert "<script>alert('quokkafish')" not in page and "&lt;script&gt;alert(&#x27;quokkafish&#x27;)" in page


def test_it_lists_many_rows_in_a_fixed_number_of_queries(client, world, elm_admin, django_assert_max_num_queries):
    for n in range(12):
        SsoRoleMapping.objects.create(claim_value=f"group-{n}", jurisdiction=world.elm,
                                      department=world.sanitation if n % 2 else world.public_works, role="staff")
    with django_assert_max_num_queries(25):
        assert client.get(URL).status_code == 200
