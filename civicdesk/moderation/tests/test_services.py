"""Moderation services: flags, decisions with reasons told to the author, suspensions, the audit of every act."""

from __future__ import annotations

import pytest

from civicdesk.audit.models import AuditEntry
from civicdesk.forums.tests.helpers import forum_world, reply
from civicdesk.moderation import services
from civicdesk.moderation.models import Flag, ModerationAct, ModerationState, Review, Suspension
from civicdesk.moderation.services import PostRefused
from civicdesk.notifications.models import Delivery
from civicdesk.throttle.services import RateLimited


@pytest.fixture
def forum(world):
    return forum_world(world)


def test_it_records_one_flag_per_reader_and_opens_one_queue_item(forum):
    post = reply(forum, "Rude words")
    assert services.flag(post, forum.newcomer, reason="abuse", note="insulting", client="10.0.0.5")
    assert not services.flag(post, forum.newcomer, reason="spam", client="10.0.0.5")
    assert services.flag(post, forum.moderator, reason="spam", client="10.0.0.6")
    assert Flag.objects.count() == 2
    review = Review.objects.get(closed_at__isnull=True)
    assert review.why == Review.Why.FLAGGED and review.detail == "2 open flags"
    assert review.jurisdiction_id == forum.board.jurisdiction_id


def test_it_limits_flags_per_account(forum, settings):
    settings.FORUM_FLAGS_PER_ACCOUNT_PER_DAY = 1
    first, second = reply(forum, "one"), reply(forum, "two")
    services.flag(first, forum.newcomer, reason="spam", client="10.0.0.5")
    with pytest.raises(RateLimited):
        services.flag(second, forum.newcomer, reason="spam", client="10.0.0.5")


def test_it_hides_with_a_reason_closes_the_queue_and_tells_the_author(forum):
    post = reply(forum, "Rude words")
    services.flag(post, forum.newcomer, reason="abuse", client="10.0.0.5")
    with pytest.raises(PostRefused):
        services.moderate(post, forum.moderator, "hide", reason="  ")
    act = services.moderate(post, forum.moderator, "hide", reason="Please keep it civil")
    post.refresh_from_db()
    assert post.moderation_state == ModerationState.HIDDEN and post.moderation_reason == "Please keep it civil"
    assert not Review.objects.filter(closed_at__isnull=True).exists()
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    assert act.target_user == forum.resident and act.actor == forum.moderator
    entry = AuditEntry.objects.get(action="moderation.hide")
    assert entry.actor == forum.moderator and entry.data["reason"] == "Please keep it civil"
    message = Delivery.objects.get(key=f"moderation:{act.pk}")
    assert message.address == forum.resident.email and "Please keep it civil" in message.body_text


def test_it_restores_and_dismisses(forum):
    post = reply(forum, "Fine words")
    services.moderate(post, forum.moderator, "hide", reason="Mistake")
    services.moderate(post, forum.moderator, "restore")
    post.refresh_from_db()
    assert post.is_visible and post.moderation_reason == ""
    services.flag(post, forum.newcomer, reason="other", client="10.0.0.5")
    services.moderate(post, forum.moderator, "dismiss")
    assert not Review.objects.filter(closed_at__isnull=True).exists()
    assert list(ModerationAct.objects.order_by("pk").values_list("action", flat=True)) == [
        "hide", "restore", "dismiss"]
    assert AuditEntry.objects.filter(action__startswith="moderation.").count() == 3


def test_it_warns_with_a_reason(forum):
    post = reply(forum, "Borderline")
    act = services.moderate(post, forum.moderator, "warn", reason="Mind your tone")
    post.refresh_from_db()
    assert post.is_visible and Delivery.objects.filter(key=f"moderation:{act.pk}").exists()


def test_it_suspends_and_lifts(forum):
    suspension = services.suspend(forum.resident, forum.moderator, reason="Spam links", days=7)
    assert services.suspension_of(forum.resident) == suspension
    assert AuditEntry.objects.filter(action="moderation.suspend", object_id=str(forum.resident.pk)).exists()
    assert services.lift_suspension(forum.resident, forum.moderator) == 1
    assert services.suspension_of(forum.resident) is None
    assert services.lift_suspension(forum.resident, forum.moderator) == 0
    assert Suspension.objects.count() == 1


def test_it_matches_blocked_words_as_whole_words(db):
    from civicdesk.moderation.models import BlockedWord

    BlockedWord.objects.create(phrase="bad phrase", action=BlockedWord.Action.HOLD)
    assert services.screen("a BAD\n phrase here") == ("hold", ["bad phrase"])
    assert services.screen("badphrase") == (None, [])
