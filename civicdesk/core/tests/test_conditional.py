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


def test_it_serves_the_tracking_page_fresh_after_a_hidden_comment_is_restored(client, world, tracked):
    _comment_posted(world, tracked)
    StaffMembership.objects.filter(user=world.bob).update(role=StaffMembership.Role.ADMIN)
    moderation.moderate(Comment.objects.get(), world.bob, "hide", reason="Off topic")
    url = tracked.get_absolute_url()
    before = client.get(url)
    assert b"Same here quarrystone" not in before.content
    moderation.moderate(Comment.objects.get(), world.bob, "restore", reason="")
    after = again(client, url, before)
    assert after.status_code == 200 and b"Same here quarrystone" in after.content


def test_it_keeps_answering_304_when_another_requests_comments_change(client, world, tracked):
    other = report(world, description="Another hole by the quarrystone bridge", contact_email="")
    url = tracked.get_absolute_url()
    before = client.get(url)
    _comment_posted(world, other)
    assert again(client, url, before).status_code == 304


def test_it_answers_a_tracking_page_304_with_one_statement_comments_included(client, world, tracked,
                                                                             cached_configuration,
                                                                             django_assert_num_queries):
    _comment_posted(world, tracked)
    url = tracked.get_absolute_url()
    first = client.get(url)
    with django_assert_num_queries(1):  # the request's version and its comments', in one round trip
        assert again(client, url, first).status_code == 304


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


def _home_notice(world, title: str) -> ServiceNotice:
    return ServiceNotice.objects.create(
        jurisdiction=world.elm, kind=ServiceNotice.Kind.DISRUPTION, title=title, body="Closed for works.",
        starts_at=timezone.now() - dt.timedelta(hours=1), published_at=timezone.now())


@pytest.mark.parametrize("requests", [0, 1], ids=["no request yet", "with requests"])
def test_it_serves_the_home_page_fresh_after_each_change_of_its_notices(world, requests):
    if requests:
        report(world, description="A quarrystone report")
    client = Client()
    with time_machine.travel(timezone.now().replace(second=0), tick=True):
        first = client.get("/")
        assert again(client, "/", first).status_code == 304
        notice = _home_notice(world, "Quarrystone road closed")
        added = again(client, "/", first)
        assert added.status_code == 200 and b"Quarrystone road closed" in added.content
        notice.title = "Quarrystone road reopened"
        notice.save()
        edited = again(client, "/", added)
        assert edited.status_code == 200 and b"Quarrystone road reopened" in edited.content
        notice.delete()
        removed = again(client, "/", edited)
        assert removed.status_code == 200 and b"Quarrystone road" not in removed.content


def test_it_answers_a_home_page_304_with_one_statement(world, cached_configuration, django_assert_num_queries):
    report(world, description="A quarrystone report")
    _home_notice(world, "Quarrystone road closed")
    client = Client()
    with time_machine.travel(timezone.now().replace(second=0), tick=True):
        first = client.get("/")
        with django_assert_num_queries(1):  # the newest request change and the notices, in one round trip
            assert again(client, "/", first).status_code == 304


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


# --- Rendered pages kept by the process (RenderedPages) -------------------------------------------------------


def test_it_sends_the_next_visitor_the_kept_home_page_without_rendering_and_renders_after_a_change(world):
    with time_machine.travel(timezone.now().replace(second=0), tick=True):
        first = Client().get("/")
        assert first.status_code == 200 and first.templates  # rendered
        kept = Client().get("/")  # another visitor, no validator
        assert kept.status_code == 200 and kept.templates == []  # not rendered again
        assert kept.content == first.content and kept["ETag"] == first["ETag"]
        assert kept["Cache-Control"] == "public, no-cache" and "Cookie" in kept["Vary"]
        assert kept["Content-Type"] == first["Content-Type"]
        report(world, description="A new quarrystone report, kept page test")
        fresh = Client().get("/")
        assert fresh.templates and fresh["ETag"] != first["ETag"]  # the change shows at once


def test_it_keeps_a_page_per_language_and_never_sends_one_to_the_other(world):
    url = reverse("notices:list")
    with time_machine.travel(timezone.now().replace(second=0), tick=True):
        english = Client().get(url)
        spanish = Client().get(url, HTTP_ACCEPT_LANGUAGE="es")
        assert spanish.templates and spanish["ETag"] != english["ETag"]
        assert Client().get(url, HTTP_ACCEPT_LANGUAGE="es").content == spanish.content
        assert Client().get(url).content == english.content


def test_it_renders_the_notices_again_when_a_notice_is_published(world):
    url = reverse("notices:list")
    with time_machine.travel(timezone.now().replace(second=0), tick=True):
        Client().get(url)
        assert Client().get(url).templates == []
        ServiceNotice.objects.create(
            jurisdiction=world.elm, kind=ServiceNotice.Kind.DISRUPTION, title="Quarrystone bridge shut",
            body="Shut for works.", starts_at=timezone.now() - dt.timedelta(hours=1), published_at=timezone.now())
        after = Client().get(url)
        assert after.templates and b"Quarrystone bridge shut" in after.content


def test_it_never_keeps_or_sends_kept_pages_for_signed_in_visitors_or_embedded_pages(client, world, tracked):
    client.force_login(world.bob)
    client.get("/")
    assert client.get("/").templates
    Client().get("/")  # kept for anonymous visitors...
    signed_in = client.get("/")
    assert signed_in.templates and "ETag" not in signed_in  # ...never sent to a signed-in one


