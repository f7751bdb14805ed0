"""Writing the index: pages enter when they become public, change with their page, leave when they stop."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.notices import services as notice_services
from civicdesk.notices.models import ServiceNotice
from civicdesk.notices.tests.helpers import make_notice
from civicdesk.opendata import services as dataset_services
from civicdesk.opendata.tests.test_published_datasets import make_published
from civicdesk.search import registry
from civicdesk.search.models import SearchEntry
from civicdesk.search.services import index_objects, search, sync_all


def titles(query: str, language: str = "en") -> list[str]:
    return [result.title for result in search(query, language=language).results]


def test_it_indexes_a_page_when_it_is_published_and_drops_it_when_it_is_not(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_notice(world, publish=False, title_en="Hydrant flushing in West Elm")
    assert titles("hydrant") == []  # drafts are never found
    with django_capture_on_commit_callbacks(execute=True):
        notice_services.publish(draft, user=world.extra.get("publisher"))
    assert titles("hydrant") == ["Hydrant flushing in West Elm"]
    assert titles("tubería", "es") == ["Reparación de tubería en Oak Street"]  # the Spanish entry, in Spanish
    draft.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        draft.title_en = "Hydrant flushing in East Elm"
        draft.save()
    assert titles("hydrant") == ["Hydrant flushing in East Elm"]
    with django_capture_on_commit_callbacks(execute=True):
        draft.delete()
    assert titles("hydrant") == [] and not SearchEntry.objects.filter(source="notices.servicenotice").exists()


def test_it_drops_an_unpublished_dataset_and_a_private_kind_of_problem(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dataset = make_published(world)
    assert titles("capital projects") == ["Capital projects"]
    with django_capture_on_commit_callbacks(execute=True):
        dataset_services.unpublish(dataset, user=world.bob, reason="wrong figures")
    assert titles("capital projects") == []
    sync_all()
    assert "Graffiti" in titles("graffiti")
    with django_capture_on_commit_callbacks(execute=True):
        world.graffiti.is_private = True
        world.graffiti.save()
    assert "Graffiti" not in titles("graffiti")
    assert search(world.records.name, language="en", kinds=["service"]).total == 0  # private from the start


def test_it_rewrites_only_what_changed(world):
    make_notice(world, title_en="Leaf collection")
    first = sync_all()
    assert first.added >= 2  # one entry per language
    again = sync_all()
    assert (again.added, again.changed, again.removed) == (0, 0, 0)


def test_it_forgets_entries_of_sources_no_longer_registered(world):
    make_notice(world, title_en="Leaf collection")
    sync_all()
    SearchEntry.objects.create(source="gone.thing", object_id="1", language="en", kind="gone", title="Leaf pile",
                               url="/gone/", fingerprint="x")
    assert sync_all().removed == 1
    assert titles("leaf") == ["Leaf collection"]


def test_it_leaves_no_stale_words_behind_when_ids_are_reused(world):
    """SQLite reuses the ids of deleted rows: the full-text rows follow the entries (triggers), so a new entry
    never inherits an old one's words."""
    make_notice(world, title_en="Chlorine smell at the pool")
    sync_all()
    SearchEntry.objects.all().delete()
    ServiceNotice.objects.all().delete()
    make_notice(world, title_en="Library hours")
    sync_all()
    assert titles("chlorine") == [] and titles("library") == ["Library hours"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM search_fts")
            assert cursor.fetchone()[0] == SearchEntry.objects.count()


def test_it_indexes_one_object_at_a_time_as_signals_do(world):
    notice = make_notice(world, title_en="Snow emergency declared")
    source = registry.get("notices.servicenotice")
    written = index_objects(source, [notice.pk])
    assert written.added == len(settings.LANGUAGES) and titles("snow emergency") == ["Snow emergency declared"]


def test_it_joins_matches_to_entries_through_the_covering_index_on_sqlite(world):
    """Each match's filters are read from search_entry_cover, never from the wide entry rows (migration 0003):
    the plan of every query a search runs joining the full-text table to the entries says so (the counts per
    kind ask the full-text table alone: its tags hold the filters, migration 0004)."""
    if connection.vendor != "sqlite":
        return
    make_notice(world, title_en="Snow emergency declared")
    sync_all()
    with CaptureQueriesContext(connection) as captured:
        assert search("snow", language="en").total == 1
    fulltext = [query["sql"] for query in captured.captured_queries
                if "search_fts" in query["sql"] and "search_searchentry" in query["sql"]]
    assert fulltext
    with connection.cursor() as cursor:
        for sql in fulltext:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "COVERING INDEX search_entry_cover" in plan, plan
