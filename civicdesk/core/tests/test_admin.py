"""The admin: every configuration screen loads, searches and filters; jurisdiction admins see only their own."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_COUNTY_ONLY, IN_EAST_ELM
from civicdesk.testing.auth import login_verified

MODELS = [model for model in admin.site._registry if model._meta.app_label not in ("auth", "django_tasks_db")]


@pytest.fixture
def superuser(world):
    world.alice.is_superuser = world.alice.is_staff = True
    world.alice.save()
    return world.alice


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_it_lists_searches_and_adds_every_model(client, superuser, model):
    login_verified(client, superuser)
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "oak"}).status_code == 200
    add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code in (200, 403)


def test_it_shows_a_request_with_its_timeline(client, superuser, world):
    request = services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1])
    login_verified(client, superuser)
    response = client.get(reverse("admin:servicerequests_servicerequest_change", args=[request.pk]))
    assert response.status_code == 200 and "Routed to" in response.content.decode()


def test_it_limits_a_jurisdiction_admin_to_their_jurisdiction(client, world):
    town = services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1])
    county = services.submit_request(service_type=world.graffiti, lat=IN_COUNTY_ONLY[0], long=IN_COUNTY_ONLY[1])
    StaffMembership.objects.filter(user=world.bob).update(role=StaffMembership.Role.ADMIN)
    world.bob.user_permissions.add(*Permission.objects.filter(codename__in=[
        "view_servicerequest", "view_department", "change_department"]))
    login_verified(client, world.bob)
    listing = client.get(reverse("admin:servicerequests_servicerequest_changelist")).content.decode()
    assert town.public_id in listing and county.public_id not in listing
    assert client.get(reverse("admin:servicerequests_servicerequest_change", args=[county.pk])).status_code == 302
    departments = client.get(reverse("admin:jurisdictions_department_changelist")).content.decode()
    assert "Public Works" in departments and "County Roads" not in departments


def test_it_audits_catalogue_changes_made_in_the_admin(client, superuser, world):
    login_verified(client, superuser)
    url = reverse("admin:catalog_routingrule_change", args=[world.pothole.routing_rules.first().pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(service_types=[t.pk for t in form.initial["service_types"]], order=7, is_active="on",
                jurisdiction=world.elm.pk, department=world.public_works.pk, name="Streets")
    data.pop("area", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    rule = world.pothole.routing_rules.first()
    assert rule.audit_entries().filter(action="routingrule.changed", actor=superuser).exists()
