"""The queue page /staff/: queues with bounded counts, filters, search, keyset paging, few queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from civicdesk.catalog.models import Priority
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import ServiceRequest
from civicdesk.staff import services as queues
from civicdesk.testing.world import IN_EAST_ELM
from civicdesk.testing.auth import login_verified

from .people import file_requests, seat_people

URL = reverse("staff:queues")


@pytest.fixture
def cast(world):
    return seat_people(world), file_requests(world)


def graffiti(world, n: int, **extra) -> list[ServiceRequest]:
    start = timezone.now() - dt.timedelta(days=1)
    return [services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                    description=f"Tag number {i}", requested_at=start + dt.timedelta(minutes=i),
                                    **extra) for i in range(n)]


def ids_on(response) -> list[str]:
    return [sr.public_id for sr in response.context["rows"]]


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_it_refuses_residents(client, world):
    login_verified(client, world.alice)
    assert client.get(URL).status_code == 403


def test_it_counts_each_queue_for_the_member(client, world, cast):
    _, reqs = cast
    services.assign(reqs.pothole, user=world.bob, assignee=world.bob)
    login_verified(client, world.bob)
    response = client.get(URL)
    counts = {row["key"]: row["count"] for row in response.context["counts"]}
    assert counts["mine"] == 1 and counts["department"] == 1 and counts["triage"] == 1
    assert counts["unassigned"] == 0 and counts["all"] == 2
    assert ids_on(response) == [reqs.pothole.public_id]


def test_it_lists_the_team_queue_for_a_team_member(client, world, cast):
    _, reqs = cast
    login_verified(client, world.carol)
    response = client.get(URL, {"queue": "team"})
    assert ids_on(response) == [reqs.garbage.public_id]


def test_it_lists_overdue_and_due_soon_requests(client, world, cast):
    _, reqs = cast
    now = timezone.now()
    ServiceRequest.objects.filter(pk=reqs.pothole.pk).update(expected_at=now - dt.timedelta(hours=1))
    ServiceRequest.objects.filter(pk=reqs.triage.pk).update(expected_at=now + dt.timedelta(hours=2))
    login_verified(client, world.bob)
    assert ids_on(client.get(URL, {"queue": "overdue"})) == [reqs.pothole.public_id]
    response = client.get(URL, {"queue": "due_soon"})
    assert ids_on(response) == [reqs.triage.public_id]
    assert "Overdue" in client.get(URL, {"queue": "overdue"}).content.decode()


def test_it_shows_a_transfer_in_the_receiving_departments_queue(client, world, cast):
    _, reqs = cast
    services.transfer(reqs.pothole, department=world.sanitation, user=world.bob, reason="Bins in the road")
    login_verified(client, world.carol)
    response = client.get(URL, {"queue": "transferred_in"})
    assert ids_on(response) == [reqs.pothole.public_id]
    assert queues.bounded_count(queues.queue(world.carol, "transferred_in")) == 1  # the tab's count
    login_verified(client, world.bob)
    assert reqs.pothole.public_id not in ids_on(client.get(URL, {"queue": "all"}))


def test_it_filters_by_type_priority_district_and_channel(client, world, cast):
    _, reqs = cast
    services.set_priority(reqs.pothole, priority=Priority.URGENT, user=world.bob)
    login_verified(client, world.bob)
    base = {"queue": "all"}
    assert ids_on(client.get(URL, {**base, "service_type": reqs.triage.service_type_id})) == [reqs.triage.public_id]
    assert ids_on(client.get(URL, {**base, "priority": Priority.URGENT})) == [reqs.pothole.public_id]
    assert ids_on(client.get(URL, {**base, "district": world.east.pk})) == [reqs.triage.public_id]
    assert ids_on(client.get(URL, {**base, "channel": "phone"})) == []
    assert len(ids_on(client.get(URL, {**base, "status": world.statuses["submitted"].pk}))) == 2


def test_it_searches_tracking_number_address_and_description(client, world, cast):
    _, reqs = cast
    login_verified(client, world.bob)
    base = {"queue": "all"}
    assert client.get(URL, {**base, "q": reqs.pothole.public_id.lower()})["Location"] == \
        reverse("staff:detail", args=[reqs.pothole.public_id])
    assert ids_on(client.get(URL, {**base, "q": "by the school"})) == [reqs.pothole.public_id]
    assert ids_on(client.get(URL, {**base, "q": "Oak Street"})) == [reqs.pothole.public_id]


def test_it_searches_reporter_details_only_for_roles_that_may_see_them(client, world, cast):
    seats, reqs = cast
    services.assign(reqs.pothole, user=seats.supervisor, assignee=seats.contractor)
    login_verified(client, world.bob)
    assert set(ids_on(client.get(URL, {"queue": "all", "q": "555-0199"}))) == {
        reqs.pothole.public_id, reqs.triage.public_id}
    login_verified(client, seats.contractor)
    assert ids_on(client.get(URL, {"queue": "all", "q": "555-0199"})) == []
    assert ids_on(client.get(URL, {"queue": "all", "q": "Rita"})) == []
    assert ids_on(client.get(URL, {"queue": "all"})) == [reqs.pothole.public_id]


def test_it_pages_with_a_keyset_cursor_without_gaps_or_repeats(client, world, settings, monkeypatch):
    monkeypatch.setattr(queues, "PAGE_SIZE", 4)
    made = graffiti(world, 10)
    login_verified(client, world.bob)
    seen, query = [], {"queue": "all"}
    for _ in range(5):
        response = client.get(URL, query)
        seen += ids_on(response)
        if not response.context["next_query"]:
            break
        query = response.context["next_query"]
        query = dict(pair.split("=", 1) for pair in query.split("&"))
    assert seen == [sr.public_id for sr in reversed(made)]


def test_it_pages_in_priority_order_with_ties_broken_by_time(world):
    made = graffiti(world, 5)
    services.set_priority(made[1], priority=Priority.URGENT, user=world.bob)
    services.set_priority(made[3], priority=Priority.URGENT, user=world.bob)
    world.bob._staff_seats = None
    everything = queues.queue(world.bob, "all")
    first = queues.page_of(everything, sort="priority", size=3)
    second = queues.page_of(everything, sort="priority", cursor=first.next_cursor, size=3)
    order = [sr.public_id for sr in first.rows + second.rows]
    assert order == [made[3].public_id, made[1].public_id, made[4].public_id, made[2].public_id, made[0].public_id]
    assert second.next_cursor == ""


def test_it_ignores_a_tampered_cursor(client, world):
    graffiti(world, 2)
    login_verified(client, world.bob)
    response = client.get(URL, {"queue": "all", "after": "not-a-cursor"})
    assert response.status_code == 200 and len(ids_on(response)) == 2


@pytest.mark.parametrize("values", [
    ["2026-02-30T10:00:00+00:00", 5],  # no 30 February: parse_datetime raised instead of saying "not a date"
    ["2026-01-01T10:00:00+00:00", 10**30],  # beyond a 64-bit id: the database raised
    ["2026-01-01T10:00:00+00:00", True],
])
def test_it_starts_from_the_first_page_for_an_impossible_cursor(client, world, values):
    graffiti(world, 2)
    login_verified(client, world.bob)
    response = client.get(URL, {"queue": "all", "after": queues.encode_cursor(values)})
    assert response.status_code == 200 and len(ids_on(response)) == 2


def test_it_bounds_counts_and_shows_a_plus(world):
    assert queues.format_count(1000) == "999+" and queues.format_count(12) == "12"
    graffiti(world, 3)
    assert queues.bounded_count(ServiceRequest.objects.all(), limit=2) == 2


def test_it_issues_the_same_number_of_queries_for_1_or_30_requests(client, world, django_assert_max_num_queries):
    login_verified(client, world.bob)
    services.assign(graffiti(world, 1)[0], user=world.bob, assignee=world.bob)
    with CaptureQueriesContext(connection) as one:
        client.get(URL, {"queue": "all"})
    for request in graffiti(world, 29, contact_email="x@example.org"):
        services.assign(request, user=world.bob, assignee=world.carol if request.pk % 2 else world.bob)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(URL, {"queue": "all"})
    assert len(ids_on(response)) == 30
    # 19 before saved views (one query), business-hours "due soon" (one query for the calendars)
    # and the two-factor session checks of the accounts middleware.
    # ... and the home jurisdiction named in the header (one query).
    assert len(one.captured_queries) <= 26




def test_it_filters_by_age_and_by_having_a_photo(client, world, cast, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    _, reqs = cast
    settings.MEDIA_ROOT = tmp_path
    ServiceRequest.objects.filter(pk=reqs.pothole.pk).update(requested_at=timezone.now() - dt.timedelta(days=10))
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, "JPEG")
    with_photo = services.submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                                         uploads=[SimpleUploadedFile("p.jpg", buffer.getvalue(),
                                                                     content_type="image/jpeg")])
    login_verified(client, world.bob)
    assert ids_on(client.get(URL, {"queue": "all", "older_than": 7})) == [reqs.pothole.public_id]
    assert ids_on(client.get(URL, {"queue": "all", "has_photo": "on"})) == [with_photo.public_id]


def test_it_opens_a_tracking_number_typed_any_way_from_any_queue(client, world, cast):
    _, reqs = cast
    login_verified(client, world.bob)
    number = reqs.pothole.public_id
    detail = reverse("staff:detail", args=[number])
    # bob's "Assigned to me" queue is empty: the number is found anyway.
    for typed in [number, number.lower(), number.replace("-", ""), f" {number[:4]} {number[5:]} ".lower()]:
        response = client.get(URL, {"queue": "mine", "q": typed})
        assert response.status_code == 302 and response["Location"] == detail, typed


def test_it_never_opens_a_tracking_number_the_user_may_not_see(client, world, cast):
    _, reqs = cast
    login_verified(client, world.bob)  # Elm Public Works: not Maple County's roads
    response = client.get(URL, {"queue": "all", "q": reqs.county.public_id})
    assert response.status_code == 200 and ids_on(response) == []


def test_it_searches_text_in_every_queue_when_asked(client, world, cast):
    _, reqs = cast
    login_verified(client, world.bob)
    in_queue = client.get(URL, {"queue": "mine", "q": "by the school"})
    html = in_queue.content.decode()
    assert ids_on(in_queue) == [] and "Nothing matches “by the school” here." in html
    assert "everywhere=on" in html and ">Search all requests</a>" in html
    everywhere = client.get(URL, {"queue": "mine", "q": "by the school", "everywhere": "on"})
    assert ids_on(everywhere) == [reqs.pothole.public_id]
