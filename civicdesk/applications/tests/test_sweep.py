"""The deadline sweep: staff are warned before a legal deadline passes, once per deadline, counting business
days (weekends, holidays) and never while the clock is paused."""

from __future__ import annotations

import datetime as dt

from civicdesk.applications import services
from civicdesk.applications.demo import submitted_fence
from civicdesk.applications.models import Application
from civicdesk.applications.tasks import deadline_sweep_task
from civicdesk.jurisdictions.models import Holiday
from civicdesk.notifications.models import Delivery

from .helpers import local


def warnings(application) -> int:
    return application.events.filter(kind="deadline_warning").count()


def test_it_warns_once_before_the_intake_deadline_counting_business_days(fence, world, seats):
    # Submitted Thursday 5 Nov: intake due in 3 business days = Tuesday 10 Nov (the weekend does not count).
    application = submitted_fence(fence, world.alice, now=local(2026, 11, 5))
    assert application.intake_due_on == dt.date(2026, 11, 10)
    assert services.sweep(now=local(2026, 11, 5, 12)) == 0  # 3 business days left, warn at 2
    # Friday: Mon and Tue left (2): warned, the town's administrator by email.
    assert services.sweep(now=local(2026, 11, 6, 9)) == 1
    assert Delivery.objects.filter(key__startswith="application-deadline:", address=seats.admin.email).count() == 1
    assert services.sweep(now=local(2026, 11, 9, 9)) == 0  # the same deadline: never twice
    assert services.sweep(now=local(2026, 11, 11, 9)) == 0  # even once it has passed
    application.refresh_from_db()
    assert warnings(application) == 1 and application.warned_for == "intake:2026-11-10"


def test_it_counts_a_holiday_as_a_closed_day(fence, world, seats):
    application = submitted_fence(fence, world.alice, now=local(2026, 11, 5))  # due Tue 10 Nov
    Holiday.objects.create(jurisdiction=world.elm, date=dt.date(2026, 11, 9), name="Closed Monday")
    application.intake_due_on = dt.date(2026, 11, 11)  # what the calendar with that holiday gives
    application.save()
    # Friday: Tue and Wed left (Monday is closed), 2: warned. On the Thursday before, 3 left: not yet.
    assert services.sweep(now=local(2026, 11, 5, 12)) == 0
    assert services.sweep(now=local(2026, 11, 6, 12)) == 1


def test_it_never_warns_while_paused_and_warns_again_for_the_moved_deadline(fence, world, seats):
    application = submitted_fence(fence, world.alice, now=local(2026, 11, 2))  # Monday: intake due Thu 5 Nov
    assert services.sweep(now=local(2026, 11, 3, 9)) == 1  # Tuesday: 2 left
    services.request_information(application, user=seats.admin, message="Plan?", now=local(2026, 11, 3, 10))
    assert services.sweep(now=local(2026, 11, 9, 9)) == 0  # paused: the clock does not run
    application.refresh_from_db()
    services.provide_information(application, user=world.alice, message="Attached.", now=local(2026, 11, 9, 10))
    application.refresh_from_db()
    assert application.intake_due_on == dt.date(2026, 11, 11)  # Tue, Wed, Thu, Fri held the clock: Thu 5 + 4
    assert services.sweep(now=local(2026, 11, 9, 11)) == 1  # a new deadline, a new warning
    assert warnings(application) == 2


def test_it_warns_about_the_decision_once_the_intake_is_done_and_is_safe_to_run_twice(fence, world, seats):
    application = submitted_fence(fence, world.alice, now=local(2026, 11, 2))
    Application.objects.filter(pk=application.pk).update(step=fence.ordered_steps()[1], department=world.public_works,
                                                          warned_for="intake:2026-11-05")
    late = local(2026, 11, 19, 9)  # decision due Mon 23 Nov: Fri and Mon left
    assert services.sweep(now=late) == 1 and services.sweep(now=late) == 0
    # The reviewers of Public Works hear about it (bob and the supervisor), not Sanitation.
    warned = set(Delivery.objects.filter(key__startswith="application-deadline:").values_list("address", flat=True))
    assert warned == {world.bob.email, seats.supervisor.email}
    assert deadline_sweep_task.call() == 0
