"""Conditional GET on public pages (core/conditional.py): a 304 without rendering while nothing the page shows
has changed, and a fresh page the moment anything it shows does."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from civicdesk.comments import services as comments
from civicdesk.comments.models import Comment
from civicdesk.forums.tests.helpers import verified
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.moderation import services as moderation
from civicdesk.notices.models import ServiceNotice
from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_EAST_ELM


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (30, 120, 200)).save(buffer, "JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def report(world, **extra):
    data = dict(service_type=world.pothole, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1], attributes={"depth": "deep"},
                description="Hole by the quarrystone library steps", contact_email="zed.quimby@example.org")
    data.update(extra)
    return services.submit_request(**data)


def again(client, url, response, **headers):
    """The same page asked again the way a browser or a proxy revalidates it."""
    return client.get(url, HTTP_IF_NONE_MATCH=response["ETag"], **headers)


@pytest.fixture
def tracked(world):
    world.pothole.allows_public_comments = True
    world.pothole.save()
    return report(world, uploads=[jpeg()])


def test_it_answers_a_tracking_page_304_without_rendering_while_nothing_changed(client, world, tracked):
    url = tracked.get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"].startswith('"')
    assert first["Cache-Control"] == "private, no-cache"  # the page has forms: the visitor's own token
    assert first["Last-Modified"]
    second = again(client, url, first)
    assert second.status_code == 304 and second["ETag"] == first["ETag"]
    assert second.templates == [] and second.content == b""
    assert again(client, url, first, HTTP_ACCEPT_LANGUAGE="es").status_code == 200  # another language


def _status_change(world, sr):
    services.transition(sr, world.statuses["in_progress"], user=world.bob, message="Crew quarrystone on the way")


def _public_update(world, sr):
    services.add_note(sr, message="Inspected quarrystone", user=world.bob, public=True)


def _hidden_photo(world, sr):
    services.hide_attachment(sr.attachments.get(), user=world.bob, reason="A face is visible")


def _redaction(world, sr):
    services.redact_text(sr, redacted="Hole by the [redacted]", user=world.bob, reason="An address")


def _merge(world, sr):
    original = report(world, description="The first quarrystone report", contact_email="")
    services.merge(sr, into=original, user=world.bob)


def _made_private(world, sr):
    services.set_private(sr, private=True, user=world.bob, reason="A child's name")


def _supporter(world, sr):
    services.support(sr, session_key="quarrystone-session")


def _comment_posted(world, sr):
    verified(world.alice)
    comments.post_comment(sr, world.alice, body="Same here quarrystone", client="10.0.0.9")


CHANGES = [_status_change, _public_update, _hidden_photo, _redaction, _merge, _made_private, _supporter,
           _comment_posted]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__.strip("_"))
def test_it_serves_the_tracking_page_fresh_after_each_change_that_shows_on_it(client, world, tracked, change):
    url = tracked.get_absolute_url()
    before = client.get(url)
    change(world, tracked)
    after = again(client, url, before)
    assert after.status_code in (200, 404)  # 404: made private
    assert after.content != before.content
    if after.status_code == 200:
        assert after["ETag"] != before["ETag"]
        assert again(client, url, after).status_code == 304


def test_it_serves_the_tracking_page_fresh_after_a_comment_is_hidden(client, world, tracked):
    _comment_posted(world, tracked)
    url = tracked.get_absolute_url()
    before = client.get(url)
    assert b"Same here quarrystone" in before.content
    StaffMembership.objects.filter(user=world.bob).update(role=StaffMembership.Role.ADMIN)
    moderation.moderate(Comment.objects.get(), world.bob, "hide", reason="Off topic")
    after = again(client, url, before)
    assert after.status_code == 200 and b"Same here quarrystone" not in after.content


def test_it_serves_the_tracking_page_fresh_after_its_kind_of_problem_is_renamed(client, world, tracked):
    url = tracked.get_absolute_url()
    before = client.get(url)
    world.pothole.name = "Quarrystone crater"
    world.pothole.save()
    after = again(client, url, before)
    assert after.status_code == 200 and b"Quarrystone crater" in after.content


def test_it_gives_signed_in_visitors_and_waiting_messages_a_fresh_page(client, world, tracked):
    url = tracked.get_absolute_url()
    anonymous = client.get(url)
    client.post(reverse("servicerequests:support", args=[tracked.public_id]))  # leaves a "thank you" message
    with_message = again(client, url, anonymous)
    assert with_message.status_code == 200 and "ETag" not in with_message
    client.force_login(world.bob)
    signed_in = client.get(url)
    assert signed_in.status_code == 200 and "ETag" not in signed_in


def test_it_lets_a_shared_cache_keep_the_home_page_until_something_on_it_changes(world):
    client = Client()
    with time_machine.travel(timezone.now().replace(second=0), tick=True):
        first = client.get("/")
        assert first.status_code == 200
        assert first["Cache-Control"] == "public, no-cache"
        assert "csrftoken" not in first.cookies  # no per-visitor token: one copy serves everyone
        assert "Cookie" in first["Vary"] and "Accept-Language" in first["Vary"]
        assert again(client, "/", first).status_code == 304
        report(world, description="A new quarrystone report")
        changed = again(client, "/", first)
        assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_it_changes_the_home_page_every_minute_for_its_how_long_ago_times(world):
    client = Client()
    start = timezone.now().replace(second=0)
    with time_machine.travel(start, tick=False):
        first = client.get("/")
    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        assert again(client, "/", first).status_code == 200


def test_it_serves_the_notices_fresh_when_a_notice_changes(world):
    client = Client()
    url = reverse("notices:list")
    with time_machine.travel(timezone.now().replace(second=0), tick=True):
        first = client.get(url)
        assert first["Cache-Control"] == "public, no-cache"
        assert again(client, url, first).status_code == 304
        ServiceNotice.objects.create(
            jurisdiction=world.elm, kind=ServiceNotice.Kind.DISRUPTION, title="Quarrystone road closed",
            body="Closed for works.", starts_at=timezone.now() - dt.timedelta(hours=1),
            published_at=timezone.now())
        changed = again(client, url, first)
        assert changed.status_code == 200 and b"Quarrystone road closed" in changed.content


def test_it_answers_the_report_forms_first_step_304_but_renders_every_search(client, world):
    url = reverse("intake:start")
    first = client.get(url)
    assert first["Cache-Control"] == "public, no-cache"
    assert again(client, url, first).status_code == 304
    searched = client.get(url, {"q": "pothole"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert searched.status_code == 200 and "ETag" not in searched


def test_it_switches_language_from_a_cached_page_without_a_token(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "es"
    assert client.get("/").wsgi_request.LANGUAGE_CODE == "es"
