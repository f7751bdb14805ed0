"""Supporting a thread (limited) and following it (new replies by notify(), once each)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.forums import services
from civicdesk.forums.models import ThreadFollow, ThreadVote
from civicdesk.moderation import services as moderation
from civicdesk.moderation.services import PostRefused
from civicdesk.notifications.models import Delivery
from civicdesk.testing.fixtures import run_worker
from civicdesk.throttle.services import RateLimited

from .helpers import forum_world, reply


@pytest.fixture
def forum(world):
    return forum_world(world)


@pytest.fixture
def tforum(tworld):
    """With committed data, for the tests that run the real task worker."""
    return forum_world(tworld)


def test_it_toggles_support(client, forum):
    client.force_login(forum.newcomer)
    url = reverse("forums:support", args=[forum.thread.pk])
    client.post(url)
    client.post(url)  # taken back
    client.post(url)
    assert ThreadVote.objects.filter(thread=forum.thread).count() == 1
    page = client.get(reverse("forums:thread", args=[forum.thread.pk])).content.decode()
    assert "1 person supports this thread." in page and "Remove my support" in page


def test_it_limits_support_per_account_and_client(forum, settings):
    settings.FORUM_VOTES_PER_CLIENT_PER_HOUR = 1
    services.toggle_support(forum.thread, forum.newcomer, client="10.5.5.5")
    with pytest.raises(RateLimited):
        services.toggle_support(forum.thread, forum.resident, client="10.5.5.5")
    settings.FORUM_VOTES_PER_CLIENT_PER_HOUR = 100
    settings.FORUM_VOTES_PER_ACCOUNT_PER_HOUR = 1
    other = services.start_thread(forum.board, forum.resident, title="Second", body="b", client="10.5.5.6")
    services.toggle_support(other, forum.moderator, client="10.5.5.7")
    with pytest.raises(RateLimited):
        services.toggle_support(forum.thread, forum.moderator, client="10.5.5.8")


def test_it_answers_429_with_the_reason_when_support_is_limited(client, forum, settings):
    settings.FORUM_VOTES_PER_ACCOUNT_PER_HOUR = 1
    other = services.start_thread(forum.board, forum.resident, title="Second", body="b", client="10.5.5.6")
    client.force_login(forum.newcomer)
    client.post(reverse("forums:support", args=[other.pk]))
    refused = client.post(reverse("forums:support", args=[forum.thread.pk]))
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "supported many threads" in refused.content.decode()
    assert not ThreadVote.objects.filter(thread=forum.thread).exists()


def test_it_needs_a_confirmed_account_to_support(forum):
    forum.newcomer.email_verified_at = None
    with pytest.raises(PostRefused):
        services.toggle_support(forum.thread, forum.newcomer, client="10.5.5.5")


def test_it_tells_followers_about_published_replies_once(tforum):
    # The thread's author follows it on publishing; the newcomer follows by choice.
    services.set_following(tforum.thread, tforum.newcomer, True)
    assert ThreadFollow.objects.filter(thread=tforum.thread).count() == 2
    posted = reply(tforum, "New benches arrived", author=tforum.moderator)
    run_worker()
    run_worker()  # a second run sends nothing twice
    told = set(Delivery.objects.filter(key=f"forums-reply:{posted.pk}").values_list("address", flat=True))
    assert told == {tforum.resident.email, tforum.newcomer.email}
    delivery = Delivery.objects.filter(key=f"forums-reply:{posted.pk}").first()
    assert "Benches in Elm Park" in delivery.subject and delivery.scope == f"forum-thread:{tforum.thread.pk}"


def test_it_tells_followers_when_a_held_reply_is_approved_not_before(tforum):
    tforum.board.premoderated = True
    tforum.board.save()
    held = reply(tforum, "Held reply", author=tforum.newcomer)
    assert not Delivery.objects.filter(key=f"forums-reply:{held.pk}").exists()
    run_worker()
    assert not Delivery.objects.filter(key=f"forums-reply:{held.pk}").exists()
    moderation.moderate(held, tforum.moderator, "approve")
    run_worker()
    assert Delivery.objects.filter(key=f"forums-reply:{held.pk}", address=tforum.resident.email).count() == 1
    moderation.moderate(held, tforum.moderator, "hide", reason="Second thoughts")
    moderation.moderate(held, tforum.moderator, "restore")
    run_worker()
    assert Delivery.objects.filter(key=f"forums-reply:{held.pk}", address=tforum.resident.email).count() == 1


def test_it_tells_nobody_about_a_reply_hidden_before_the_worker_ran(tforum):
    posted = reply(tforum, "Hidden at once", author=tforum.newcomer)
    moderation.moderate(posted, tforum.moderator, "hide", reason="Spam")
    run_worker()
    assert not Delivery.objects.filter(key=f"forums-reply:{posted.pk}").exists()


def test_it_stops_following(client, forum):
    client.force_login(forum.resident)
    client.post(reverse("forums:follow", args=[forum.thread.pk]), {"follow": "0"})
    assert not ThreadFollow.objects.filter(thread=forum.thread, user=forum.resident).exists()
