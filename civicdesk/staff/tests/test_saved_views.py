"""Saved views: a staff member keeps a queue with its filters and sort under a name; only they see it."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.staff.models import SavedView
from civicdesk.testing.auth import login_verified



def test_it_saves_the_queue_filters_and_sort_without_the_cursor(client, world):
    login_verified(client, world.bob)
    query = f"queue=department&service_type={world.pothole.pk}&sort=oldest&after=abc&junk=1"
    response = client.post(reverse("staff:save_view"), {"name": "Old potholes", "query": query}, follow=True)
    view = SavedView.objects.get(owner=world.bob)
    assert view.name == "Old potholes"
    assert view.query == f"queue=department&service_type={world.pothole.pk}&sort=oldest"
    assert "View “Old potholes” saved." in [str(m) for m in response.context["messages"]]


def test_it_lists_the_views_on_the_queues_page_for_their_owner_only(client, world):
    SavedView.objects.create(owner=world.bob, name="Bob's urgent", query="queue=department&priority=1")
    login_verified(client, world.bob)
    page = client.get(reverse("staff:queues")).content.decode()
    assert "Bob&#x27;s urgent" in page and "?queue=department&amp;priority=1" in page
    login_verified(client, world.carol)
    assert "Bob&#x27;s urgent" not in client.get(reverse("staff:queues")).content.decode()


def test_it_offers_the_current_queue_and_filters_to_save(client, world):
    login_verified(client, world.bob)
    page = client.get(reverse("staff:queues"), {"queue": "triage", "sort": "oldest"}).content.decode()
    assert 'name="query" value="queue=triage&amp;sort=oldest' in page or (
        'name="query" value="sort=oldest&amp;queue=triage' in page)


def test_it_overwrites_a_view_saved_again_under_the_same_name(client, world):
    login_verified(client, world.bob)
    client.post(reverse("staff:save_view"), {"name": "Mine", "query": "queue=mine"})
    client.post(reverse("staff:save_view"), {"name": "Mine", "query": "queue=mine&sort=priority"})
    assert list(SavedView.objects.values_list("query", flat=True)) == ["queue=mine&sort=priority"]


def test_it_deletes_only_the_owners_view(client, world):
    view = SavedView.objects.create(owner=world.bob, name="Mine", query="queue=mine")
    login_verified(client, world.carol)
    assert client.post(reverse("staff:delete_view", args=[view.pk])).status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()
    login_verified(client, world.bob)
    assert client.post(reverse("staff:delete_view", args=[view.pk])).status_code == 302
    assert not SavedView.objects.exists()


def test_it_keeps_residents_and_visitors_out(client, world):
    assert client.post(reverse("staff:save_view"), {"name": "x", "query": ""}).status_code == 302
    client.force_login(world.alice)
    assert client.post(reverse("staff:save_view"), {"name": "x", "query": ""}).status_code == 403
    assert not SavedView.objects.exists()
