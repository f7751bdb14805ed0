"""The flag page, the staff moderation queue and its decisions, the word filter page, the author's decisions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.accounts.models import User
from civicdesk.forums.tests.helpers import forum_world, reply
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.moderation import services
from civicdesk.moderation.models import BlockedWord, Flag, ModerationState, Review, Suspension
from civicdesk.testing.auth import login_verified


@pytest.fixture
def forum(world):
    return forum_world(world)


def test_it_flags_a_post(client, forum):
    post = reply(forum, "Spammy")
    client.force_login(forum.newcomer)
    url = reverse("moderation:flag", args=["forums.reply", post.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "spam", "note": "<script>notecanary</script>"})
    assert response.status_code == 302 and Flag.objects.get().note == "<script>notecanary</script>"


def test_it_refuses_flags_on_unknown_or_hidden_content(client, forum):
    post = reply(forum, "gone")
    services.moderate(post, forum.moderator, "hide", reason="x")
    client.force_login(forum.newcomer)
    assert client.get(reverse("moderation:flag", args=["forums.reply", post.pk])).status_code == 404
    assert client.get(reverse("moderation:flag", args=["auth.user", 1])).status_code == 404


def test_it_keeps_the_queue_to_moderators(client, forum, world):
    client.force_login(forum.resident)
    assert client.get(reverse("moderation:queue")).status_code == 403
    login_verified(client, world.bob)  # staff seat, not a moderator
    assert client.get(reverse("moderation:queue")).status_code == 403


def test_it_lists_flagged_and_held_posts_with_few_queries(client, forum, world, django_assert_max_num_queries):
    for n in range(5):
        services.flag(reply(forum, f"flagged {n}"), forum.newcomer, reason="spam", note="<b>notecanary</b>",
                      client="10.0.0.5")
    forum.board.premoderated = True
    forum.board.save()
    reply(forum, "held one")
    login_verified(client, forum.moderator)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("moderation:queue"))
    html = page.content.decode()
    assert len(page.context["items"]) == 6 and "held one" in html
    offered = {review.content.body: [value for value, _label in review.decisions] for review in page.context["items"]}
    assert offered["held one"] == ["approve", "hide", "warn"] and offered["flagged 0"] == ["hide", "dismiss", "warn"]
    assert "&lt;b&gt;notecanary&lt;/b&gt;" in html and "<b>notecanary" not in html


def test_it_shows_other_jurisdictions_nothing(client, forum, world):
    services.flag(reply(forum, "elm post"), forum.newcomer, reason="spam", client="10.0.0.5")
    county_mod = User.objects.create_user(email="cm@maple.example.gov", password="x", is_staff=True)
    StaffMembership.objects.create(user=county_mod, jurisdiction=world.county, role=StaffMembership.Role.ADMIN)
    login_verified(client, county_mod)
    assert client.get(reverse("moderation:queue")).context["items"] == []
    post = Review.objects.get().content
    response = client.post(reverse("moderation:decide", args=["forums.reply", post.pk]),
                           {"action": "hide", "reason": "no"})
    assert response.status_code == 403


def test_it_hides_from_the_queue(client, forum):
    post = reply(forum, "hide me")
    services.flag(post, forum.newcomer, reason="abuse", client="10.0.0.5")
    login_verified(client, forum.moderator)
    url = reverse("moderation:decide", args=["forums.reply", post.pk])
    client.post(url, {"action": "hide", "reason": ""})
    post.refresh_from_db()
    assert post.is_visible  # a reason is required
    response = client.post(url, {"action": "hide", "reason": "Insults", "next": "https://evil.example/"})
    post.refresh_from_db()
    assert post.moderation_state == ModerationState.HIDDEN and response["Location"] == reverse("moderation:queue")


def test_it_suspends_the_author_from_the_queue(client, forum):
    post = reply(forum, "spam again")
    login_verified(client, forum.moderator)
    client.post(reverse("moderation:suspend", args=["forums.reply", post.pk]), {"days": "7", "reason": "Spam"})
    assert Suspension.objects.get().user == forum.resident


def test_it_lets_administrators_edit_the_word_filter(client, forum, world):
    login_verified(client, forum.moderator)
    client.post(reverse("moderation:word_filter"), {"phrase": "  Rude   Word ", "action": "hold"})
    word = BlockedWord.objects.get()
    assert word.phrase == "rude word" and word.audit_entries().filter(action="moderation.word_added").exists()
    client.post(reverse("moderation:word_filter"), {"remove": word.pk})
    assert not BlockedWord.objects.exists()

    supervisor = User.objects.create_user(email="sup@elm.example.gov", password="x", is_staff=True)
    StaffMembership.objects.create(user=supervisor, jurisdiction=world.elm, role=StaffMembership.Role.SUPERVISOR,
                                   department=world.public_works)
    login_verified(client, supervisor)
    assert client.get(reverse("moderation:word_filter")).status_code == 200
    assert client.post(reverse("moderation:word_filter"), {"phrase": "x", "action": "hold"}).status_code == 403


def test_it_shows_authors_the_reasons(client, forum):
    post = reply(forum, "hidden later")
    services.moderate(post, forum.moderator, "hide", reason="Reasoncanary given")
    client.force_login(forum.resident)
    html = client.get(reverse("moderation:my_decisions")).content.decode()
    assert "Reasoncanary given" in html and "Hidden" in html
    assert client.get(reverse("moderation:my_decisions"))["Cache-Control"] == "private, no-store"


def test_it_lists_and_lifts_suspensions(client, forum, django_assert_max_num_queries):
    services.suspend(forum.resident, forum.moderator, reason="<script>reasoncanary</script>", days=None)
    login_verified(client, forum.moderator)
    with django_assert_max_num_queries(10):
        html = client.get(reverse("moderation:suspensions")).content.decode()
    assert "&lt;script&gt;reasoncanary&lt;/script&gt;" in html and "<script>reasoncanary" not in html
    suspension = Suspension.objects.get()
    client.post(reverse("moderation:suspensions"), {"lift": suspension.pk})
    assert services.suspension_of(forum.resident) is None
    client.force_login(forum.resident)
    assert client.get(reverse("moderation:suspensions")).status_code == 403


def test_it_shows_reasons_and_phrases_as_text(client, forum):
    post = reply(forum, "hidden soon")
    services.moderate(post, forum.moderator, "hide", reason='<img src=x onerror="alert(1)">hidereasoncanary')
    BlockedWord.objects.create(phrase="<b>phrasecanary</b>")
    client.force_login(forum.resident)
    html = client.get(reverse("moderation:my_decisions")).content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;hidereasoncanary" in html and "<img src=x" not in html
    login_verified(client, forum.moderator)
    html = client.get(reverse("moderation:word_filter")).content.decode()
    assert "&lt;b&gt;phrasecanary&lt;/b&gt;" in html and "<b>phrasecanary" not in html
