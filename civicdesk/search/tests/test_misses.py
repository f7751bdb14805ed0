"""Searches without results logged for editors: normalised, never storing anything that looks like personal
data (tests/data/miss_queries.csv: real-looking inputs), counted per day, kept 180 days."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.utils import timezone

from civicdesk.core import schedule
from civicdesk.search import misses, tasks
from civicdesk.search.models import SearchMiss

from .helpers import register_answer_source

DATA = Path(__file__).resolve().parent / "data" / "miss_queries.csv"


def _cases() -> list[tuple[str, str]]:
    lines = [line for line in DATA.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return [(row["typed"], row["stored"]) for row in csv.DictReader(lines)]


def test_it_redacts_personal_data_from_real_looking_queries():
    cases = _cases()
    assert len(cases) >= 25
    wrong = [(typed, misses.redact(typed), stored) for typed, stored in cases if misses.redact(typed) != stored]
    assert wrong == []


def test_it_never_stores_the_personal_data_of_the_data_file(db):
    for typed, _stored in _cases():
        misses.record(typed, "en")
    stored = " ".join(SearchMiss.objects.values_list("query", flat=True))
    for secret in ("1432", "jane", "doe", "555", "0142", "7kq4", "m2xd", "4417", "62701", "example", "bob_smith"):
        assert secret not in stored, secret


def test_it_counts_the_same_search_once_per_day_and_language(db):
    now = timezone.now()
    misses.record("Bulk  PICKUP", "en", now=now)
    misses.record("bulk pickup", "en-us", now=now)
    misses.record("bulk pickup", "es", now=now)
    misses.record("bulk pickup", "en", now=now + dt.timedelta(days=1))
    rows = sorted(SearchMiss.objects.values_list("language", "query", "count"))
    assert rows == [("en", "bulk pickup", 1), ("en", "bulk pickup", 2), ("es", "bulk pickup", 1)]
    assert misses.record("jane@example.org", "en") == "" and SearchMiss.objects.count() == 3


def test_it_logs_a_search_without_results_from_the_page_within_a_limit(client, world, settings):
    settings.SEARCH_MISSES_PER_CLIENT_PER_HOUR = 2
    client.get("/search/", {"q": "zqunicorn parade at 1432 Elm Street"})
    client.get("/search/", {"q": "zqdragon boat"}, HTTP_ACCEPT_LANGUAGE="es")
    client.get("/search/", {"q": "zqbeyond the limit"})
    client.get("/search/", {"q": "zqpothole"})  # also nothing found, but the per-client limit is full: not logged
    assert sorted(SearchMiss.objects.values_list("query", "language")) == [
        ("zqdragon boat", "es"), ("zqunicorn parade at [address]", "en")]


def test_it_logs_a_search_with_few_results_apart_from_those_with_none(client, world, settings):
    settings.SEARCH_FEW_RESULTS = 3
    pages = {f"page{n}": {"en": (f"Zqegret walk {n}", "Zqheron pond" if n < 2 else "A quiet meadow")}
             for n in range(3)}
    unregister = register_answer_source(pages)
    try:
        assert client.get("/search/", {"q": "zqheron"}).context["results"].total == 2
        assert client.get("/search/", {"q": "zqegret"}).context["results"].total == 3  # enough: not logged
        client.get("/search/", {"q": "zqgriffin show"})  # nothing: logged as before
        client.get("/search/", {"q": "zqheron"})
    finally:
        unregister()
    assert sorted(SearchMiss.objects.values_list("query", "found", "count")) == [
        ("zqgriffin show", 0, 1), ("zqheron", 2, 2)]


def test_it_redacts_and_counts_few_results_in_their_own_row(db):
    now = timezone.now()
    assert misses.record("bulk pickup for jane@example.org", "en", found=2, now=now) == "bulk pickup for [email]"
    misses.record("bulk pickup for jane@example.org", "en", found=0, now=now)
    misses.record("bulk pickup for jane@example.org", "en", found=2, now=now)
    assert sorted(SearchMiss.objects.values_list("query", "found", "count")) == [
        ("bulk pickup for [email]", 0, 1), ("bulk pickup for [email]", 2, 2)]


def test_it_keeps_180_days_and_a_daily_job_prunes(db):
    now = timezone.now()
    # A day clear of the edge on both sides: a daylight-saving change between the two dates moves local
    # midnight by an hour, so 181 days back can still be the 180th local day.
    misses.record("old thing", "en", now=now - dt.timedelta(days=182))
    misses.record("old few", "en", found=1, now=now - dt.timedelta(days=182))
    misses.record("recent thing", "en", now=now - dt.timedelta(days=178))
    assert tasks.prune_search_misses.call() == 2
    assert list(SearchMiss.objects.values_list("query", flat=True)) == ["recent thing"]
    job = {job.name: job for job in schedule.jobs()}["search.prune_misses"]
    assert job.task_path == "civicdesk.search.tasks.prune_search_misses" and job.daily_at
