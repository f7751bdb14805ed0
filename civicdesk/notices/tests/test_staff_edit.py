"""The staff notice editor: writing, validating in plain words, time zones, saving and publishing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from civicdesk.audit.models import AuditEntry
from civicdesk.notices.models import ServiceNotice
from civicdesk.staff.tests.people import seat_people
from civicdesk.testing.auth import login_verified
from civicdesk.testing.world import square

from .helpers import WEST_PATCH, make_notice
from .test_authorization_matrix import form_data


@pytest.fixture
def seats(world):
    people = seat_people(world)
    world.extra["publisher"] = people.supervisor
    return people


def test_it_saves_a_draft_with_both_languages_and_audits_it(client, world, seats):
    login_verified(client, world.bob)
    response = client.post(reverse("notices:staff_create"), form_data(
        world, title_es="Calle cerrada", body_es="Oak Street está cerrada.", districts=[world.east.pk],
        service_types=[world.pothole.pk]))
    notice = ServiceNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("notices:staff_edit", args=[notice.pk])
    assert (notice.title_en, notice.title_es, notice.published_at, notice.author) == (
        "Street closed", "Calle cerrada", None, world.bob)
    assert list(notice.districts.all()) == [world.east] and list(notice.service_types.all()) == [world.pothole]
    # Typed as local time in the jurisdiction (America/Chicago, UTC-6 in January).
    assert notice.starts_at == dt.datetime(2030, 1, 1, 14, 0, tzinfo=dt.UTC)
    entry = notice.audit_entries().get()
    assert entry.action == "notice.created" and entry.actor == world.bob and entry.jurisdiction_id == world.elm.pk


@pytest.mark.parametrize("changes, field, words", [
    ({"title_en": ""}, "title_en", "This field is required"),
    ({"area": "{not json"}, "area", "not valid GeoJSON text"),
    ({"area": json.dumps({"type": "Polygon", "coordinates": [[[2.2, 2.8], [2.8, 3.2], [2.8, 2.8], [2.2, 3.2],
                                                              [2.2, 2.8]]]})}, "area", "crosses itself"),
    ({"area": json.dumps(square(7, 7, 8, 8))}, "area", "outside Town of Elm"),
    ({"ends_at": "2029-12-31T08:00"}, "ends_at", "The end must be after the start"),
    ({"districts": ["999999"]}, "districts", "Select a valid choice"),
])
def test_it_explains_bad_input_and_writes_nothing(client, world, seats, changes, field, words):
    login_verified(client, world.bob)
    before = AuditEntry.objects.count()
    response = client.post(reverse("notices:staff_create"), form_data(world, **changes))
    page = response.content.decode()
    assert response.status_code == 400 and words in page
    assert f'href="#id_{field}' in page  # the error summary links to the field
    assert not ServiceNotice.objects.exists() and AuditEntry.objects.count() == before


def test_it_refuses_a_district_of_another_jurisdiction(client, world, seats):
    from civicdesk.jurisdictions.models import District

    county_district = District.objects.create(jurisdiction=world.county, name="Far", slug="far",
                                              boundary=square(6, 6, 7, 7))
    login_verified(client, seats.root)
    response = client.post(reverse("notices:staff_create"), form_data(world, districts=[county_district.pk]))
    assert response.status_code == 400 and "not in Town of Elm: Far" in response.content.decode()
    assert not ServiceNotice.objects.exists()


def test_it_saves_and_publishes_in_one_step_for_a_supervisor(client, world, seats):
    login_verified(client, seats.supervisor)
    client.post(reverse("notices:staff_create"), form_data(world, publish="1"))
    notice = ServiceNotice.objects.get()
    assert notice.published_at is not None
    assert [e.action for e in notice.audit_entries().order_by("id")] == ["notice.created", "notice.published"]


def test_it_keeps_a_staff_members_notice_as_a_draft_when_they_ask_to_publish(client, world, seats):
    login_verified(client, world.bob)
    response = client.post(reverse("notices:staff_create"), form_data(world, publish="1"), follow=True)
    assert ServiceNotice.objects.get().published_at is None
    assert "a supervisor or an admin publishes notices" in response.content.decode()


def test_it_shows_the_editor_with_the_saved_values_in_local_time(client, world, seats):
    notice = make_notice(world, publish=False, starts_at=dt.datetime(2030, 7, 1, 13, 30, tzinfo=dt.UTC),
                         ends_at=None)
    login_verified(client, world.bob)
    page = client.get(reverse("notices:staff_edit", args=[notice.pk])).content.decode()
    assert 'value="2030-07-01T08:30"' in page  # Chicago is UTC-5 in July
    assert "Water main repair on Oak Street" in page and "2.2, 2.8" in page.replace("[", "").replace("]", "")
    assert "Written — Sam" in page  # the history, in words


def test_it_tells_newly_reached_subscribers_when_a_published_notice_grows(client, world, seats):
    notice = make_notice(world, area=square(2.2, 2.8, 2.4, 3.0))
    queued = DBTaskResult.objects.count()
    login_verified(client, seats.supervisor)
    # Same area, new words: nobody new to tell.
    client.post(reverse("notices:staff_edit", args=[notice.pk]), form_data(
        world, area=json.dumps(square(2.2, 2.8, 2.4, 3.0)), title_en="Still closed"))
    assert DBTaskResult.objects.count() == queued
    client.post(reverse("notices:staff_edit", args=[notice.pk]), form_data(world, area=json.dumps(WEST_PATCH)))
    task = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert DBTaskResult.objects.count() == queued + 1 and task.task_path.endswith("notify_subscribers")
    assert task.args_kwargs["args"] == [notice.pk] and task.args_kwargs["kwargs"]["added_area"]["type"] == "Polygon"
    assert notice.audit_entries().filter(action="notice.changed").count() == 2
