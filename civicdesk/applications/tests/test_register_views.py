"""The public register (register_views.py): list (filters, keyset paging, constant queries, only public facts,
text rendered as text), map data (points, then counts per cell), the CSV and GeoJSON exports, and the staff
page choosing what a type publishes (administrators only, audited)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from civicdesk.applications import demo, registers, services
from civicdesk.applications.models import Permit, RegisterEntry
from civicdesk.applications.register_models import cell_of
from civicdesk.testing.auth import login_verified

from .helpers import tick_all

CANARY = "<script>zanzibarquokka()</script>"


def issue(fence, applicant, reviewers, *, lat=None, long=None, address="12 Oak Street") -> Permit:
    application = services.start_application(fence, user=applicant, language="en")
    answers = demo.fence_answers(fence)
    answers[fence.form.questions_in_order()[0].field_name] = {"lat": lat, "long": long, "address": address}
    services.save_answers(application, answers=answers, section_at=0)
    services.upload_document(application, user=applicant, upload=demo.pdf_upload(), requirement=fence.requirements.get())
    application = services.submit(application, user=applicant)
    for reviewer in reviewers:
        tick_all(application, reviewer)
        services.complete_step(application, user=reviewer)
    services.record_fee(application, user=reviewers[0])
    return services.decide(application, user=reviewers[0], approve=True, reasons="Fine.")


@pytest.fixture
def published(fence, world, seats):
    questions = fence.form.questions_in_order()
    registers.save_settings(fence, user=seats.admin, enabled=True, place_question=questions[0],
                            public_questions=[questions[1]])
    return fence


@pytest.fixture
def reviewers(world, seats):
    return [seats.admin, world.bob, world.carol]


def test_it_lists_only_public_facts_of_registered_types(client, published, world, reviewers):
    permit = issue(published, world.alice, reviewers, lat=41.885, long=-87.625, address=CANARY)
    body = client.get(reverse("applications:register")).content.decode()
    assert permit.number in body and "Height in feet: 6" in body
    assert CANARY not in body and "&lt;script&gt;zanzibarquokka()" in body
    assert world.alice.email not in body and "Holder:" not in body
    entry = RegisterEntry.objects.get(permit=permit)
    assert entry.holder == "" and entry.cell == cell_of(41.885, -87.625)


def test_it_shows_the_holder_only_when_the_type_says_the_law_makes_it_public(client, published, world, seats,
                                                                              reviewers):
    issue(published, world.alice, reviewers)
    registers.save_settings(published, user=seats.admin, enabled=True, show_holder=True)
    assert "Holder: Alice" in client.get(reverse("applications:register")).content.decode()
    assert published.audit_entries().filter(action="applicationtype.register_changed").count() == 2


def test_it_leaves_out_a_type_whose_register_is_off(client, fence, world, reviewers):
    permit = issue(fence, world.alice, reviewers)
    body = client.get(reverse("applications:register")).content.decode()
    assert permit.number not in body and 'data-testid="empty"' in body


def test_it_filters_by_status_and_pages_by_keyset_in_constant_queries(client, published, world, seats, reviewers,
                                                                      django_assert_max_num_queries, monkeypatch):
    monkeypatch.setattr(registers, "PAGE_SIZE", 2)
    permits = [issue(published, world.alice, reviewers) for _ in range(3)]
    services.revoke(permits[0], user=seats.admin, reason="Built too high.")
    url = reverse("applications:register")
    with django_assert_max_num_queries(6):
        first = client.get(url).content.decode()
    assert permits[2].number in first and permits[1].number in first and permits[0].number not in first
    with django_assert_max_num_queries(6):
        second = client.get(url + f"?after={permits[1].pk}").content.decode()
    assert permits[0].number in second and permits[2].number not in second
    revoked = client.get(url + "?state=revoked").content.decode()
    assert permits[0].number in revoked and permits[1].number not in revoked
    refused = client.get(url + "?issued_from=not-a-date")
    assert refused.status_code == 200 and "Enter a valid date" in refused.content.decode()


def test_it_filters_by_district(client, published, world, reviewers):
    west = issue(published, world.alice, reviewers, lat=3.0, long=2.5)
    east = issue(published, world.alice, reviewers, lat=3.0, long=3.5)
    assert RegisterEntry.objects.get(permit=west).district == world.west
    body = client.get(reverse("applications:register") + f"?district={world.west.pk}").content.decode()
    assert west.number in body and east.number not in body


def test_the_map_shows_points_then_counts_per_cell(client, published, world, reviewers, monkeypatch):
    issue(published, world.alice, reviewers, lat=1.501, long=1.001)
    issue(published, world.alice, reviewers, lat=1.502, long=1.002)
    issue(published, world.alice, reviewers)  # no pin: not on the map
    url = reverse("applications:register_map_data")
    points = client.get(url).json()
    assert not points["aggregated"] and len(points["features"]) == 2
    monkeypatch.setattr(registers, "MAP_POINTS_LIMIT", 1)
    cells = client.get(url).json()
    assert cells["aggregated"] and [f["properties"]["count"] for f in cells["features"]] == [2]
    page = client.get(reverse("applications:register_map")).content.decode()
    assert 'id="register-map"' in page and "register_map" in page


def test_the_exports_carry_the_public_columns(client, published, world, reviewers):
    placed = issue(published, world.alice, reviewers, lat=1.5, long=1.0, address="7 Birch Road")
    issue(published, world.alice, reviewers)
    response = client.get(reverse("applications:register_export", args=["csv"]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert response["Content-Type"].startswith("text/csv") and len(rows) == 2
    assert rows[1]["permit_number"] == placed.number and rows[1]["place"] == "7 Birch Road"
    assert rows[1]["status"] == "valid" and "alice" not in json.dumps(rows)
    geo = json.loads(b"".join(client.get(reverse("applications:register_export", args=["geojson"]))
                              .streaming_content))
    assert [f["properties"]["permit_number"] for f in geo["features"]] == [placed.number]
    assert geo["features"][0]["geometry"]["coordinates"] == [1.0, 1.5]
    assert client.get(reverse("applications:register_export", args=["xml"])).status_code == 404


def test_only_administrators_choose_what_a_type_publishes(client, fence, world, seats):
    url = reverse("applications_config:register", args=[fence.pk])
    login_verified(client, world.bob)
    assert client.get(url).status_code == 403
    login_verified(client, seats.admin)
    assert client.get(url).status_code == 200
    questions = fence.form.questions_in_order()
    response = client.post(url, {"enabled": "on", "show_place": "on", "show_dates": "on", "show_status": "on",
                                 "place_question": questions[0].pk, "public_questions": [questions[3].pk]})
    assert response.status_code == 302
    register = fence.register
    assert register.enabled and [q.pk for q in register.public_questions.all()] == [questions[3].pk]
    refused = client.post(url, {"enabled": "on", "place_question": 999999})
    assert refused.status_code == 200 and not fence.register.show_holder


def test_an_expired_licence_shows_as_expired(client, published, world, reviewers):
    permit = issue(published, world.alice, reviewers)
    # Yesterday in the site's time zone: the register judges "expired" by the local date, which differs from
    # the UTC date of `issued_at` between midnight UTC and midnight local time.
    permit.valid_until = timezone.localdate() - dt.timedelta(days=1)
    permit.save(update_fields=["valid_until"])
    body = client.get(reverse("applications:register") + "?state=expired").content.decode()
    assert permit.number in body and '<td data-testid="state">Expired</td>' in body
    assert permit.number not in client.get(reverse("applications:register") + "?state=valid").content.decode()


def test_the_register_speaks_spanish_and_arabic(client, published, world, reviewers):
    issue(published, world.alice, reviewers)
    spanish = client.get(reverse("applications:register"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Registro de permisos y licencias" in spanish and "Vigente" in spanish
    arabic = client.get(reverse("applications:register_map"), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'dir="rtl"' in arabic and "خريطة التصاريح والرخص" in arabic
