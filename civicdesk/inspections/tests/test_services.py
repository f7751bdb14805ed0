"""Inspections' services: publishing availability, booking without double booking (also two bookers at once),
results, re-booking after a fail, the gate before the decision, and reminders sent once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from civicdesk.applications import services as app_services
from civicdesk.applications.demo import submitted_fence
from civicdesk.applications.services import ApplicationError
from civicdesk.audit.models import AuditEntry
from civicdesk.inspections import services
from civicdesk.inspections.models import Booking, Slot
from civicdesk.notifications.models import Delivery

from .helpers import at_decision, inspected_fence, slot


def test_it_books_a_slot_and_tells_the_applicant(world):
    kind = inspected_fence(world)
    application = submitted_fence(kind, world.alice)
    free = slot(world)
    booking = services.book(application, user=world.alice, slot=free)
    free.refresh_from_db()
    assert free.booked == 1 and booking.status == "booked"
    assert AuditEntry.objects.filter(action="inspection.booked").count() == 1
    event = application.events.get(kind="inspection_booked")
    assert Delivery.objects.filter(key=f"application-event:{event.pk}").exists()
    with pytest.raises(ApplicationError, match="no inspection to book"):
        services.book(application, user=world.alice, slot=slot(world, hour=11, capacity=3))


def test_it_refuses_a_full_slot_someone_elses_application_and_a_past_or_foreign_slot(world):
    kind = inspected_fence(world)
    first, second = submitted_fence(kind, world.alice), submitted_fence(kind, world.alice)
    only = slot(world)
    services.book(first, user=world.alice, slot=only)
    with pytest.raises(ApplicationError, match="just taken"):
        services.book(second, user=world.alice, slot=only)
    with pytest.raises(ApplicationError):
        services.book(second, user=world.mallory, slot=slot(world, hour=13))
    with pytest.raises(ApplicationError, match="Choose a time in the future"):
        services.add_slot(user=world.bob, department=world.public_works, starts_at=timezone.now() - dt.timedelta(hours=1),
                          ends_at=timezone.now(), capacity=1)
    with pytest.raises(ApplicationError, match="Only the department"):
        services.add_slot(user=world.carol, department=world.public_works,
                          starts_at=timezone.now() + dt.timedelta(days=1),
                          ends_at=timezone.now() + dt.timedelta(days=1, hours=1), capacity=1)


def book_at_once(pairs) -> list[str]:
    """Book each (application, slot) pair in its own thread and connection, all released at the same moment;
    returns "booked" or "refused" per booker."""
    barrier = threading.Barrier(len(pairs))
    outcomes: list[str] = []

    def booker(application, chosen):
        try:
            barrier.wait(10)
            services.book(application, user=application.applicant, slot=chosen)
            outcomes.append("booked")
        except ApplicationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=booker, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_it_never_double_books_when_two_applicants_book_the_last_place_at_once(world):
    kind = inspected_fence(world)
    applications = [submitted_fence(kind, world.alice), submitted_fence(kind, world.alice)]
    last = slot(world)
    assert book_at_once([(a, last) for a in applications]) == ["booked", "refused"]
    assert Booking.objects.filter(slot=last).count() == 1 and Slot.objects.get(pk=last.pk).booked == 1


@pytest.mark.django_db(transaction=True)
def test_it_never_books_one_application_twice_when_two_tabs_book_at_once(world):
    kind = inspected_fence(world)
    application = submitted_fence(kind, world.alice)
    slots = [slot(world, hour=9), slot(world, hour=10)]
    assert book_at_once([(application, s) for s in slots]) == ["booked", "refused"]
    assert Booking.objects.filter(application=application).count() == 1
    assert sum(Slot.objects.filter(pk__in=[s.pk for s in slots]).values_list("booked", flat=True)) == 1


def test_it_holds_approval_until_an_inspection_passed_and_allows_rebooking_after_a_fail(world, seats):
    kind = inspected_fence(world)
    application = at_decision(kind, world, seats.admin)
    with pytest.raises(ApplicationError, match="An inspection must pass"):
        app_services.decide(application, user=seats.supervisor, approve=True, reasons="Fine")
    booking = services.book(application, user=world.alice, slot=slot(world))
    with pytest.raises(ApplicationError, match="Say what must be fixed"):
        services.record_result(booking, user=world.bob, passed=False, notes=" ")
    with pytest.raises(ApplicationError, match="Only the department"):
        services.record_result(booking, user=world.carol, passed=True, notes="")
    services.record_result(booking, user=world.bob, passed=False, notes="Posts not set in concrete.")
    assert services.needs_booking(application)
    again = services.book(application, user=world.alice, slot=slot(world, days=3))
    services.record_result(again, user=world.bob, passed=True, notes="")
    with pytest.raises(ApplicationError, match="already recorded"):
        services.record_result(again, user=world.bob, passed=False, notes="Changed my mind")
    assert not services.needs_booking(application)
    permit = app_services.decide(application, user=seats.supervisor, approve=True, reasons="Fine")
    assert permit is not None
    assert AuditEntry.objects.filter(action__in=["inspection.failed", "inspection.passed"]).count() == 2


def test_it_reminds_once_of_an_inspection_within_a_day(world):
    kind = inspected_fence(world)
    application = submitted_fence(kind, world.alice)
    soon = services.add_slot(user=world.bob, department=world.public_works,
                             starts_at=timezone.now() + dt.timedelta(hours=5),
                             ends_at=timezone.now() + dt.timedelta(hours=6), capacity=1)
    later = submitted_fence(kind, world.alice)
    services.book(application, user=world.alice, slot=soon)
    services.book(later, user=world.alice, slot=slot(world, days=5))
    assert services.send_reminders() == 1
    assert services.send_reminders() == 0
    assert Delivery.objects.filter(event="inspection.reminder").count() == 1
