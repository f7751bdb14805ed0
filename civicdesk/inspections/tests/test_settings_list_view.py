"""The list of inspection requirements (/staff/inspections/settings/): every type the administrator configures,
with its requirement; linked from the inspectors' pages; other seats refused."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.accounts.models import User
from civicdesk.applications import demo as app_demo
from civicdesk.applications.models import ApplicationType
from civicdesk.inspections.tests.helpers import inspected_fence
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.testing.auth import login_verified


def test_it_lists_the_demo_types_and_each_settings_page_renders(client, world, seats,
                                                                django_assert_max_num_queries):
    inspected_fence(world)
    app_demo.build_block_party(world.elm, review_department=world.sanitation)
    app_demo.build_dog_licence(world.elm, review_department=world.public_works)
    login_verified(client, seats.admin)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("inspections_staff:settings_list")).content.decode()
    assert 'data-testid="inspection-rules"' in page and "Not needed" in page and "By Public Works" in page
    for kind in ApplicationType.objects.all():
        url = reverse("inspections_staff:settings", args=[kind.pk])
        assert url in page
        shown = client.get(url)
        assert shown.status_code == 200
        assert all(f'value="{step.pk}"' in shown.content.decode() for step in kind.steps.all())
    # The inspector's pages link here for an administrator, not for an inspector who is not one.
    StaffMembership.objects.create(user=seats.admin, jurisdiction=world.elm, department=world.public_works,
                                   role=StaffMembership.Role.STAFF)
    assert 'data-testid="settings-link"' in client.get(reverse("inspections_staff:availability")).content.decode()
    assert 'data-testid="settings-link"' in client.get(reverse("inspections_staff:day")).content.decode()
    login_verified(client, world.bob)
    assert 'data-testid="settings-link"' not in client.get(reverse("inspections_staff:availability")).content.decode()


def test_it_refuses_other_seats_and_shows_only_the_admins_jurisdiction(client, world, seats):
    fence = inspected_fence(world)
    url = reverse("inspections_staff:settings_list")
    assert client.get(url).status_code == 302
    for person in (world.bob, seats.supervisor, seats.agent):
        login_verified(client, person)
        assert client.get(url).status_code == 403
    county_admin = User.objects.create_user(email="cora@maple.example.gov", password="x", is_staff=True)
    StaffMembership.objects.create(user=county_admin, jurisdiction=world.county, role=StaffMembership.Role.ADMIN)
    login_verified(client, county_admin)
    page = client.get(url).content.decode()
    assert reverse("inspections_staff:settings", args=[fence.pk]) not in page and "No permit or licence types yet." in page
