"""Per-key rate limits: counted in the database, so every app server process shares one count."""

from __future__ import annotations

import datetime as dt
import multiprocessing

import pytest
import time_machine
from django.db import connections

from civicdesk.open311.models import ApiKey, ApiKeyMinute
from civicdesk.open311.services import Open311Error, authenticate, count_call, issue_api_key

from .conftest import pothole_form

MINUTE = dt.datetime(2025, 3, 4, 15, 0, 10, tzinfo=dt.timezone.utc)


def test_it_answers_429_with_retry_after_once_the_minute_is_used_up(api, world):
    key, raw = issue_api_key(name="Busy app", rate_limit_per_minute=3)
    with time_machine.travel(MINUTE, tick=False):
        statuses = [api.post("requests.json", pothole_form(raw)).status for _ in range(3)]
        refused = api.post("requests.xml", pothole_form(raw))
    assert statuses == [200, 200, 200]
    assert refused.status == 429 and refused.response.headers["Retry-After"] == "50"
    assert refused.doc == {"error": [{"code": "429", "description": "Rate limit exceeded: this api_key may make 3 "
                                                                    "calls a minute. Try again in 50 seconds."}]}
    with time_machine.travel(MINUTE + dt.timedelta(minutes=1), tick=False):
        assert api.post("requests.json", pothole_form(raw)).status == 200
    key.refresh_from_db()
    assert key.request_count == 4 and key.last_used_at == MINUTE + dt.timedelta(minutes=1)


def test_it_counts_refused_and_invalid_calls_against_the_minute(api, world):
    _, raw = issue_api_key(name="Sloppy app", rate_limit_per_minute=2)
    with time_machine.travel(MINUTE, tick=False):
        assert api.post("requests.json", pothole_form(raw, service_code="")).status == 400
        assert api.post("servicerequestupdates.json", {"api_key": raw}).status == 400
        assert api.post("requests.json", pothole_form(raw)).status == 429


def test_it_keeps_only_the_current_minutes_counter(world):
    key, _ = issue_api_key(name="Steady app")
    for minutes in range(5):
        count_call(key, now=MINUTE + dt.timedelta(minutes=minutes))
    assert list(ApiKeyMinute.objects.values_list("minute", "count")) == [(MINUTE.replace(second=0) + dt.timedelta(
        minutes=4), 1)]


def test_it_never_limits_a_key_with_limit_zero(world):
    key, _ = issue_api_key(name="Partner CRM", rate_limit_per_minute=0)
    for _ in range(200):
        count_call(key, now=MINUTE)
    key.refresh_from_db()
    assert key.request_count == 200


def test_it_needs_no_key_to_read(api, world):
    _, raw = issue_api_key(name="Reader", rate_limit_per_minute=1)
    with time_machine.travel(MINUTE, tick=False):
        for _ in range(5):
            assert api.get("services.json", {"jurisdiction_id": "elm.example.gov", "api_key": raw}).status == 200


def _hammer(raw: str, calls: int, barrier, results) -> None:
    connections.close_all()  # never share the parent's connection
    accepted = 0
    try:
        key = authenticate(raw)
        barrier.wait()
        with time_machine.travel(MINUTE, tick=False):
            for _ in range(calls):
                try:
                    count_call(key)
                    accepted += 1
                except Open311Error:
                    pass
        results.put(accepted)
    except Exception as exc:  # reported by the parent, so a failing child cannot hang the test
        results.put(repr(exc))
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_it_shares_one_count_between_app_server_processes():
    key, raw = issue_api_key(name="Spread app", rate_limit_per_minute=25)
    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(3), context.Queue()
    children = [context.Process(target=_hammer, args=(raw, 15, barrier, results)) for _ in range(3)]
    for child in children:
        child.start()
    accepted = [results.get(timeout=60) for _ in children]
    for child in children:
        child.join(timeout=60)
    assert all(isinstance(n, int) for n in accepted), accepted
    assert sum(accepted) == 25
    key = ApiKey.objects.get(pk=key.pk)
    assert key.request_count == 25
    assert ApiKeyMinute.objects.get(api_key=key).count == 45


def test_it_counts_a_report_in_its_own_transaction_one_commit_in_all(api, tworld):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from civicdesk.servicerequests.models import ServiceRequest

    key, raw = issue_api_key(name="Counted app", rate_limit_per_minute=5)
    with time_machine.travel(MINUTE, tick=False), CaptureQueriesContext(connection) as captured:
        assert api.post("requests.json", pothole_form(raw)).status == 200
    assert [q["sql"] for q in captured.captured_queries if q["sql"] == "COMMIT"] == ["COMMIT"]
    key.refresh_from_db()
    assert key.request_count == 1 and ServiceRequest.objects.count() == 1
    assert list(ApiKeyMinute.objects.values_list("count", flat=True)) == [1]


def test_it_counts_a_call_for_a_jurisdiction_the_key_does_not_serve(api, world):
    from civicdesk.jurisdictions.models import Jurisdiction

    other = Jurisdiction.objects.exclude(pk=world.elm.pk).first()
    key, raw = issue_api_key(name="Elm only", jurisdiction=world.elm, rate_limit_per_minute=5)
    with time_machine.travel(MINUTE, tick=False):
        answer = api.post("requests.json", pothole_form(raw, jurisdiction_id=other.open311_id))
    assert answer.status == 403
    assert list(ApiKeyMinute.objects.values_list("count", flat=True)) == [1]
    key.refresh_from_db()
    assert key.request_count == 1


def test_it_rolls_the_report_back_when_its_count_finds_the_minute_used_up(api, world, monkeypatch):
    """Two app servers both saw one call left: the second to count refuses, and its report is not kept."""
    from civicdesk.open311 import services
    from civicdesk.servicerequests.models import ServiceRequest

    key, raw = issue_api_key(name="Racing app", rate_limit_per_minute=2)
    with time_machine.travel(MINUTE, tick=False):
        assert api.post("requests.json", pothole_form(raw)).status == 200
        count_call(key)  # the other server's call, counted after this one's look at the minute
        monkeypatch.setattr(services, "refuse_if_over", lambda key: None)  # this one looked before it
        refused = api.post("requests.json", pothole_form(raw, description="The one too many"))
    assert refused.status == 429 and refused.response.headers["Retry-After"] == "50"
    assert not ServiceRequest.objects.filter(description="The one too many").exists()
    assert list(ApiKeyMinute.objects.values_list("count", flat=True)) == [3]  # the refusal counted in the minute
    key.refresh_from_db()
    assert key.request_count == 2  # not in the total


def test_it_reads_the_key_as_the_orm_does(world):
    key, raw = issue_api_key(name="Field check", rate_limit_per_minute=7)
    count_call(key, now=MINUTE)
    read = authenticate(raw)
    stored = ApiKey.objects.get(pk=key.pk)
    for field in ApiKey._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(stored, field.attname), field.attname
    assert read.is_active is True and read.last_used_at == MINUTE
