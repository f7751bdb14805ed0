"""An Atom feed of a board's newest published threads (hidden and held ones never appear)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from civicdesk.lib.markdown import plain_text

from .models import Board, Thread

FEED_SIZE = 30


class BoardFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug: str) -> Board:
        return get_object_or_404(Board, slug=slug)

    def title(self, board: Board) -> str:
        return _("%(board)s: new threads") % {"board": board.name}

    def link(self, board: Board) -> str:
        return board.get_absolute_url()

    def items(self, board: Board):
        return Thread.objects.visible().filter(board=board).order_by("-created_at", "-id")[:FEED_SIZE]

    def item_title(self, item: Thread) -> str:
        return item.title

    def item_description(self, item: Thread) -> str:
        # Plain words only: feed readers render HTML with their own (unknown) rules.
        return plain_text(item.body, 1000)

    def item_pubdate(self, item: Thread):
        return item.published_at or item.created_at