def test_it_forgets_the_least_used_pages_beyond_its_size():
    from django.http import HttpResponse

    from civicdesk.core.conditional import RenderedPages

    pages = RenderedPages(max_bytes=8 * 100)
    for n in range(3):
        pages.keep(f'"p{n}"', HttpResponse(b"x" * 100))
    assert pages.get('"p0"') is not None  # used: now the newest
    for n in range(3, 9):
        pages.keep(f'"p{n}"', HttpResponse(b"y" * 100))
    assert pages.size <= 800
    assert pages.get('"p0"') is not None and pages.get('"p1"') is None
    pages.keep('"big"', HttpResponse(b"z" * 101))  # over an eighth of the store: never kept
    assert pages.get('"big"') is None
    cookie = HttpResponse(b"c")
    cookie.set_cookie("seen", "1")
    pages.keep('"cookie"', cookie)
    assert pages.get('"cookie"') is None
    pages.keep('"error"', HttpResponse(b"e", status=500))
    assert pages.get('"error"') is None
    copy = pages.get('"p8"')
    copy.content = b"changed by middleware"
    assert pages.get('"p8"').content == b"y" * 100  # every visitor gets a fresh copy


def test_it_keeps_nothing_when_switched_off(settings, world):
    from civicdesk.core.conditional import RenderedPages

    pages = RenderedPages(max_bytes=0)
    first = Client().get("/")
    pages.keep(first["ETag"], first)
    assert pages.get(first["ETag"]) is None


def _token_in(response) -> str:
    import re

    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.content).group(1).decode()


def test_it_sends_a_kept_tracking_page_with_each_visitors_own_working_token(world, tracked):
    from django.middleware.csrf import _unmask_cipher_token

    url = tracked.get_absolute_url()
    first = Client().get(url)
    assert first.templates
    visitor = Client(enforce_csrf_checks=True)
    kept = visitor.get(url)
    assert kept.status_code == 200 and kept.templates == []  # not rendered again
    secret = kept.cookies["csrftoken"].value  # a cookie of their own, as a rendered page would set
    assert secret != first.cookies["csrftoken"].value
    assert _unmask_cipher_token(_token_in(kept)) == secret
    assert first.cookies["csrftoken"].value.encode() not in kept.content
    assert kept["Cache-Control"] == "private, no-cache" and kept["ETag"] != first["ETag"]
    assert again(visitor, url, kept).status_code == 304  # their own validator works
    # The kept page's form works for them: "affects me too" is counted.
    supported = visitor.post(reverse("servicerequests:support", args=[tracked.public_id]),
                             {"csrfmiddlewaretoken": _token_in(kept)})
    assert supported.status_code == 302
    tracked.refresh_from_db()
    assert tracked.supporters_count == 1


def test_it_renders_the_tracking_page_again_after_a_status_change(world, tracked):
    url = tracked.get_absolute_url()
    Client().get(url)
    assert Client().get(url).templates == []
    _status_change(world, tracked)
    after = Client().get(url)
    assert after.templates and b"Crew quarrystone on the way" in after.content


def test_it_keeps_a_page_only_when_every_token_in_it_is_the_visitors(world):
    from civicdesk.core.conditional import _token_parts

    secret = "a" * 32
    from django.middleware.csrf import _mask_cipher_secret

    token = _mask_cipher_secret(secret)
    page = f'<form><input name="csrfmiddlewaretoken" value="{token}"></form><p>{token}</p>'.encode()
    assert _token_parts(page, secret) == [b'<form><input name="csrfmiddlewaretoken" value="', b'"></form><p>',
                                          b"</p>"]
    other = _mask_cipher_secret("b" * 32)
    assert _token_parts(page.replace(token.encode(), other.encode(), 1), secret) is None  # someone else's
    assert _token_parts(page + secret.encode(), secret) is None  # the secret itself in the page
    assert _token_parts(b"<p>no form</p>", secret) is None


def test_it_never_keeps_an_embedded_page_nor_sends_it_to_the_full_site(world):
    from civicdesk.embed.models import EmbedSettings

    EmbedSettings.objects.create(jurisdiction=world.elm, allowed_origins="https://www.elm.gov")
    embedded = Client().get("/embed/elm/report/")
    assert embedded.status_code == 200 and 'class="cd-embed-body"' in embedded.content.decode()
    assert Client().get("/embed/elm/report/").templates  # rendered each time
    full = Client().get("/report/")
    assert full.templates and 'class="cd-embed-body"' not in full.content.decode()
    assert Client().get("/report/").templates == []  # the full site's page is kept as usual


def test_it_names_the_configuration_the_process_renders_from_in_each_validator(settings, world):
    """With the configuration cache on, the ETag carries the change count that cache was read under (no query
    per request): another server's change shows once this process checks the count again."""
    from civicdesk.core.models import ConfigGeneration
    from civicdesk.lib import config_cache

    settings.CONFIG_CACHE_SECONDS = 600
    settings.CONFIG_GENERATION_CHECK_SECONDS = 3600
    config_cache.clear()
    try:
        url = reverse("intake:start")
        first = Client().get(url)
        # Another server renames something: the row counts it, this process has not looked yet.
        ConfigGeneration.objects.update_or_create(pk=1, defaults={"value": 1000, "changed_at": timezone.now()})
        assert Client().get(url)["ETag"] == first["ETag"]
        settings.CONFIG_GENERATION_CHECK_SECONDS = 0  # the next check is due
        changed = Client().get(url)
        assert changed["ETag"] != first["ETag"] and changed.templates  # rendered from the new configuration
        # A change made in this process shows at once.
        settings.CONFIG_GENERATION_CHECK_SECONDS = 3600
        world.pothole.name = "Quarrystone pothole"
        world.pothole.save()
        renamed = Client().get(url)
        assert renamed["ETag"] != changed["ETag"] and "Quarrystone pothole" in renamed.content.decode()
    finally:
        config_cache.clear()
