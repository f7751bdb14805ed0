"""The per-process configuration cache: reused while fresh, forgotten at once when configuration changes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.catalog.models import RoutingRule
from civicdesk.catalog.services import route
from civicdesk.jurisdictions import services as places
from civicdesk.lib import config_cache
from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_EAST_ELM
from civicdesk.triage.models import EmergencyPhrase
from civicdesk.triage.services import emergency_phrases_in


@pytest.fixture
def caching(settings, db):
    settings.CONFIG_CACHE_SECONDS = 60
    config_cache.clear()
    yield
    config_cache.clear()


def test_it_reuses_a_value_until_cleared(caching):
    loads = []
    assert config_cache.cached("k", lambda: loads.append(1) or len(loads)) == 1
    assert config_cache.cached("k", lambda: loads.append(1) or len(loads)) == 1
    config_cache.clear()
    assert config_cache.cached("k", lambda: loads.append(1) or len(loads)) == 2


def test_it_does_not_cache_when_switched_off(settings):
    settings.CONFIG_CACHE_SECONDS = 0
    loads = []
    config_cache.cached("k", lambda: loads.append(1))
    config_cache.cached("k", lambda: loads.append(1))
    assert len(loads) == 2


def test_it_sees_a_new_emergency_phrase_at_once(world, caching):
    assert emergency_phrases_in("a sinkhole swallowed a car") == []
    EmergencyPhrase.objects.create(phrase="sinkhole")
    assert emergency_phrases_in("a sinkhole swallowed a car") == ["sinkhole"]


def test_it_routes_by_a_changed_rule_at_once(world, caching):
    where = places.locate(*IN_EAST_ELM)
    before = route(jurisdiction=where.jurisdiction, service_type=world.pothole, lat=IN_EAST_ELM[0],
                   long=IN_EAST_ELM[1], district_id=where.district.pk)
    assert before.rule is not None
    RoutingRule.objects.filter(pk=before.rule.pk).update(is_active=False)  # a bulk update sends no signal ...
    config_cache.clear()  # ... so whoever does one clears the cache, as the module's contract says
    after = route(jurisdiction=where.jurisdiction, service_type=world.pothole, lat=IN_EAST_ELM[0],
                  long=IN_EAST_ELM[1], district_id=where.district.pk)
    assert after.rule != before.rule
    rule = RoutingRule.objects.get(pk=before.rule.pk)
    rule.is_active = True
    rule.save()  # a save clears it by itself
    again = route(jurisdiction=where.jurisdiction, service_type=world.pothole, lat=IN_EAST_ELM[0],
                  long=IN_EAST_ELM[1], district_id=where.district.pk)
    assert again.rule == before.rule


def test_it_submits_with_fewer_queries_once_warm(world, caching):
    def submit():
        return services.submit_request(service_type=world.pothole, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                       attributes={"depth": "deep"}, contact_email="cache@example.org")

    with CaptureQueriesContext(connection) as cold:
        submit()
    with CaptureQueriesContext(connection) as warm:
        request = submit()
    # Routing rules and their types, statuses, questions, phrases, calendar, boundaries: read once.
    assert len(warm.captured_queries) <= len(cold.captured_queries) - 8
    assert request.department_id is not None and request.expected_at is not None


def test_it_drops_what_it_loaded_when_another_process_counted_a_change(db, caching, settings):
    from civicdesk.core.models import ConfigGeneration

    settings.CONFIG_GENERATION_CHECK_SECONDS = 0  # read the count at every look-up
    loads = []
    assert config_cache.cached("k", lambda: loads.append(1) or len(loads)) == 1
    assert config_cache.cached("k", lambda: loads.append(1) or len(loads)) == 1
    # Another process saved a service type: its count reaches us through the database, not a signal here.
    ConfigGeneration.objects.update_or_create(pk=1, defaults={"value": 41})
    assert config_cache.cached("k", lambda: loads.append(1) or len(loads)) == 2
    assert config_cache.cached("k", lambda: loads.append(1) or len(loads)) == 2


def test_it_reads_the_count_at_most_once_an_interval(db, caching, settings):
    settings.CONFIG_GENERATION_CHECK_SECONDS = 3600
    config_cache.cached("k", lambda: 1)  # the first look-up reads the count
    with CaptureQueriesContext(connection) as captured:
        for _ in range(20):
            config_cache.cached("k", lambda: 1)
    assert captured.captured_queries == []


def test_it_keeps_a_watched_models_row_until_it_changes(caching, world):
    department = config_cache.row(type(world.roads), world.roads.pk)
    assert department.name == world.roads.name
    with CaptureQueriesContext(connection) as again:
        assert config_cache.row(type(world.roads), world.roads.pk) is department
    assert len(again.captured_queries) == 0
    world.roads.name = "Streets and Bridges"
    world.roads.save()  # departments are watched (jurisdictions/services.py): the cache is emptied at once
    assert config_cache.row(type(world.roads), world.roads.pk).name == "Streets and Bridges"


def test_it_keeps_no_row_of_a_model_it_does_not_watch(caching, world):
    with pytest.raises(ValueError, match="is not watched"):
        config_cache.row(type(world.alice), world.alice.pk)
    with pytest.raises(type(world.roads).DoesNotExist):
        config_cache.row(type(world.roads), 987_654)
