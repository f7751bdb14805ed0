"""Editing a published department profile in the editorial console: the live profile stays on its public page
and in search while the change is drafted and reviewed (civicdesk/editorial, PendingChange); approving puts it
live, sending it back leaves the live text."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.content.tests.helpers import editors
from civicdesk.directory.models import DepartmentProfile
from civicdesk.editorial import services
from civicdesk.editorial.models import PendingChange, Status
from civicdesk.search.services import search, sync_all
from civicdesk.testing.auth import login_verified

from .helpers import make_profile
from .test_editor import _profile_data

PAGE = "/departments/elm/public-works/"


def _urls(query: str) -> list[str]:
    return [r.url for r in search(query, language="en").results]


def _post_change(client, world, profile, summary: str):
    data = _profile_data(world, summary__en=summary, save="1")
    data.pop("jurisdiction")  # fixed while the profile is published
    return client.post(reverse("editorial:edit", args=["department", profile.pk]), data)


def test_it_keeps_the_published_profile_live_until_another_editor_approves_the_change(
        world, client, django_capture_on_commit_callbacks):
    erin, eve = editors(world)
    profile = make_profile(world.public_works, summary={"en": "We plough with snowplows."})
    sync_all()
    login_verified(client, erin)
    with django_capture_on_commit_callbacks(execute=True):
        assert _post_change(client, world, profile, "We now sweep with platypusbrooms.").status_code == 302
        client.post(reverse("editorial:action", args=["department", profile.pk]), {"action": "submit"})
    profile.refresh_from_db()
    assert profile.status == Status.PUBLISHED and profile.summary == {"en": "We plough with snowplows."}
    assert PendingChange.objects.get().status == Status.IN_REVIEW
    page = client.get(PAGE).content.decode()
    assert "snowplows" in page and "platypusbrooms" not in page
    assert _urls("platypusbrooms") == [] and _urls("snowplows") == [PAGE]

    client.post(reverse("editorial:action", args=["department", profile.pk]), {"action": "approve"})
    assert PendingChange.objects.exists()  # the author cannot approve their own change
    login_verified(client, eve)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("editorial:action", args=["department", profile.pk]), {"action": "approve"})
    profile.refresh_from_db()
    assert profile.summary["en"] == "We now sweep with platypusbrooms." and profile.reviewed_by == eve
    assert profile.hours["mon"] == [["08:00", "17:00"]]  # the change's hours grid went live with it
    assert not PendingChange.objects.exists()
    assert "platypusbrooms" in client.get(PAGE).content.decode() and _urls("platypusbrooms") == [PAGE]
    actions = list(AuditEntry.objects.filter(object_type="directory.departmentprofile")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["editorial.change_saved", "editorial.change_submitted", "editorial.change_approved"]


def test_it_leaves_the_live_profile_when_the_change_is_sent_back(world, client):
    erin, eve = editors(world)
    profile = make_profile(world.public_works, summary={"en": "We plough with snowplows."})
    login_verified(client, erin)
    _post_change(client, world, profile, "We now sweep with platypusbrooms.")
    action = reverse("editorial:action", args=["department", profile.pk])
    client.post(action, {"action": "submit"})
    login_verified(client, eve)
    client.post(action, {"action": "send_back", "send_back-comment": "Which streets?"})
    profile.refresh_from_db()
    assert profile.summary == {"en": "We plough with snowplows."} and profile.is_public()
    assert PendingChange.objects.get().review_comment == "Which streets?"
    assert "platypusbrooms" not in client.get(PAGE).content.decode()
    client.post(action, {"action": "unpublish"})
    profile.refresh_from_db()
    assert profile.status == Status.UNPUBLISHED and not PendingChange.objects.exists()


def test_it_shows_what_a_pending_change_does_to_the_days_with_other_hours(world, client):
    erin, _eve = editors(world)
    profile = make_profile(world.public_works, special_days=[
        {"date": "2030-12-24", "hours": [["08:00", "12:00"]], "note": {"en": "Christmas Eve"}}])
    edited = DepartmentProfile.objects.get(pk=profile.pk)
    edited.special_days = [{"date": "2030-12-31", "hours": [], "note": {"en": "New Year's Eve"}}]
    services.save_draft(edited, user=erin)
    login_verified(client, erin)
    response = client.get(reverse("editorial:edit", args=["department", profile.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="pending-change"' in html
    assert "Christmas<" in html and "New Year&#x27;s<" in html  # the diff of the days: one deleted, one inserted
    assert DepartmentProfile.objects.get(pk=profile.pk).special_days[0]["date"] == "2030-12-24"
