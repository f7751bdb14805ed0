"""Starting threads and replying (views and services): who may post, rate limits, word filter, pre-moderation,
official answers, links for new accounts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.forums import services
from civicdesk.forums.models import Reply, Thread
from civicdesk.moderation import services as moderation
from civicdesk.moderation.models import BlockedWord, ModerationState, Review
from civicdesk.moderation.services import PostRefused

from .helpers import forum_world, reply


@pytest.fixture
def forum(world):
    return forum_world(world)


def test_it_starts_a_thread(client, forum):
    client.force_login(forum.resident)
    response = client.post(reverse("forums:new_thread", args=["parks"]),
                           {"title": "Dog park hours", "body": "Open **earlier**?"})
    thread = Thread.objects.get(title="Dog park hours")
    assert response.status_code == 302 and response["Location"] == thread.get_absolute_url()
    assert thread.is_visible and "<strong>earlier</strong>" in thread.body_html


def test_it_sends_signed_out_readers_to_sign_in(client, forum):
    response = client.post(reverse("forums:reply", args=[forum.thread.pk]), {"body": "hi"})
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_it_refuses_unverified_accounts(client, forum):
    forum.newcomer.email_verified_at = None
    forum.newcomer.save()
    client.force_login(forum.newcomer)
    response = client.post(reverse("forums:reply", args=[forum.thread.pk]), {"body": "unverifiedcanary"})
    assert response.status_code == 400 and "confirm your email address" in response.content.decode()
    assert not Reply.objects.filter(body="unverifiedcanary").exists()


def test_it_limits_posts_per_account(client, forum, settings):
    settings.FORUM_POSTS_PER_ACCOUNT_PER_HOUR = 2
    client.force_login(forum.resident)
    url = reverse("forums:reply", args=[forum.thread.pk])
    # The thread in forum_world was the first post of the hour.
    assert client.post(url, {"body": "one"}).status_code == 302
    refused = client.post(url, {"body": "twoovercanary"})
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "twoovercanary" in refused.content.decode()  # the form keeps what was typed
    assert not Reply.objects.filter(body="twoovercanary").exists()


def test_it_limits_posts_per_client_address(forum, settings):
    settings.FORUM_POSTS_PER_CLIENT_PER_HOUR = 2
    from civicdesk.throttle.services import RateLimited

    reply(forum, "a", author=forum.resident, client="10.9.9.9")
    reply(forum, "b", author=forum.newcomer, client="10.9.9.9")
    with pytest.raises(RateLimited):
        reply(forum, "c", author=forum.newcomer, client="10.9.9.9")
    assert reply(forum, "d", author=forum.newcomer, client="10.9.9.10").is_visible


def test_it_holds_posts_on_premoderated_boards(forum):
    forum.board.premoderated = True
    forum.board.save()
    held = reply(forum, "Please hold me")
    assert held.moderation_state == ModerationState.PENDING and held.published_at is None
    assert Review.objects.get(object_id=held.pk, closed_at__isnull=True).why == Review.Why.PREMODERATION
    staff = services.post_reply(forum.thread, forum.moderator, body="Staff are not held", client="10.0.0.9")
    assert staff.is_visible


def test_it_applies_the_word_filter(forum):
    BlockedWord.objects.create(phrase="Scamword", action=BlockedWord.Action.REFUSE)
    BlockedWord.objects.create(phrase="heated term", action=BlockedWord.Action.HOLD)
    with pytest.raises(PostRefused, match="scamword"):
        reply(forum, "Buy SCAMWORD today")
    held = reply(forum, "This is a Heated   Term indeed")
    assert held.moderation_state == ModerationState.PENDING
    assert Review.objects.get(object_id=held.pk).why == Review.Why.WORD_FILTER
    assert reply(forum, "scamwordish is a different word").is_visible  # whole words only


def test_it_shows_links_of_new_accounts_as_text(forum):
    fresh = reply(forum, "[win](https://spam.example)", author=forum.newcomer)
    trusted = reply(forum, "[minutes](https://elm.example.gov/minutes)")
    assert "<a" not in fresh.body_html and "[win](https://spam.example)" in fresh.body_html
    assert 'rel="nofollow ugc noopener"' in trusted.body_html


def test_it_lets_only_staff_answer_officially(client, forum):
    with pytest.raises(PostRefused):
        services.post_reply(forum.thread, forum.resident, body="I am the mayor", client="1.2.3.4", official=True)
    client.force_login(forum.resident)
    page = client.get(reverse("forums:thread", args=[forum.thread.pk])).content.decode()
    assert "official answer" not in page.lower()
    answer = services.post_reply(forum.thread, forum.moderator, body="Benches come in May.", client="1.2.3.5",
                                 official=True)
    assert answer.is_official


def test_it_refuses_suspended_authors_with_the_reason(forum):
    moderation.suspend(forum.resident, forum.moderator, reason="Repeated insults", days=7)
    with pytest.raises(PostRefused, match="Repeated insults"):
        reply(forum, "still here")


def test_it_refuses_replies_to_locked_threads(client, forum):
    services.set_locked(forum.thread, forum.moderator, True)
    with pytest.raises(PostRefused):
        reply(forum, "too late")
    assert forum.thread.audit_entries().filter(action="forums.thread_locked").exists()


def test_it_refuses_empty_and_overlong_posts(client, forum):
    client.force_login(forum.resident)
    response = client.post(reverse("forums:new_thread", args=["parks"]), {"title": "", "body": "x" * 10001})
    assert response.status_code == 200 and Thread.objects.count() == 1
    assert "There is a problem" in response.content.decode()
