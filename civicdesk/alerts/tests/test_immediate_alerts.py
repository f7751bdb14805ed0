"""Immediate area alerts on new and closed requests: who matches, what they say, what they never say."""

from __future__ import annotations

import datetime as dt

from civicdesk.alerts import services
from civicdesk.alerts.models import AreaSubscription
from civicdesk.notifications.models import Delivery
from civicdesk.servicerequests import services as requests
from civicdesk.testing.fixtures import run_worker
from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM

from .helpers import live, pothole, text

# About 1.1 km north of IN_WEST_ELM (0.01 degree of latitude).
KM_NORTH = (IN_WEST_ELM[0] + 0.01, IN_WEST_ELM[1])


def alerted(request, event="new") -> set[str]:
    return set(Delivery.objects.filter(key=f"area:{request.pk}:{event}").values_list("address", flat=True))


def test_it_matches_by_radius_district_type_and_event(tworld, smtp_server):
    live("near@example.org", radius_m=500)
    live("far@example.org", lat=KM_NORTH[0], long=KM_NORTH[1], radius_m=2000)
    live("short@example.org", lat=KM_NORTH[0], long=KM_NORTH[1], radius_m=500)
    live("west@example.org", district=tworld.west)
    live("east@example.org", district=tworld.east)
    live("potholes@example.org", types=[tworld.pothole])
    live("graffiti@example.org", types=[tworld.graffiti])
    live("closures@example.org", notify_new=False)
    live("daily@example.org", frequency=AreaSubscription.Frequency.DAILY)
    live("stopped@example.org", is_active=False)
    AreaSubscription.objects.create(email="unconfirmed@example.org", lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                    radius_m=500)

    request = pothole(tworld, description="Kids' bikes & cars swerve")
    run_worker()
    expected = {"near@example.org", "far@example.org", "west@example.org", "potholes@example.org"}
    assert alerted(request) == expected
    messages = smtp_server.wait_for(4)
    assert {m["To"] for m in messages} == expected
    assert "Kids' bikes & cars swerve" in text(messages[0])  # plain text, not HTML-escaped


def test_it_alerts_on_closure_only_those_who_asked(tworld, smtp_server):
    live("new-only@example.org", notify_closed=False)
    live("closures@example.org", notify_new=False)
    request = pothole(tworld)
    run_worker()
    requests.transition(request, tworld.statuses["fixed"], user=tworld.bob, message="Filled today")
    run_worker()
    assert alerted(request, "new") == {"new-only@example.org"}
    assert alerted(request, "closed") == {"closures@example.org"}
    [closure] = [m for m in smtp_server.wait_for(2) if m["To"] == "closures@example.org"]
    assert closure["Subject"] == "Closed near you: Pothole at 12 Oak Street"
    assert "was closed (Fixed)" in text(closure)


def test_it_never_alerts_about_private_requests(tworld, smtp_server):
    live("everything@example.org")
    request = requests.submit_request(service_type=tworld.records, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                      description="Copies of permits", reporter=tworld.alice,
                                      contact_email="alice@example.org")
    run_worker()
    assert alerted(request) == set()
    assert not Delivery.objects.filter(address="everything@example.org").exists()


def test_it_sends_one_message_to_an_address_with_overlapping_subscriptions_and_none_on_rerun(tworld):
    first = live("twice@example.org", radius_m=500)
    second = live("twice@example.org", district=tworld.west)
    request = pothole(tworld)
    run_worker()
    assert Delivery.objects.filter(key=f"area:{request.pk}:new", address="twice@example.org").count() == 1
    assert services.send_alerts(request.pk, "new", [first.pk, second.pk]) == 0


def test_it_matches_many_subscriptions_with_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    for i in range(60):
        live(f"r{i}@example.org", types=[world.pothole] if i % 2 else [])
    live("elsewhere@example.org", lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1] + 0.2)
    request = pothole(world)
    with django_assert_max_num_queries(3):
        matched = [s for rows in services.subscriptions_for_request(request, "new") for s in rows]
    assert len(matched) == 60


def test_it_alerts_on_a_duplicate_closed_by_a_merge(tworld):
    live("closures@example.org", notify_new=False)
    original = pothole(tworld)
    duplicate = pothole(tworld, description="Same hole")
    requests.merge(duplicate, into=original, user=tworld.bob)
    run_worker()
    assert alerted(duplicate, "closed") == {"closures@example.org"}
    assert alerted(original, "closed") == set()


def test_it_retries_a_chunk_the_database_could_not_write(tworld):
    import logging
    import threading

    from django.db import connection, transaction
    from django_tasks_db.models import DBTaskResult

    from civicdesk.alerts import tasks

    subscription = live("near@example.org")
    request = pothole(tworld)
    DBTaskResult.objects.all().delete()
    locked, release = threading.Event(), threading.Event()

    def hold_the_write_lock():
        # Another connection holds the write lock on the deliveries while the chunk runs.
        with transaction.atomic():
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("LOCK TABLE notifications_delivery IN EXCLUSIVE MODE")
                else:
                    cursor.execute("DELETE FROM notifications_delivery WHERE id < 0")
            locked.set()
            release.wait(30)
        connection.close()

    class ReleaseOnRetry(logging.Handler):
        # The lock is held until the chunk has failed and warns that it will retry (the warning comes between
        # the rolled-back write and the retry's INSERT), not for a fixed time: on SQLite that INSERT needs the
        # same write lock, and gets it as soon as the holder lets go instead of after the holder's 30 s.
        def emit(self, record):
            release.set()

    task_log, handler = logging.getLogger(tasks.__name__), ReleaseOnRetry(logging.WARNING)
    level = task_log.level
    task_log.addHandler(handler)
    task_log.setLevel(logging.WARNING)
    holder = threading.Thread(target=hold_the_write_lock)
    holder.start()
    try:
        assert locked.wait(10)
        with connection.cursor() as cursor:
            # The chunk's write gives up after a short wait: SQLite's busy timeout (20 s in settings) or a
            # PostgreSQL lock timeout; the failure is the same "could not write", only sooner.
            if connection.vendor == "postgresql":
                cursor.execute("SET lock_timeout = '300ms'")
            else:
                cursor.execute("PRAGMA busy_timeout = 2000")
        started = dt.datetime.now(dt.timezone.utc)
        assert tasks.send_area_alerts.call(request.pk, "new", [subscription.pk]) == 0
    finally:
        release.set()
        holder.join()
        task_log.removeHandler(handler)
        task_log.setLevel(level)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("RESET lock_timeout")
            else:
                cursor.execute(f"PRAGMA busy_timeout = {int(connection.settings_dict['OPTIONS']['timeout'] * 1000)}")
    assert alerted(request) == set()
    [retry] = DBTaskResult.objects.filter(task_path="civicdesk.alerts.tasks.send_area_alerts")
    assert retry.args_kwargs["args"] == [request.pk, "new", [subscription.pk], 2]

    from django.utils import timezone

    # Ten seconds after the failure, which came after the call started (on SQLite the retry's own INSERT
    # waits for the same lock, so "now" may already be past it here).
    assert retry.run_after >= started + dt.timedelta(seconds=10)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # no waiting 10 s in a test
    run_worker()  # the retry, with the database free again
    assert alerted(request) == {"near@example.org"}
