"""The forum index and board pages, and the board feed: counts, last post and lists from published posts only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from civicdesk.forums import services
from civicdesk.forums.models import Board
from civicdesk.moderation import services as moderation

from .helpers import forum_world, reply


@pytest.fixture
def forum(world):
    return forum_world(world)


def test_it_counts_only_published_posts_on_the_index(client, forum, django_assert_max_num_queries):
    reply(forum, "first")
    late = reply(forum, "second")
    late.created_at = timezone.now() + dt.timedelta(hours=1)
    late.save()
    Board.objects.create(jurisdiction=forum.board.jurisdiction, slug="west-elm", name="West Elm",
                         kind=Board.Kind.NEIGHBOURHOOD)
    with django_assert_max_num_queries(6):
        page = client.get(reverse("forums:index"))
    boards = {b.slug: b for b in page.context["topics"] + page.context["neighbourhoods"]}
    assert (boards["parks"].thread_count, boards["parks"].reply_count) == (1, 2)
    assert boards["parks"].last_post_at == late.created_at
    assert boards["west-elm"].thread_count == 0 and "No posts yet" in page.content.decode()

    moderation.moderate(late, forum.moderator, "hide", reason="Rude")
    boards = {b.slug: b for b in client.get(reverse("forums:index")).context["topics"]}
    assert boards["parks"].reply_count == 1 and boards["parks"].last_post_at < late.created_at

    moderation.moderate(forum.thread, forum.moderator, "hide", reason="Off topic")
    boards = {b.slug: b for b in client.get(reverse("forums:index")).context["topics"]}
    assert (boards["parks"].thread_count, boards["parks"].reply_count, boards["parks"].last_post_at) == (0, 0, None)


def test_it_lists_published_threads_on_the_board(client, forum, django_assert_max_num_queries):
    other = services.start_thread(forum.board, forum.resident, title="Leaf collection hiddencanary",
                                  body="When?", client="10.0.0.3")
    for _n in range(3):
        reply(forum, "yes")
    with django_assert_max_num_queries(6):
        html = client.get(reverse("forums:board", args=["parks"])).content.decode()
    assert "Benches in Elm Park" in html and "3 replies" in html and "hiddencanary" in html
    moderation.moderate(other, forum.moderator, "hide", reason="Duplicate")
    assert "hiddencanary" not in client.get(reverse("forums:board", args=["parks"])).content.decode()


def test_it_feeds_published_threads_only(client, forum):
    services.start_thread(forum.board, forum.resident, title="Feedcanary <b>bold</b>", body="<script>x</script>",
                          client="10.0.0.3")
    feed = client.get(reverse("forums:feed", args=["parks"])).content.decode()
    assert "Feedcanary &lt;b&gt;bold&lt;/b&gt;" in feed and "Benches in Elm Park" in feed
    moderation.moderate(forum.thread, forum.moderator, "hide", reason="Spam")
    assert "Benches in Elm Park" not in client.get(reverse("forums:feed", args=["parks"])).content.decode()
