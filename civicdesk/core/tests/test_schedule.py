"""Periodic jobs (civicdesk/core/schedule.py): slots, once per slot across schedulers, catch-up, bad jobs."""

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from civicdesk.core import schedule
from civicdesk.core.models import ScheduledRun

UTC = dt.timezone.utc
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
TASK = "civicdesk.notifications.tasks.recover_deliveries"


@pytest.fixture
def clean_registry():
    saved = dict(schedule._jobs)
    schedule._jobs.clear()
    yield
    schedule._jobs.clear()
    schedule._jobs.update(saved)


def at(*args, tz=CHICAGO) -> dt.datetime:
    return dt.datetime(*args, tzinfo=tz)


def test_it_counts_every_slots_from_the_epoch_so_all_servers_agree():
    job = schedule.Job("j", TASK, every=dt.timedelta(minutes=5))
    now = dt.datetime(2026, 12, 4, 20, 7, 30, tzinfo=UTC)
    assert job.last_occurrence(now) == dt.datetime(2026, 12, 4, 20, 5, tzinfo=UTC)
    assert job.next_occurrence(now) == dt.datetime(2026, 12, 4, 20, 10, tzinfo=UTC)
    assert job.slot(now) == "2026-12-04T20:05:00+00:00"


@pytest.mark.parametrize(("now", "expected"), [
    (at(2026, 12, 4, 2, 29), at(2026, 12, 3, 2, 30)),  # before today's time: yesterday's slot
    (at(2026, 12, 4, 2, 30), at(2026, 12, 4, 2, 30)),
    (at(2026, 12, 4, 23, 0), at(2026, 12, 4, 2, 30)),
])
def test_it_finds_the_latest_daily_occurrence_in_local_time(settings, now, expected):
    settings.TIME_ZONE = "America/Chicago"
    job = schedule.Job("j", TASK, daily_at=dt.time(2, 30))
    assert job.last_occurrence(now) == expected
    assert job.next_occurrence(now) == expected + dt.timedelta(days=1)


def test_it_keeps_daily_jobs_at_local_time_across_daylight_saving(settings):
    settings.TIME_ZONE = "America/Chicago"
    job = schedule.Job("j", TASK, daily_at=dt.time(3, 0))
    # 2026-11-01 is the end of daylight saving time in Chicago: 03:00 local moves from 08:00 to 09:00 UTC.
    before = job.last_occurrence(at(2026, 10, 31, 12, 0))
    after = job.next_occurrence(at(2026, 10, 31, 12, 0))
    assert before.astimezone(UTC).hour == 8 and after.astimezone(UTC).hour == 9
    assert after.astimezone(CHICAGO).hour == 3


@pytest.mark.parametrize(("now", "expected"), [
    (at(2026, 12, 1, 2, 59), at(2026, 11, 1, 3, 0)),
    (at(2026, 12, 1, 3, 0), at(2026, 12, 1, 3, 0)),
    (at(2026, 1, 1, 0, 0), at(2025, 12, 1, 3, 0)),  # across a year end
])
def test_it_finds_the_latest_monthly_occurrence(settings, now, expected):
    settings.TIME_ZONE = "America/Chicago"
    job = schedule.Job("j", TASK, daily_at=dt.time(3, 0), monthly_on_day=1)
    assert job.last_occurrence(now) == expected
    following = job.next_occurrence(now)
    assert (following.day, following.hour) == (1, 3) and following > now


@pytest.mark.parametrize("kwargs", [
    {}, {"every": dt.timedelta(minutes=1), "daily_at": "02:00"}, {"every": dt.timedelta(0)},
    {"monthly_on_day": 31}, {"daily_at": "25:00"}, {"daily_at": "two thirty"},
])
def test_it_refuses_a_rhythm_that_is_not_exactly_one_valid_rhythm(clean_registry, kwargs):
    with pytest.raises(ValueError):
        schedule.register("bad", TASK, **kwargs)
    assert schedule.jobs() == []


@pytest.mark.django_db
def test_it_enqueues_each_slot_once_even_with_several_schedulers(clean_registry):
    schedule.register("test.every", TASK, every=dt.timedelta(minutes=10))
    now = dt.datetime(2026, 12, 4, 20, 3, tzinfo=UTC)
    assert schedule.enqueue_due(now) == ["test.every"]
    # A second scheduler (another server) in the same slot, and the first one again a minute later.
    assert schedule.enqueue_due(now) == []
    assert schedule.enqueue_due(now + dt.timedelta(minutes=1)) == []
    assert DBTaskResult.objects.filter(task_path=TASK).count() == 1
    run = ScheduledRun.objects.get()
    assert run.slot == "2026-12-04T20:00:00+00:00" and run.task_id == str(DBTaskResult.objects.get().id)
    # The next slot enqueues again.
    assert schedule.enqueue_due(now + dt.timedelta(minutes=10)) == ["test.every"]
    assert DBTaskResult.objects.filter(task_path=TASK).count() == 2


@pytest.mark.django_db
def test_it_runs_a_missed_slot_once_when_the_scheduler_comes_back(clean_registry, settings):
    settings.TIME_ZONE = "America/Chicago"
    schedule.register("test.daily", TASK, daily_at="02:30")
    schedule.enqueue_due(at(2026, 12, 1, 3, 0))
    # Down for three days: one catch-up run, not three.
    assert schedule.enqueue_due(at(2026, 12, 4, 12, 0)) == ["test.daily"]
    assert schedule.enqueue_due(at(2026, 12, 4, 12, 1)) == []
    assert ScheduledRun.objects.count() == 2


@pytest.mark.django_db
def test_it_logs_a_job_whose_task_cannot_be_imported_and_runs_the_others(clean_registry, caplog):
    schedule.register("a.broken", "civicdesk.nowhere.tasks.missing", every=dt.timedelta(minutes=1))
    schedule.register("b.fine", TASK, every=dt.timedelta(minutes=1))
    assert schedule.enqueue_due() == ["b.fine"]
    assert "a.broken" in caplog.text and not ScheduledRun.objects.filter(job="a.broken").exists()


@pytest.mark.django_db
def test_it_forgets_runs_older_than_two_months(clean_registry):
    now = dt.datetime(2026, 12, 4, tzinfo=UTC)
    ScheduledRun.objects.create(job="old", slot="x", enqueued_at=now - dt.timedelta(days=70))
    ScheduledRun.objects.create(job="recent", slot="x", enqueued_at=now - dt.timedelta(days=3))
    schedule.enqueue_due(now)
    assert list(ScheduledRun.objects.values_list("job", flat=True)) == ["recent"]


@pytest.mark.django_db
def test_it_checks_each_job_with_few_queries(clean_registry):
    for number in range(5):
        schedule.register(f"test.{number}", TASK, every=dt.timedelta(minutes=1))
    now = dt.datetime(2026, 12, 4, 20, 3, tzinfo=UTC)
    schedule.enqueue_due(now)
    with CaptureQueriesContext(connection) as queries:
        schedule.enqueue_due(now)  # nothing due: one look-up per job and the clean-up
    assert len(queries) == 6


def test_it_wakes_for_the_nearest_slot_but_at_least_once_a_minute(clean_registry):
    now = dt.datetime(2026, 12, 4, 20, 0, 50, tzinfo=UTC)
    assert schedule.seconds_until_next(now) == 60
    schedule.register("soon", TASK, every=dt.timedelta(seconds=30))
    assert schedule.seconds_until_next(now) == pytest.approx(10)
