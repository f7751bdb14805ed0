"""Demo data for the site search's staff pages (the demo city, `make run`): searches without results over the
last weeks and searches that found only a few (data/demo_misses.json, stored through misses.record, so the
personal data some hold is redacted as it would be), and answers followed under the report form for the answer pages the demo content offers."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

from . import misses, registry
from .models import AnswerFollow

DATA = Path(__file__).resolve().parent / "data" / "demo_misses.json"


def seed(*, rng: random.Random, now: dt.datetime, weeks: int = 8) -> str:
    """Write the demo's searches without results and answer follows; returns a summary line."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    searches = 0
    for language in ("en", "es"):
        for query, count in data[language]:
            for _ in range(count):
                misses.record(query, language, now=now - dt.timedelta(days=rng.randrange(0, 60),
                                                                      minutes=rng.randrange(0, 1440)))
                searches += 1
    few = 0
    for language in ("en", "es"):
        for query, count, found in data["few"][language]:
            for _ in range(count):
                misses.record(query, language, found=found, now=now - dt.timedelta(
                    days=rng.randrange(0, 60), minutes=rng.randrange(0, 1440)))
                few += 1
    follows = []
    for name in registry.answer_sources():
        pages = [doc for doc in registry.get(name).documents(None) if doc.language in ("en", "es")]
        for document in pages[:12]:
            for _ in range(rng.randrange(1, 9)):
                followed_at = now - dt.timedelta(days=rng.randrange(0, weeks * 7), minutes=rng.randrange(0, 1440))
                follows.append(AnswerFollow(
                    source=name, object_id=str(document.object_id), language=document.language,
                    title=document.title[:300], url=document.url, followed_at=followed_at,
                    channel=AnswerFollow.Channel.AGENT if rng.random() < 0.2 else AnswerFollow.Channel.WEB,
                    came_back=rng.random() < 0.3))
    AnswerFollow.objects.bulk_create(follows)
    return f"{searches} searches without results, {few} with few results, {len(follows)} answers followed"
