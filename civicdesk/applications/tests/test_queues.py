"""The application queues (civicdesk/applications/queues.py): every count and page, read reach by reach, equals the
plain filter over everything the user reaches, for every queue and every kind of seat; on SQLite every part is
read from an index, none by scanning the table or sorting a whole queue."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.utils import timezone

from civicdesk.applications import access, queues
from civicdesk.applications.models import Application
from civicdesk.jurisdictions.models import StaffMembership

Status = Application.Status


def spread(fence, world, seats, *, count: int, seed: int) -> None:
    """`count` applications of the fence permit in Elm in every state, step, department and assignee, due from
    three weeks ago to three weeks ahead (some without a date); paused while waiting only when the type pauses."""
    rng = random.Random(seed)
    steps = [*fence.ordered_steps(), None]
    departments = [world.public_works, world.sanitation, None]
    assignees = [None, None, world.bob, world.carol, seats.supervisor, seats.admin]
    statuses = [status for status in Status.values if status != Status.DRAFT]
    today, now = timezone.localdate(), timezone.now()
    rows = []
    for _ in range(count):
        status = rng.choice(statuses)
        due = None if rng.random() < 0.1 else today + dt.timedelta(days=rng.randint(-21, 21))
        paused = now if status == Status.INFO_REQUESTED and fence.pauses_clock else None
        rows.append(Application(application_type=fence, jurisdiction=world.elm, applicant=world.alice, status=status,
                                step=rng.choice(steps), department=rng.choice(departments),
                                assignee=rng.choice(assignees), decision_due_on=due, paused_since=paused,
                                submitted_at=now))
    Application.objects.bulk_create(rows)


def viewers(world, seats):
    """Staff of one department, of two departments, a department's supervisor, the town's admin (also seated in a
    department), a superuser."""
    StaffMembership.objects.create(user=world.carol, jurisdiction=world.elm, department=world.public_works)
    StaffMembership.objects.create(user=seats.admin, jurisdiction=world.elm, department=world.sanitation)
    return {"bob": world.bob, "carol (two departments)": world.carol, "supervisor": seats.supervisor,
            "admin": seats.admin, "superuser": seats.root}


@pytest.mark.parametrize("pauses", [True, False], ids=["clock pauses", "clock runs"])
def test_it_counts_and_pages_every_queue_as_the_plain_filter_does(fence, world, seats, pauses):
    fence.pauses_clock = pauses
    fence.save()
    spread(fence, world, seats, count=400, seed=11)
    today = timezone.localdate()
    for name, user in viewers(world, seats).items():
        every = queues.all_queues(today, user)
        counts = queues.bounded_counts(user, every, limit=40)
        for queue in every:
            expected = list(access.applications_for_staff(user).filter(queue.q)
                            .order_by("decision_due_on", "id").values_list("pk", flat=True))
            assert counts[queue.key] == min(40, len(expected)), (name, queue.key)
            assert queues.page_ids(user, queue, size=1000) == expected, (name, queue.key)
            assert queues.page_ids(user, queue, offset=7, size=5) == expected[7:12], (name, queue.key)


def test_it_reads_a_whole_jurisdiction_once_for_a_seat_that_also_has_a_department(fence, world, seats):
    viewers(world, seats)
    assert access.reaches(seats.admin) == [access.Reach(world.elm.pk)]
    assert access.reaches(world.carol) == [access.Reach(world.elm.pk, department_id=world.sanitation.pk),
                                           access.Reach(world.elm.pk, assignee_id=world.carol.pk),
                                           access.Reach(world.elm.pk, department_id=world.public_works.pk)]


def test_it_narrows_a_queue_by_step_and_by_type(fence, world, seats):
    spread(fence, world, seats, count=200, seed=5)
    user = viewers(world, seats)["carol (two departments)"]
    active = queues.all_queues(timezone.localdate(), user)[0]
    review = list(access.applications_for_staff(user).filter(active.q, step__kind="review")
                  .order_by("decision_due_on", "id").values_list("pk", flat=True))
    assert review and queues.page_ids(user, active, step_kind="review", size=1000) == review
    intake_queue = next(queue for queue in queues.all_queues(timezone.localdate(), user) if queue.key == "intake")
    assert queues.page_ids(user, intake_queue, step_kind="review") == []
    assert queues.page_ids(user, active, extra=queues.Q(application_type_id=fence.pk + 1000)) == []


def test_it_counts_nothing_for_a_seat_that_reaches_no_application(fence, world, seats):
    spread(fence, world, seats, count=20, seed=3)
    every = queues.all_queues(timezone.localdate(), world.dave)
    assert set(queues.bounded_counts(world.dave, every).values()) == {0}
    assert all(queues.page_ids(world.dave, queue) == [] for queue in every)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the plans of SQLite, which has no statistics")
def test_it_reads_every_part_from_an_index_without_sorting_a_queue(fence, world, seats):
    spread(fence, world, seats, count=50, seed=2)
    for user in (world.bob, seats.admin):
        for queue in queues.all_queues(timezone.localdate(), user):
            count_parts = [part.order_by().values("pk")[:1000] for part in queues.parts(user, queue)]
            for part in [*count_parts, *queues.page_parts(user, queue, wanted=51)]:
                sql, params = part.query.sql_with_params()
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                    plan = " ; ".join(row[-1] for row in cursor.fetchall())
                assert "SEARCH applications_application USING" in plan, (queue.key, plan)
                assert "SCAN applications_application" not in plan, (queue.key, plan)
            for part in queues.page_parts(user, queue, wanted=51):
                sql, params = part.query.sql_with_params()
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                    plan = " ; ".join(row[-1] for row in cursor.fetchall())
                assert "TEMP B-TREE" not in plan, (queue.key, plan)
