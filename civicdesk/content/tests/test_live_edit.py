"""Editing a published article (civicdesk/editorial/services.py, PendingChange): the live version stays on the
site, in search and on its public page while a change is drafted and reviewed; approving puts the change live."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.editorial import services
from civicdesk.editorial.models import PendingChange, Status
from civicdesk.search import services as search
from civicdesk.testing.auth import login_verified

from ..models import Article, Topic
from .helpers import article, editors, publish, topic

OLD = "Put bulky items at the curb on Monday."
NEW = "Quokkanewword: bulky items now go out on Thursday."


def _live(world, client):
    erin, eve = editors(world)
    item = publish(article(world), erin, eve)
    search.sync_all()
    return erin, eve, item


def _page(client, item) -> str:
    return client.get(item.get_absolute_url()).content.decode()


def _found(query: str) -> set[str]:
    return {hit.url for hit in search.search(query, language="en").results}


def _edit(item, user, body=NEW):
    edited = Article.objects.get(pk=item.pk)
    edited.body = {"en": body}
    return services.save_draft(edited, user=user)


def _actions(item) -> list[tuple[str, str]]:
    return list(AuditEntry.objects.filter(object_type="content.article", object_id=str(item.pk))
                .order_by("id").values_list("action", "actor__email"))


def test_it_keeps_the_live_text_while_a_change_is_drafted_and_in_review(world, client,
                                                                          django_capture_on_commit_callbacks):
    _erin, eve, item = _live(world, client)
    with django_capture_on_commit_callbacks(execute=True):
        change = _edit(item, eve)
    assert isinstance(change, PendingChange) and change.status == Status.DRAFT
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED and item.body["en"] == OLD and item.is_public()
    assert OLD in _page(client, item) and "Quokkanewword" not in _page(client, item)
    assert _found("quokkanewword") == set() and item.get_absolute_url() in _found("bulky monday")

    with django_capture_on_commit_callbacks(execute=True):
        services.submit_for_review(item, user=eve)
    search.sync_all()
    assert PendingChange.objects.get().status == Status.IN_REVIEW
    assert "Quokkanewword" not in _page(client, item) and _found("quokkanewword") == set()


def test_it_puts_the_change_live_and_reindexes_it_once_another_editor_approves(world, client,
                                                                                django_capture_on_commit_callbacks):
    erin, eve, item = _live(world, client)
    _edit(item, eve)
    services.submit_for_review(item, user=eve)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(item, user=erin)
    item.refresh_from_db()
    assert item.body == {"en": NEW} and item.status == Status.PUBLISHED
    assert item.updated_by == eve and item.reviewed_by == erin
    assert not PendingChange.objects.exists()
    assert "Quokkanewword" in _page(client, item)
    assert _found("quokkanewword") == {item.get_absolute_url()}
    assert item.revisions().first().note == "Change approved and published"
    assert _actions(item)[-3:] == [("editorial.change_saved", "eve@elm.example.gov"),
                                   ("editorial.change_submitted", "eve@elm.example.gov"),
                                   ("editorial.change_approved", "erin@elm.example.gov")]


def test_it_applies_a_changed_many_to_many_only_on_approval(world, client):
    erin, eve, item = _live(world, client)
    trash = topic(world)
    services.save_draft(trash, user=erin)
    edited = Article.objects.get(pk=item.pk)
    services.save_draft(edited, user=eve, m2m={"topics": [trash]})
    assert list(item.topics.all()) == []
    services.submit_for_review(item, user=eve)
    services.approve(item, user=erin)
    assert list(item.topics.all()) == [Topic.objects.get()]


def test_it_refuses_the_author_of_the_change_approving_it(world, client):
    _erin, eve, item = _live(world, client)
    _edit(item, eve)
    services.submit_for_review(item, user=eve)
    with pytest.raises(services.EditorialError, match="another editor"):
        services.approve(item, user=eve)
    item.refresh_from_db()
    assert item.body["en"] == OLD and PendingChange.objects.get().status == Status.IN_REVIEW


def test_it_refuses_approving_a_change_still_in_draft_or_with_dates(world, client):
    erin, eve, item = _live(world, client)
    _edit(item, eve)
    with pytest.raises(services.EditorialError, match="in review"):
        services.approve(item, user=erin)
    services.submit_for_review(item, user=eve)
    with pytest.raises(services.EditorialError, match="leave the dates empty"):
        services.approve(item, user=erin, unpublish_at=item.publish_at)


def test_it_leaves_the_live_text_when_the_change_is_sent_back_or_discarded(world, client):
    erin, eve, item = _live(world, client)
    _edit(item, eve)
    services.submit_for_review(item, user=eve)
    services.send_back(item, user=erin, comment="Say which Thursday.")
    change = PendingChange.objects.get()
    assert change.status == Status.DRAFT and change.review_comment == "Say which Thursday."
    item.refresh_from_db()
    assert item.body["en"] == OLD and item.is_public() and OLD in _page(client, item)
    services.discard_change(item, user=eve)
    assert not PendingChange.objects.exists()
    item.refresh_from_db()
    assert item.body["en"] == OLD and item.status == Status.PUBLISHED
    assert [action for action, _who in _actions(item)][-4:] == [
        "editorial.change_saved", "editorial.change_submitted", "editorial.change_sent_back",
        "editorial.change_discarded"]


def test_it_unpublishes_an_item_with_a_pending_change_keeping_the_change_as_its_text(world, client):
    erin, eve, item = _live(world, client)
    _edit(item, eve)
    services.submit_for_review(item, user=eve)
    services.unpublish(item, user=erin)
    item.refresh_from_db()
    assert item.status == Status.UNPUBLISHED and item.body == {"en": NEW} and item.updated_by == eve
    assert not PendingChange.objects.exists() and not Article.objects.public().exists()
    assert _actions(item)[-1] == ("editorial.unpublished", "erin@elm.example.gov")
    # Off the site, editing is direct again: the item itself goes back to draft.
    assert services.save_draft(item, user=erin).status == Status.DRAFT


def test_it_restores_an_earlier_revision_of_a_published_item_as_a_pending_change(world, client):
    erin, eve, item = _live(world, client)
    _edit(item, eve)
    services.submit_for_review(item, user=eve)
    services.approve(item, user=erin)
    first = item.revisions().last()
    services.restore(item, revision=first, user=erin)
    item.refresh_from_db()
    assert item.body == {"en": NEW} and item.status == Status.PUBLISHED
    assert PendingChange.objects.get().data["body"]["en"] == OLD


def test_it_edits_the_pending_change_from_the_edit_page_and_shows_it_in_the_staff_list(world, client):
    erin, eve, item = _live(world, client)
    login_verified(client, eve)
    url = reverse("editorial:edit", args=["article", item.pk])
    assert "This page is published" in client.get(url).content.decode()
    response = client.post(url, {"slug": item.slug, "title__en": "Bulk item pickup", "title__es": "",
                                 "summary__en": "", "summary__es": "", "body__en": NEW, "body__es": "",
                                 "save": "1"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.body["en"] == OLD and item.jurisdiction == world.elm
    html = client.get(url).content.decode()
    assert 'data-testid="pending-change"' in html and "Published, changes in draft" in html
    assert "Quokkanewword" in html  # the form and the diff show the change, not the live text
    client.post(reverse("editorial:action", args=["article", item.pk]), {"action": "submit"})
    assert "Published, changes in review" in client.get(reverse("editorial:list")).content.decode()
    login_verified(client, erin)
    client.post(reverse("editorial:action", args=["article", item.pk]), {"action": "approve"})
    item.refresh_from_db()
    assert item.body["en"] == NEW and not PendingChange.objects.exists()
