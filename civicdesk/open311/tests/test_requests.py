"""GET requests.{xml,json}: filters, the 90-day window, the 1000 cap, paging and privacy."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civicdesk.jurisdictions.models import AddressPoint
from civicdesk.servicerequests import services
from civicdesk.servicerequests.models import Attachment, ServiceRequest, TimelineEntry

from .conftest import ELM, bulk_requests, jpeg, report

SPEC_ORDER = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
              "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
              "address", "address_id", "zipcode", "lat", "long", "media_url"]


def find(api, fmt="json", **params):
    return api.get(f"requests.{fmt}", {"jurisdiction_id": ELM, **params})


@time_machine.travel(dt.datetime(2025, 3, 4, 15, 0, tzinfo=dt.timezone.utc), tick=False)
def test_it_gives_every_spec_field_in_order_with_the_jurisdictions_offset(api, world):
    AddressPoint.objects.filter(address_id="A2").update(postcode="60601")
    request = report(world, lat=3.2, long=3.5)
    services.transition(request, world.statuses["in_progress"], message="Crew booked for Tuesday")
    answer = find(api)
    assert list(answer.doc[0]) == SPEC_ORDER
    assert answer.doc == [{
        "service_request_id": request.public_id, "status": "open", "status_notes": "Crew booked for Tuesday",
        "service_name": "Pothole", "service_code": "pothole", "description": "Hole next to the library steps",
        "agency_responsible": "Public Works", "service_notice": None,
        "requested_datetime": "2025-03-04T09:00:00-06:00", "updated_datetime": "2025-03-04T09:00:00-06:00",
        "expected_datetime": "2025-03-05T16:00:00-06:00", "address": "14 Oak Street", "address_id": "A2",
        "zipcode": "60601", "lat": 3.2, "long": 3.5, "media_url": None,
    }]


def test_it_shows_closed_requests_as_closed_at_their_closing_time(api, world):
    request = report(world)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=5), tick=False):
        services.transition(request, world.statuses["fixed"], message="Filled")
        closed_at = timezone.now()
    shown = find(api).doc[0]
    assert shown["status"] == "closed" and shown["status_notes"] == "Filled"
    assert dt.datetime.fromisoformat(shown["updated_datetime"]) == closed_at.replace(microsecond=0)


def test_it_never_shows_private_requests_contact_details_or_internal_notes(api, world):
    shown = report(world)
    services.transition(shown, world.statuses["investigating"], message="Caller is the mayor's cousin", public=False)
    report(world, service_type=world.records, attributes={}, contact_email="secret@example.org")
    hidden = report(world)
    ServiceRequest.objects.filter(pk=hidden.pk).update(is_private=True)
    report(world, lat=8.0, long=8.0, service_type=world.graffiti, attributes={})  # in Maple County
    for fmt in ("json", "xml"):
        answer = find(api, fmt)
        body = answer.response.content.decode()
        for private in ("Zed", "Quimby", "zed.quimby@example.org", "555-0199", "secret@example.org", "mayor",
                        hidden.public_id, "routing", "Routed"):
            assert private not in body
    assert [r["service_request_id"] for r in find(api).doc] == [shown.public_id]
    assert find(api).doc[0]["status_notes"] is None


def test_it_shows_a_visible_photo_and_never_a_hidden_one(api, world, settings):
    settings.SITE_URL = "https://311.example.gov"
    with_photo = report(world, uploads=[jpeg()])
    hidden_only = report(world, uploads=[jpeg()], service_type=world.graffiti, attributes={})
    Attachment.objects.filter(request=hidden_only).update(hidden=True)
    media = {r["service_request_id"]: r["media_url"] for r in find(api).doc}
    photo = Attachment.objects.get(request=with_photo)
    assert media == {with_photo.public_id: f"https://311.example.gov/requests/{with_photo.public_id}/media/{photo.pk}",
                     hidden_only.public_id: None}


def test_it_filters_by_service_code_and_status_lists(api, world):
    pothole, graffiti = report(world), report(world, service_type=world.graffiti, attributes={})
    closed = report(world, service_type=world.garbage, attributes={})
    services.transition(closed, world.statuses["fixed"])

    def ids(**params):
        return {r["service_request_id"] for r in find(api, **params).doc}

    assert ids(service_code="pothole,graffiti") == {pothole.public_id, graffiti.public_id}
    assert ids(service_code="missed-collection") == {closed.public_id}
    assert ids(status="closed") == {closed.public_id}
    assert ids(status="open") == {pothole.public_id, graffiti.public_id}
    assert ids(status="open,closed", service_code="") == {pothole.public_id, graffiti.public_id, closed.public_id}
    assert ids(service_code="no-such-code") == set()


def test_it_refuses_a_status_other_than_open_or_closed(api, world):
    assert find(api, status="open,fixed").doc == [{"code": 400,
                                                   "description": "status must be open, closed or both, not fixed."}]


def test_it_lets_service_request_id_override_every_other_filter(api, world):
    old = bulk_requests(world, 1, when=timezone.now() - dt.timedelta(days=400))[0]
    new = report(world)
    answer = find(api, service_request_id=f"{old.public_id}, {new.public_id.lower()},NOPE-NOPE", status="closed",
                  service_code="graffiti", start_date="2001-01-01T00:00:00Z", end_date="2001-01-02T00:00:00Z")
    assert [r["service_request_id"] for r in answer.doc] == [new.public_id, old.public_id]


def test_it_defaults_to_the_last_90_days(api, world):
    now = timezone.now()
    inside = bulk_requests(world, 1, when=now - dt.timedelta(days=89))[0]
    bulk_requests(world, 1, when=now - dt.timedelta(days=91))
    assert [r["service_request_id"] for r in find(api).doc] == [inside.public_id]


def test_it_reads_w3c_dates_and_clients_that_forget_to_encode_the_plus(api, world):
    when = dt.datetime(2025, 1, 10, 12, 0, tzinfo=dt.timezone.utc)
    target = bulk_requests(world, 1, when=when)[0]
    bulk_requests(world, 1, when=when + dt.timedelta(days=1))
    for start, end in [("2025-01-10T11:00:00Z", "2025-01-10T13:00:00Z"),
                       ("2025-01-10T07:00:00-04:00", "2025-01-10T08:00:00-04:00"),
                       ("2025-01-10T14:00:00 02:00", "2025-01-10T15:00:00 02:00"),
                       ("2025-01-10", "2025-01-10T23:59:59.999999"),
                       ("2025-01-10T06:00:00.000", "2025-01-10T06:00:00.000")]:
        assert [r["service_request_id"] for r in find(api, start_date=start, end_date=end).doc] == [
            target.public_id], (start, end)


def test_it_refuses_wide_backwards_and_malformed_windows(api, world):
    cases = {
        ("2025-01-01T00:00:00Z", "2025-04-02T00:00:00Z"): "The date range may not span more than 90 days.",
        ("2025-02-01T00:00:00Z", "2025-01-01T00:00:00Z"): "end_date is before start_date.",
        ("last tuesday", ""): "start_date is not a W3C datetime like 2010-01-01T00:00:00Z.",
        ("", "0000-01-01T00:00:00Z"): "end_date is not a W3C datetime like 2010-01-01T00:00:00Z.",
        ("4256-09-17T02:33:35+16:06", ""): "start_date is not a W3C datetime like 2010-01-01T00:00:00Z.",
    }
    for (start, end), message in cases.items():
        answer = find(api, start_date=start, end_date=end)
        assert (answer.status, answer.doc) == (400, [{"code": 400, "description": message}])


def test_it_returns_at_most_1000_requests_newest_first(api, world):
    rows = bulk_requests(world, 1005, when=timezone.now())
    answer = find(api)
    assert len(answer.doc) == 1000
    assert [r["service_request_id"] for r in answer.doc] == [r.public_id for r in rows[:1000]]


def test_it_pages_with_page_and_page_size(api, world):
    rows = bulk_requests(world, 25, when=timezone.now())
    pages = [[r["service_request_id"] for r in find(api, page=n, page_size=10).doc] for n in (1, 2, 3, 4)]
    assert pages == [[r.public_id for r in rows[0:10]], [r.public_id for r in rows[10:20]],
                     [r.public_id for r in rows[20:25]], []]
    assert len(find(api, page_size=5000).doc) == 25  # clamped to 1000, not refused
    for bad in ("0", "-1", "two", "1.5", "9" * 50):
        assert find(api, page=bad).status == 400
        assert find(api, page_size=bad).status == 400


def test_it_adds_answers_channel_photos_and_public_notes_with_extensions(api, world):
    request = report(world, uploads=[jpeg()])
    TimelineEntry.objects.create(request=request, kind=TimelineEntry.Kind.INTERNAL_NOTE, message="Do not tell")
    services.add_note(request, message="Crew on the way")
    shown = find(api, extensions="true").doc[0]
    assert shown["attributes"] == [{"code": "depth", "label": "How deep is it?", "value": "deep",
                                    "name": "Deep (5 cm or more)"}]
    assert shown["extended_attributes"]["channel"] == "web"
    assert len(shown["extended_attributes"]["photos"]) == 1
    assert [(n["type"], n["description"]) for n in shown["notes"]] == [
        ("submitted", "Request received via Web."), ("public_note", "Crew on the way")]
    assert "attributes" not in find(api).doc[0]


def test_it_lists_requests_in_xml_as_fixmystreet_reads_them(api, world):
    first, second = report(world), report(world, service_type=world.graffiti, attributes={})
    answer = find(api, "xml")
    assert [r["service_request_id"] for r in answer.doc["request"]] == [second.public_id, first.public_id]
    assert answer.doc["request"][0]["lat"] == "3.0" and answer.doc["request"][0]["media_url"] is None
    empty = find(api, "xml", service_code="none")
    assert empty.response.content.endswith(b"<service_requests/>") and empty.doc == {}


def _queries(api, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert find(api, **params).status == 200
    return len(captured)


def test_it_reads_one_or_fifty_requests_in_the_same_few_queries(api, world, django_assert_max_num_queries):
    request = report(world, uploads=[jpeg()])
    services.add_note(request, message="Crew on the way")
    one = (_queries(api), _queries(api, extensions="true"))
    for _ in range(49):
        services.add_note(report(world, uploads=[jpeg()], service_type=world.graffiti, attributes={}),
                          message="Seen")
    assert ServiceRequest.objects.count() == 50
    # jurisdiction, page, photos, service types, statuses, departments, postcodes (+ notes, questions, choices)
    with django_assert_max_num_queries(7):
        assert len(find(api).doc) == 50
    with django_assert_max_num_queries(10):
        assert len(find(api, extensions="true").doc) == 50
    assert (_queries(api), _queries(api, extensions="true")) == one
