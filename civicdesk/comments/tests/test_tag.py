"""`{% comments_for object %}`: one line gives any page its comments, for any object that takes them."""

from __future__ import annotations

from django.template import Context, Template
from django.test import RequestFactory

from civicdesk.comments import services
from civicdesk.comments.models import Comment
from civicdesk.forums.models import Board
from civicdesk.forums.tests.helpers import verified

TEMPLATE = Template("{% load comments %}<main>{% comments_for target %}</main>")


def _render(target, user) -> str:
    request = RequestFactory().get("/somewhere/")
    request.user = user
    return TEMPLATE.render(Context({"target": target, "request": request}))


def test_it_renders_comments_for_an_object_with_comments_open(world):
    board = Board.objects.create(jurisdiction=world.elm, slug="town-hall", name="Town hall")
    board.comments_open = lambda: True  # what a meeting defines
    user = verified(world.alice)
    services.post_comment(board, user, body="See you **there**", client="10.0.0.1")
    assert Comment.objects.get().jurisdiction_id == world.elm.pk
    html = _render(board, user)
    assert "1 public comment" in html and "<strong>there</strong>" in html
    assert f'action="/comments/forums.board/{board.pk}/"' in html


def test_it_renders_nothing_for_an_object_without_comments(world):
    board = Board.objects.create(jurisdiction=world.elm, slug="quiet", name="Quiet")
    assert _render(board, world.alice) == "<main></main>"
