"""The editorial workflow (civicdesk/editorial/services.py) on articles: what is public, who may approve,
scheduling, restore, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
import time_machine

from civicdesk.audit.models import AuditEntry
from civicdesk.editorial import services
from civicdesk.editorial.models import Status
from civicdesk.search import services as search_services

from ..models import Article
from .helpers import article, editor, editors, publish


def _public_slugs():
    return set(Article.objects.public().values_list("slug", flat=True))


def test_it_keeps_a_draft_and_an_item_in_review_off_the_site(world):
    erin, _eve = editors(world)
    draft = article(world, "a-draft")
    services.save_draft(draft, user=erin)
    review = article(world, "in-review")
    services.save_draft(review, user=erin)
    services.submit_for_review(review, user=erin)
    assert _public_slugs() == set()
    assert not draft.is_public() and not review.is_public()


def test_it_publishes_once_another_editor_approves(world):
    erin, eve = editors(world)
    item = publish(article(world), erin, eve)
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED and item.reviewed_by == eve
    assert _public_slugs() == {"bulk-pickup"}


def test_it_refuses_the_author_approving_their_own_change(world):
    erin, _eve = editors(world)
    item = article(world)
    services.save_draft(item, user=erin)
    services.submit_for_review(item, user=erin)
    with pytest.raises(services.EditorialError, match="another editor"):
        services.approve(item, user=erin)
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW


def test_it_refuses_a_jurisdiction_admin_approving_their_own_change_too(world):
    admin = editor(world, "ada@elm.example.gov", role="admin")
    item = article(world)
    services.save_draft(item, user=admin)
    services.submit_for_review(item, user=admin)
    with pytest.raises(services.EditorialError):
        services.approve(item, user=admin)


def test_it_refuses_an_editor_of_another_jurisdiction(world):
    erin, _eve = editors(world)
    outsider = editor(world, "otto@maple.example.gov", jurisdiction=world.county)
    item = article(world)
    services.save_draft(item, user=erin)
    services.submit_for_review(item, user=erin)
    with pytest.raises(services.EditorialError, match="not an editor"):
        services.approve(item, user=outsider)


def test_it_keeps_an_edited_published_item_live_until_the_change_is_approved(world):
    erin, eve = editors(world)
    item = publish(article(world), erin, eve)
    item.body = {"en": "Changed text"}
    services.save_draft(item, user=eve)
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED and item.body["en"] != "Changed text"
    assert _public_slugs() == {"bulk-pickup"}


def test_it_shows_a_scheduled_item_only_from_its_publish_date_and_until_its_unpublish_date(world):
    erin, eve = editors(world)
    now = timezone.now()
    publish(article(world), erin, eve, publish_at=now + dt.timedelta(days=1),
            unpublish_at=now + dt.timedelta(days=3))
    assert _public_slugs() == set()
    with time_machine.travel(now + dt.timedelta(days=2), tick=False):
        assert _public_slugs() == {"bulk-pickup"}
    with time_machine.travel(now + dt.timedelta(days=4), tick=False):
        assert _public_slugs() == set()


def test_it_refuses_an_unpublish_date_before_the_publish_date(world):
    erin, eve = editors(world)
    item = article(world)
    services.save_draft(item, user=erin)
    services.submit_for_review(item, user=erin)
    now = timezone.now()
    with pytest.raises(services.EditorialError, match="after the publish date"):
        services.approve(item, user=eve, publish_at=now + dt.timedelta(days=2), unpublish_at=now + dt.timedelta(days=1))


def test_it_sends_back_only_with_a_comment(world):
    erin, eve = editors(world)
    item = article(world)
    services.save_draft(item, user=erin)
    services.submit_for_review(item, user=erin)
    with pytest.raises(services.EditorialError):
        services.send_back(item, user=eve, comment="  ")
    services.send_back(item, user=eve, comment="Add the phone number")
    item.refresh_from_db()
    assert item.status == Status.DRAFT and item.review_comment == "Add the phone number"


def test_it_unpublishes_and_archives(world):
    erin, eve = editors(world)
    item = publish(article(world), erin, eve)
    services.unpublish(item, user=erin)
    assert _public_slugs() == set()
    services.archive(item, user=erin)
    assert item.status == Status.ARCHIVED


def test_it_keeps_a_revision_of_every_save_and_restores_one_as_a_new_draft(world):
    erin, eve = editors(world)
    item = publish(article(world), erin, eve)
    first = item.revisions().get(number=1)
    services.unpublish(item, user=eve)
    item.body = {"en": "Completely new words", "es": "Palabras nuevas"}
    services.save_draft(item, user=eve)
    numbers = list(item.revisions().values_list("number", flat=True))
    assert numbers == [5, 4, 3, 2, 1]  # created, submitted, approved, unpublished, edited
    services.restore(item, revision=first, user=eve)
    item.refresh_from_db()
    assert item.body["en"] == "Put bulky items at the curb on Monday."
    assert item.status == Status.DRAFT and item.updated_by == eve
    assert item.revisions().first().number == 6


def test_it_restores_many_to_many_fields(world):
    from .helpers import topic

    erin, eve = editors(world)
    trash = topic(world)
    services.save_draft(trash, user=erin)
    item = article(world)
    services.save_draft(item, user=erin)
    item.topics.set([trash])
    services.save_draft(item, user=erin)
    item.topics.set([])
    services.save_draft(item, user=erin)
    services.restore(item, revision=item.revisions().get(number=2), user=eve)
    assert list(item.topics.all()) == [trash]


def test_it_audits_every_step(world):
    erin, eve = editors(world)
    item = publish(article(world), erin, eve)
    services.unpublish(item, user=eve)
    actions = list(AuditEntry.objects.filter(object_type="content.article", object_id=str(item.pk))
                   .order_by("id").values_list("action", "actor__email"))
    assert actions == [("editorial.created", "erin@elm.example.gov"), ("editorial.submitted", "erin@elm.example.gov"),
                       ("editorial.approved", "eve@elm.example.gov"), ("editorial.unpublished", "eve@elm.example.gov")]


def test_it_never_puts_a_draft_or_an_expired_item_in_search(world):
    erin, eve = editors(world)
    draft = article(world, "draft-canary", title={"en": "Zanzibarquux draft"})
    services.save_draft(draft, user=erin)
    live = publish(article(world, "live-canary", title={"en": "Zanzibarquux live"}), erin, eve)
    expired = publish(article(world, "old-canary", title={"en": "Zanzibarquux expired"}), erin, eve,
                      unpublish_at=timezone.now() + dt.timedelta(hours=1))
    search_services.sync_all()
    assert {hit.url for hit in search_services.search("zanzibarquux", language="en").results} == {
        live.get_absolute_url(), expired.get_absolute_url()}
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2), tick=False):
        search_services.sync_all()  # what the periodic sync does every 5 minutes
        urls = {hit.url for hit in search_services.search("zanzibarquux", language="en").results}
    assert urls == {live.get_absolute_url()}
    assert expired.get_absolute_url() not in urls


def test_it_reschedules_an_approved_item_without_a_new_review(world):
    erin, eve = editors(world)
    item = publish(article(world), erin, eve)
    later = timezone.now() + dt.timedelta(days=5)
    services.schedule(item, user=erin, publish_at=later, unpublish_at=None)
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED and item.publish_at == later and _public_slugs() == set()
    draft = article(world, "not-approved")
    services.save_draft(draft, user=erin)
    with pytest.raises(services.EditorialError, match="Only an approved item"):
        services.schedule(draft, user=erin, publish_at=later, unpublish_at=None)
