"""The directory's content in the editorial staff console: drafts, review by another editor, publishing,
validation in words an editor understands; residents see only what is published."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.content.tests.helpers import editors, publish
from civicdesk.directory.models import DepartmentProfile, PermitGuide, ServiceGuide
from civicdesk.editorial.models import Revision, Status
from civicdesk.testing.auth import login_verified


def _profile_data(world, **overrides):
    data = {"jurisdiction": world.elm.pk, "department": world.public_works.pk, "lat": "3.0", "long": "2.5",
            "hours": '{"mon": [["08:00", "17:00"]]}', "special_days": "[]", "summary__en": "We fix **streets**.",
            "summary__es": "Arreglamos **calles**.", "address__en": "1 Oak Street", "address__es": "1 Oak Street"}
    data.update(overrides)
    return data


def test_it_publishes_a_department_profile_only_after_another_editor_approves(world, client):
    erin, eve = editors(world)
    login_verified(client, erin)
    response = client.post(reverse("editorial:new", args=["department"]), _profile_data(world))
    profile = DepartmentProfile.objects.get()
    assert response.status_code == 302 and profile.status == Status.DRAFT
    assert profile.summary == {"en": "We fix **streets**.", "es": "Arreglamos **calles**."}
    assert "We fix" not in client.get("/departments/elm/public-works/").content.decode()

    action = reverse("editorial:action", args=["department", profile.pk])
    client.post(action, {"action": "submit"})
    client.post(action, {"action": "approve"})
    profile.refresh_from_db()
    assert profile.status == Status.IN_REVIEW
    login_verified(client, eve)
    client.post(action, {"action": "approve", "approve-publish_at": "", "approve-unpublish_at": ""})
    profile.refresh_from_db()
    assert profile.status == Status.PUBLISHED
    assert "We fix <strong>streets</strong>." in client.get("/departments/elm/public-works/").content.decode()
    assert Revision.objects.filter(object_id=profile.pk).count() == 3


def test_it_refuses_hours_and_days_a_person_got_wrong_without_saving(world, client):
    erin, _eve = editors(world)
    login_verified(client, erin)
    response = client.post(reverse("editorial:new", args=["department"]),
                           _profile_data(world, hours='{"monday": ["08:00", "17:00"]}',
                                         special_days='[{"date": "Christmas"}]'))
    page = response.content.decode()
    assert response.status_code == 200 and not DepartmentProfile.objects.exists()
    assert "is not a weekday" in page and "needs a date like 2026-12-24" in page


def test_it_edits_a_permit_with_its_fees_and_keeps_the_fee_lines_in_revisions(world, client):
    erin, eve = editors(world)
    login_verified(client, erin)
    data = {"jurisdiction": world.elm.pk, "slug": "fence-permit", "kind": "permit",
            "department": world.public_works.pk, "processing_days": "5", "apply_url": "",
            "fees": '[{"amount_cents": 5000, "currency": "USD", "covers": {"en": "Permit", "es": "Permiso"}}]',
            "title__en": "Fence permit", "title__es": "Permiso para cercas", "requirements__en": "A site plan"}
    response = client.post(reverse("editorial:new", args=["permit"]), data)
    guide = PermitGuide.objects.get()
    assert response.status_code == 302 and guide.fee_lines()[0].display_amount() == "$50.00"
    publish(guide, erin, eve)
    assert Revision.objects.filter(object_id=guide.pk).first().data["fees"][0]["amount_cents"] == 5000
    response = client.post(reverse("editorial:edit", args=["permit", guide.pk]),
                           {**data, "fees": '[{"amount_cents": 49.99, "covers": {"en": "Permit"}}]'})
    assert "whole cents" in response.content.decode()


def test_it_keeps_a_service_guide_off_the_page_while_in_draft(world, client):
    erin, eve = editors(world)
    guide = ServiceGuide(jurisdiction=world.elm, service_type=world.pothole, covers={"en": "Holes in streets."})
    from civicdesk.editorial import services

    services.save_draft(guide, user=erin)
    assert "Holes in streets." not in client.get("/services/pothole/").content.decode()
    publish(guide, erin, eve)
    assert "Holes in streets." in client.get("/services/pothole/").content.decode()


def test_it_lists_the_directory_sections_on_the_help_hub(world, client):
    page = client.get("/help/").content.decode()
    assert 'href="/services/"' in page and 'href="/departments/"' in page


def test_it_names_profiles_and_guides_by_department_and_service_in_the_editors_list(world, client):
    erin, _eve = editors(world)
    from civicdesk.directory.tests.helpers import make_guide, make_profile

    make_profile(world.public_works, updated_by=erin)
    make_guide(world.pothole, world.elm, updated_by=erin)
    login_verified(client, erin)
    page = client.get(reverse("editorial:list")).content.decode()
    assert "Public Works" in page and "Pothole" in page and "We fix the streets." not in page
