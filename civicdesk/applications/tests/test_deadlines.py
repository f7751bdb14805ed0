"""Statutory deadlines in business days: weekends, the jurisdiction's holidays, and pauses for the applicant."""

from __future__ import annotations

import datetime as dt

from civicdesk.applications import deadlines, services
from civicdesk.applications.demo import submitted_fence
from civicdesk.jurisdictions.models import Holiday

from .helpers import local


def test_it_counts_open_days_after_the_day_of_submission(world):
    calendar = world.elm.calendar()
    friday = dt.date(2026, 11, 6)
    assert deadlines.add_business_days(calendar, friday, 0) == friday
    assert deadlines.add_business_days(calendar, friday, 1) == dt.date(2026, 11, 9)  # Monday
    assert deadlines.add_business_days(calendar, friday, 5) == dt.date(2026, 11, 13)


def test_it_skips_the_jurisdictions_holidays(world):
    Holiday.objects.create(jurisdiction=world.elm, date=dt.date(2026, 11, 9), name="Holiday one")
    Holiday.objects.create(jurisdiction=world.elm, date=dt.date(2026, 11, 26), name="Thanksgiving")
    calendar = world.elm.calendar()
    assert deadlines.add_business_days(calendar, dt.date(2026, 11, 6), 1) == dt.date(2026, 11, 10)
    assert deadlines.add_business_days(calendar, dt.date(2026, 11, 25), 1) == dt.date(2026, 11, 27)
    # Another jurisdiction's holiday does not count here.
    Holiday.objects.create(jurisdiction=world.county, date=dt.date(2026, 11, 27), name="County day")
    assert deadlines.add_business_days(world.elm.calendar(), dt.date(2026, 11, 25), 1) == dt.date(2026, 11, 27)


def test_it_counts_days_left_and_days_past(world):
    calendar = world.elm.calendar()
    assert deadlines.business_days_left(calendar, dt.date(2026, 11, 6), dt.date(2026, 11, 10)) == 2
    assert deadlines.business_days_left(calendar, dt.date(2026, 11, 10), dt.date(2026, 11, 10)) == 0
    assert deadlines.business_days_left(calendar, dt.date(2026, 11, 10), dt.date(2026, 11, 6)) == -2


def test_it_sets_both_deadlines_on_submission_in_the_jurisdictions_day(fence, world):
    Holiday.objects.create(jurisdiction=world.elm, date=dt.date(2026, 11, 11), name="Veterans Day")
    # Friday 23:30 in Chicago is Saturday in UTC: the day is the jurisdiction's Friday.
    application = submitted_fence(fence, world.alice, now=local(2026, 11, 6, 23) + dt.timedelta(minutes=30))
    assert application.intake_due_on == dt.date(2026, 11, 12)  # Mon, Tue, (Wed holiday), Thu
    assert application.decision_due_on == dt.date(2026, 11, 30)  # 15 open days, Veterans Day skipped


def test_it_moves_the_deadlines_by_the_business_days_the_applicant_kept_us_waiting(fence, world):
    application = submitted_fence(fence, world.alice, now=local(2026, 11, 2))  # Monday
    decision, intake = application.decision_due_on, application.intake_due_on
    services.request_information(application, user=world.bob, message="Send the height.", now=local(2026, 11, 5))
    application.refresh_from_db()
    assert application.paused_since is not None and application.is_overdue() is False
    # Paused Thursday, answered the next Tuesday: Thu, Fri, Mon held the clock (not the weekend, not Tuesday).
    services.provide_information(application, user=world.alice, message="Six feet.", now=local(2026, 11, 10))
    application.refresh_from_db()
    assert application.paused_since is None and application.status == "submitted"
    calendar = world.elm.calendar()
    assert application.decision_due_on == deadlines.add_business_days(calendar, decision, 3)
    assert application.intake_due_on == deadlines.add_business_days(calendar, intake, 3)


def test_it_keeps_the_deadline_when_the_type_does_not_pause_the_clock(fence, world):
    fence.pauses_clock = False
    fence.save()
    application = submitted_fence(fence, world.alice, now=local(2026, 11, 2))
    due = application.decision_due_on
    services.request_information(application, user=world.bob, message="Send the height.", now=local(2026, 11, 5))
    services.provide_information(application, user=world.alice, message="Six feet.", now=local(2026, 11, 12))
    application.refresh_from_db()
    assert application.decision_due_on == due
