"""The demo city's forums: boards for topics and every city district, every board and thread page renders, one
official answer, one post held for the moderators, comments on public requests."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.comments.models import Comment
from civicdesk.forums.models import Board, Reply, Thread
from civicdesk.jurisdictions.models import District
from civicdesk.moderation.models import Review


@pytest.fixture
def demo(db, settings):
    from civicdesk.cities.riverbend import Riverbend
    from civicdesk.jurisdictions.services import clear_caches

    settings.CITY_PACK = "civicdesk.cities.riverbend.Riverbend"
    clear_caches()
    Riverbend().seed_demo(requests=150)
    yield
    clear_caches()


def test_it_seeds_boards_posts_and_comments(client, demo):
    city_districts = District.objects.filter(jurisdiction__slug="riverbend")
    assert Board.objects.filter(kind="neighbourhood").count() == city_districts.count() > 0
    assert Board.objects.filter(kind="topic").count() == 3
    assert Reply.objects.filter(is_official=True).count() == 1
    assert Review.objects.filter(closed_at__isnull=True, why="premoderation").count() == 1
    assert Comment.objects.visible().exists() and Comment.objects.filter(is_official=True).count() == 1
    html = client.get(reverse("forums:index")).content.decode()
    for board in Board.objects.all():
        assert board.name in html
        assert client.get(board.get_absolute_url()).status_code == 200
    for thread in Thread.objects.visible():
        assert client.get(thread.get_absolute_url()).status_code == 200
    commented = Comment.objects.visible().first().target
    assert "public comment" in client.get(commented.get_absolute_url()).content.decode()
    with_es = client.get(reverse("forums:index"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Parques y árboles" in with_es and "Último mensaje" in with_es
