"""Periodic jobs: each app registers what must run every so often; one scheduler enqueues it as a task.

    from civicdesk.core import schedule

    class MyConfig(AppConfig):
        def ready(self):
            schedule.register("reports.monthly", "civicdesk.reports.tasks.monthly_reports",
                              monthly_on_day=1, daily_at="03:00")

A job names a django_tasks `@task` (by dotted path, so registering imports nothing) called with no
arguments, and one rhythm: `every` (a timedelta, counted from the Unix epoch, so every server agrees on
the slots), `daily_at` ("HH:MM" in settings.TIME_ZONE), or `monthly_on_day` (with `daily_at`, default
00:00). `manage.py run_schedule` (started by `manage.py serve`) wakes at least once a minute and, for
every job whose current slot has not run, inserts a `ScheduledRun` (unique per job and slot) and
enqueues the task in the same transaction: with many app servers each running a scheduler, every slot
is enqueued exactly once, and the task worker (any number of them) runs it.

A slot is the latest occurrence of the rhythm at or before now, so a job whose time passed while the
scheduler was down runs once when it comes back (not once per missed slot). Tasks must therefore be
safe to run late and twice-safe in their own right (a worker killed mid-task may leave it to be retried).
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

#: Runs older than this are deleted by the scheduler (they only guard against enqueueing a slot twice).
KEEP_RUNS = dt.timedelta(days=62)


@dataclass(frozen=True)
class Job:
    """One registered periodic job (see the module docstring)."""

    name: str
    task_path: str
    every: dt.timedelta | None = None
    daily_at: dt.time | None = None
    monthly_on_day: int | None = None

    def last_occurrence(self, now: dt.datetime) -> dt.datetime:
        """The start of the slot `now` (aware) falls in: the latest time at or before `now` the job is due."""
        if self.every is not None:
            seconds = self.every.total_seconds()
            epoch = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
            slots = int((now - epoch).total_seconds() // seconds)
            return epoch + dt.timedelta(seconds=slots * seconds)
        tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        local = now.astimezone(tz)
        at = self.daily_at or dt.time(0, 0)
        if self.monthly_on_day is None:
            day = local.date()
            if dt.datetime.combine(day, at, tzinfo=tz) > local:
                day -= dt.timedelta(days=1)
            return dt.datetime.combine(day, at, tzinfo=tz)
        year, month = local.year, local.month
        for _ in range(2):
            candidate = dt.datetime.combine(dt.date(year, month, self.monthly_on_day), at, tzinfo=tz)
            if candidate <= local:
                return candidate
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        raise AssertionError("unreachable: last month's occurrence is always in the past")

    def next_occurrence(self, now: dt.datetime) -> dt.datetime:
        """When the slot after the current one starts."""
        current = self.last_occurrence(now)
        if self.every is not None:
            return current + self.every
        if self.monthly_on_day is None:
            local = current.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
            following = dt.datetime.combine(local.date() + dt.timedelta(days=1), local.timetz().replace(tzinfo=None),
                                            tzinfo=local.tzinfo)
            return following
        local = current.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
        return dt.datetime.combine(dt.date(year, month, self.monthly_on_day), local.timetz().replace(tzinfo=None),
                                   tzinfo=local.tzinfo)

    def slot(self, now: dt.datetime) -> str:
        """The current slot's name: the ISO time of its start in UTC (stored with each run)."""
        return self.last_occurrence(now).astimezone(dt.timezone.utc).isoformat(timespec="seconds")


_jobs: dict[str, Job] = {}


def register(name: str, task_path: str, *, every: dt.timedelta | None = None, daily_at: str | None = None,
             monthly_on_day: int | None = None) -> Job:
    """Register (or replace) the periodic job `name`. Raises ValueError for a rhythm that is not exactly one
    of `every`, `daily_at`, or `monthly_on_day` (1–28, so every month has it) with an optional `daily_at`."""
    if len(name) > 80:
        raise ValueError(f"job name {name!r} is longer than 80 characters")
    if every is not None and (daily_at is not None or monthly_on_day is not None):
        raise ValueError(f"{name}: give either every= or daily_at=/monthly_on_day=, not both")
    if every is None and daily_at is None and monthly_on_day is None:
        raise ValueError(f"{name}: give every=, daily_at= or monthly_on_day=")
    if every is not None and every < dt.timedelta(seconds=1):
        raise ValueError(f"{name}: every= must be at least one second")
    if monthly_on_day is not None and not 1 <= monthly_on_day <= 28:
        raise ValueError(f"{name}: monthly_on_day must be between 1 and 28 (every month has those days)")
    at = None
    if daily_at is not None:
        try:
            at = dt.time.fromisoformat(daily_at)
        except ValueError:
            raise ValueError(f"{name}: daily_at wants a local time like 02:30, not {daily_at!r}") from None
    job = Job(name=name, task_path=task_path, every=every, daily_at=at, monthly_on_day=monthly_on_day)
    _jobs[name] = job
    return job


def unregister(name: str) -> None:
    """Forget the job `name` (tests; an app that turns a job off by setting)."""
    _jobs.pop(name, None)


def jobs() -> list[Job]:
    """The registered jobs, by name."""
    return [_jobs[name] for name in sorted(_jobs)]


def enqueue_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every job whose current slot has not been enqueued yet (by any scheduler); returns their names.

    Each job is claimed and enqueued in its own transaction, so one job whose task cannot be imported (a bug,
    logged) does not stop the others.
    """
    from .models import ScheduledRun

    now = now or timezone.now()
    enqueued = []
    for job in jobs():
        slot = job.slot(now)
        if ScheduledRun.objects.filter(job=job.name, slot=slot).exists():
            continue
        try:
            task = import_string(job.task_path)
        except ImportError:
            log.exception("scheduled job %s names a task that cannot be imported: %s", job.name, job.task_path)
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, slot=slot, enqueued_at=now)
                result = task.enqueue()
                run.task_id = str(getattr(result, "id", ""))[:64]
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another scheduler claimed this slot between our check and our insert
        enqueued.append(job.name)
        log.info("scheduled job %s enqueued for slot %s", job.name, slot)
    ScheduledRun.objects.filter(enqueued_at__lt=now - KEEP_RUNS).delete()
    return enqueued


def seconds_until_next(now: dt.datetime | None = None, *, longest: float = 60.0) -> float:
    """Seconds until the next slot of any job starts, at most `longest` (the scheduler also wakes for new jobs)."""
    now = now or timezone.now()
    waits = [(job.next_occurrence(now) - now).total_seconds() for job in jobs()]
    return max(0.5, min([longest, *waits]))
