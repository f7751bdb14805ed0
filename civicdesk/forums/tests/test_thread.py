"""The thread page: public reading, paging, no N+1, hidden posts gone, scripts shown as text."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.forums.models import Reply
from civicdesk.moderation import services as moderation
from civicdesk.moderation.models import ModerationState

from .helpers import forum_world, reply


@pytest.fixture
def forum(world):
    return forum_world(world)


def test_it_is_public(client, forum):
    reply(forum, "Seconded, the old ones are broken.")
    page = client.get(reverse("forums:thread", args=[forum.thread.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Benches in Elm Park" in html and "Seconded, the old ones are broken." in html
    assert "alice" not in html.lower()  # never the author's name or email
    assert "Sign in to reply" in html


def test_it_pages_replies_with_few_queries(client, forum, django_assert_max_num_queries):
    for n in range(120):
        Reply.objects.create(thread=forum.thread, author=forum.resident, body=f"reply {n}",
                             body_html=f"<p>reply number{n}x</p>", published_at=forum.thread.created_at)
    with django_assert_max_num_queries(12):
        first = client.get(reverse("forums:thread", args=[forum.thread.pk]))
    assert "reply number0x" in first.content.decode() and "reply number50x" not in first.content.decode()
    with django_assert_max_num_queries(12):
        last = client.get(reverse("forums:thread", args=[forum.thread.pk]) + "?page=last")
    assert "reply number119x" in last.content.decode() and "Page 3 of 3" in last.content.decode()


def test_it_hides_a_hidden_reply_and_404s_a_hidden_thread(client, forum):
    gone = reply(forum, "Buy cheapwatchcanary now")
    moderation.moderate(gone, forum.moderator, "hide", reason="Advertising")
    html = client.get(reverse("forums:thread", args=[forum.thread.pk])).content.decode()
    assert "cheapwatchcanary" not in html and "0 replies" in html
    moderation.moderate(forum.thread, forum.moderator, "hide", reason="Duplicate")
    assert client.get(reverse("forums:thread", args=[forum.thread.pk])).status_code == 404


def test_it_shows_the_author_their_hidden_thread_with_the_reason(client, forum):
    moderation.moderate(forum.thread, forum.moderator, "hide", reason="Duplicate of another thread")
    client.force_login(forum.resident)
    html = client.get(reverse("forums:thread", args=[forum.thread.pk])).content.decode()
    assert "A moderator hid this thread" in html and "Duplicate of another thread" in html


def test_it_renders_script_and_html_in_titles_and_bodies_as_text(client, forum):
    forum.thread.title = '<script>alert("titlecanary")</script>'
    forum.thread.save()
    reply(forum, '<script>alert("bodycanary")</script><iframe src="https://evil.example"></iframe>')
    html = client.get(reverse("forums:thread", args=[forum.thread.pk])).content.decode()
    assert "<script>alert(" not in html and "<iframe" not in html
    assert "&lt;script&gt;alert(&quot;titlecanary&quot;)&lt;/script&gt;" in html
    assert '&lt;script&gt;alert("bodycanary")&lt;/script&gt;' in html


def test_it_shows_official_answers_as_such(client, forum):
    from civicdesk.forums import services

    services.post_reply(forum.thread, forum.moderator, body="We will add four benches in May.", client="10.1.1.1",
                        official=True)
    html = client.get(reverse("forums:thread", args=[forum.thread.pk])).content.decode()
    assert "Official answer from the city" in html and "City staff" in html


def test_it_lists_the_authors_replies_waiting_for_a_moderator(client, forum):
    forum.board.premoderated = True
    forum.board.save()
    held = reply(forum, "Waiting heldreplycanary")
    assert held.moderation_state == ModerationState.PENDING
    assert "heldreplycanary" not in client.get(reverse("forums:thread", args=[forum.thread.pk])).content.decode()
    client.force_login(forum.resident)
    html = client.get(reverse("forums:thread", args=[forum.thread.pk])).content.decode()
    assert "Your replies waiting for a moderator" in html and "heldreplycanary" in html


def test_it_signs_a_closed_accounts_posts_as_a_former_resident(client, forum):
    from civicdesk.accounts.services import close_account
    from civicdesk.forums.models import ThreadFollow
    from civicdesk.moderation.templatetags.moderation import author_label

    label = author_label(forum.resident)
    close_account(forum.resident)
    html = client.get(reverse("forums:thread", args=[forum.thread.pk])).content.decode()
    assert "Former resident" in html and label not in html and "We need more benches." in html
    assert not ThreadFollow.objects.filter(user=forum.resident).exists()
