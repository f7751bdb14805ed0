"""The inspection requirement of one type in the staff console (/staff/inspections/settings/<type>/): only the
type's jurisdiction's administrators; department and step limited to the type's; audited; turning it off keeps
results and is refused while inspections are booked without a result."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.accounts.models import User
from civicdesk.applications import demo as app_demo
from civicdesk.applications.demo import submitted_fence
from civicdesk.applications.tests.helpers import fence_type
from civicdesk.audit.models import AuditEntry
from civicdesk.inspections import services
from civicdesk.inspections.models import Booking, InspectionRule
from civicdesk.inspections.tests.helpers import inspected_fence, slot
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.testing.auth import login_verified


def _decision(kind):
    return next(step for step in kind.ordered_steps() if step.kind == "decision")


def test_it_refuses_everyone_but_the_types_administrators(client, world, seats):
    kind = fence_type(world)
    url = reverse("inspections_staff:settings", args=[kind.pk])
    assert client.get(url).status_code == 302 and "login" in client.get(url).url  # anonymous
    county_admin = User.objects.create_user(email="cora@maple.example.gov", password="x", is_staff=True)
    StaffMembership.objects.create(user=county_admin, jurisdiction=world.county, role=StaffMembership.Role.ADMIN)
    login_verified(client, county_admin)
    assert client.get(url).status_code == 404
    assert client.post(url, {"enabled": "on", "department": world.roads.pk,
                             "before_step": _decision(kind).pk}).status_code == 404
    for person in (world.bob, seats.supervisor, seats.agent):
        login_verified(client, person)
        assert client.get(url).status_code == 403
        assert client.post(url, {"enabled": "on", "department": world.public_works.pk,
                                 "before_step": _decision(kind).pk}).status_code == 403
    assert not InspectionRule.objects.exists()


def test_it_turns_the_requirement_on_audited_and_linked_from_the_types_page(client, world, seats):
    kind = fence_type(world)
    url = reverse("inspections_staff:settings", args=[kind.pk])
    login_verified(client, seats.admin)
    edit = client.get(reverse("applications_config:edit", args=[kind.pk])).content.decode()
    assert 'data-testid="type-config-links"' in edit and url in edit
    saved = client.post(url, {"enabled": "on", "department": world.public_works.pk,
                              "before_step": _decision(kind).pk})
    assert saved.status_code == 302
    rule = InspectionRule.objects.get(application_type=kind)
    assert rule.department == world.public_works and rule.before_step == _decision(kind)
    entry = AuditEntry.objects.get(action="inspection.rule_on")
    assert entry.actor == seats.admin and entry.object_id == str(kind.pk) and entry.jurisdiction_id == world.elm.pk
    assert entry.data == {"department": world.public_works.pk, "before_step": _decision(kind).pk}
    first_review = kind.ordered_steps()[1]
    client.post(url, {"enabled": "on", "department": world.sanitation.pk, "before_step": first_review.pk})
    rule.refresh_from_db()
    assert rule.department == world.sanitation and rule.before_step == first_review
    assert AuditEntry.objects.filter(action="inspection.rule_changed").count() == 1
    assert "Sanitation" in client.get(url).content.decode()


def test_it_refuses_a_step_of_another_type_and_a_department_of_another_jurisdiction(client, world, seats):
    kind = fence_type(world)
    other = app_demo.build_block_party(world.elm, review_department=world.sanitation)
    url = reverse("inspections_staff:settings", args=[kind.pk])
    login_verified(client, seats.admin)
    page = client.post(url, {"enabled": "on", "department": world.public_works.pk,
                             "before_step": _decision(other).pk}).content.decode()
    assert "Choose one of this type&#x27;s review steps." in page
    page = client.post(url, {"enabled": "on", "department": world.roads.pk,
                             "before_step": _decision(kind).pk}).content.decode()
    assert "Choose a department of this type&#x27;s jurisdiction." in page
    page = client.post(url, {"enabled": "on"}).content.decode()
    assert "Choose the department whose inspectors do the inspection." in page
    assert "Choose the step the inspection must pass before." in page
    assert not InspectionRule.objects.exists() and not AuditEntry.objects.filter(action__startswith="inspection.")\
        .exists()


def test_it_refuses_turning_off_while_booked_and_keeps_results_when_off(client, world, seats):
    kind = inspected_fence(world)
    application = submitted_fence(kind, world.alice)
    booking = services.book(application, user=world.alice, slot=slot(world))
    url = reverse("inspections_staff:settings", args=[kind.pk])
    login_verified(client, seats.admin)
    assert 'data-testid="open-bookings"' in client.get(url).content.decode()
    refused = client.post(url, {}).content.decode()
    assert "Record their results first, then turn the requirement off." in refused
    moved = client.post(url, {"enabled": "on", "department": world.sanitation.pk,
                              "before_step": _decision(kind).pk}).content.decode()
    assert "Record their results first, then choose another department." in moved
    assert InspectionRule.objects.get().department == world.public_works
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.PASSED)
    assert client.post(url, {}).status_code == 302
    assert not InspectionRule.objects.exists() and Booking.objects.get(pk=booking.pk).status == "passed"
    entry = AuditEntry.objects.get(action="inspection.rule_off")
    assert entry.data == {"department": world.public_works.pk, "before_step": _decision(kind).pk}
    assert "this type needs no inspection" in client.get(url).content.decode()
