"""/departments/: every department of the active jurisdictions, with contact and "open now"."""

from __future__ import annotations

import datetime as dt

from civicdesk.jurisdictions.models import Department

from .helpers import CANARY, make_profile

MONDAY_10AM_CHICAGO = dt.datetime(2026, 12, 7, 16, 0, tzinfo=dt.UTC)


def test_it_lists_departments_by_jurisdiction_with_contact_and_open_now(client, world, time_machine):
    time_machine.move_to(MONDAY_10AM_CHICAGO, tick=False)
    world.public_works.phone = "(217) 555-0140"
    world.public_works.email = "works@elm.example.gov"
    world.public_works.save()
    make_profile(world.public_works)
    page = client.get("/departments/").content.decode()
    assert 'href="/departments/elm/public-works/"' in page and 'href="/departments/maple/roads/"' in page
    assert 'href="tel:+12175550140"' in page and 'href="mailto:works@elm.example.gov"' in page
    assert "Open now, until noon" in page and "We fix the streets." in page


def test_it_shows_script_in_names_and_summaries_as_text(client, world):
    make_profile(world.public_works, summary={"en": CANARY})
    Department.objects.filter(pk=world.sanitation.pk).update(name=CANARY, name_en=CANARY)
    page = client.get("/departments/").content.decode()
    assert "<script>alert('zebrafinch')" not in page and "zebrafinch" in page


def test_it_answers_in_a_few_queries_however_many_departments(client, world, django_assert_max_num_queries):
    for number in range(25):
        department = Department.objects.create(jurisdiction=world.elm, name=f"Office {number}", slug=f"office-{number}")
        make_profile(department)
    client.get("/departments/")
    with django_assert_max_num_queries(6):
        response = client.get("/departments/")
    assert response.content.decode().count('data-testid="open-now"') == 25
