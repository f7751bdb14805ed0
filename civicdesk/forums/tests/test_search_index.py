"""Forum threads in the site search: published threads and replies are found; hidden and held ones never."""

from __future__ import annotations

import pytest

from civicdesk.moderation import services as moderation
from civicdesk.search.services import search, sync_all

from .helpers import forum_world, reply


@pytest.fixture
def forum(world):
    return forum_world(world)


def titles(query: str) -> list[str]:
    return [result.title for result in search(query, language="en").results]


def test_it_finds_threads_by_their_posts_until_a_moderator_hides_them(forum):
    gone = reply(forum, "The zqgazebo roof leaks and zqspamword here")
    sync_all()
    assert titles("zqgazebo") == ["Benches in Elm Park"]
    assert search("zqgazebo", language="en").results[0].label == "Forum threads"
    moderation.moderate(gone, forum.moderator, "hide", reason="Spam")
    sync_all()
    assert titles("zqspamword") == [] and titles("benches") == ["Benches in Elm Park"]
    moderation.moderate(forum.thread, forum.moderator, "hide", reason="Duplicate")
    sync_all()
    assert titles("benches") == []


def test_it_never_indexes_held_posts(forum):
    forum.board.premoderated = True
    forum.board.save()
    reply(forum, "Waiting zqheldword")
    sync_all()
    assert titles("zqheldword") == []


def test_it_reindexes_when_a_hide_commits(forum, django_capture_on_commit_callbacks):
    gone = reply(forum, "A zqcommitword reply")
    sync_all()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.moderate(gone, forum.moderator, "hide", reason="Rude")
    assert titles("zqcommitword") == []
