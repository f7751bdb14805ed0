"""The demo's search log: searches without results (redacted as any other) and answers followed."""

from __future__ import annotations

import random

from django.utils import timezone

from civicdesk.search import demo
from civicdesk.search.models import AnswerFollow, SearchMiss

from .helpers import register_answer_source


def test_it_seeds_redacted_misses_and_follows_of_the_answer_pages(db):
    unregister = register_answer_source()
    try:
        summary = demo.seed(rng=random.Random(7), now=timezone.now())
    finally:
        unregister()
    stored = set(SearchMiss.objects.values_list("query", flat=True))
    assert "kayak launch permit" in stored and "permiso para quemar hojas" in stored
    assert "tree on my car [address]" in stored and "mi correo es [email]" in stored
    few = set(SearchMiss.objects.filter(found__gt=0).values_list("query", flat=True))
    assert "recycling calendar" in few and "bulky item pickup for [address]" in few and "recycling calendar" not in (
        SearchMiss.objects.filter(found=0).values_list("query", flat=True))
    assert not any("555" in query or "7kq4" in query or "example" in query or "88" in query for query in stored)
    assert AnswerFollow.objects.filter(source="testanswers.page").count() >= 10
    assert summary.endswith("answers followed")
