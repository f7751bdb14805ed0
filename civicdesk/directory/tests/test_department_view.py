"""/departments/<jurisdiction>/<slug>/: what a department does, contact, hours, address and map, what it handles."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from civicdesk.jurisdictions.models import Holiday

from .helpers import CANARY, make_permit, make_profile

MONDAY_10AM_CHICAGO = dt.datetime(2026, 12, 7, 16, 0, tzinfo=dt.UTC)


def test_it_shows_contact_hours_address_map_and_what_it_handles(client, world, time_machine):
    time_machine.move_to(MONDAY_10AM_CHICAGO, tick=False)
    world.public_works.phone = "(217) 555-0140"
    world.public_works.save()
    make_profile(world.public_works)
    make_permit(world)
    page = client.get("/departments/elm/public-works/").content.decode()
    assert 'href="tel:+12175550140"' in page
    assert '<th scope="row">Monday</th><td class="cd-hours__time">8 a.m.–noon, 1 p.m.–5 p.m.</td>' in page
    assert '<th scope="row">Sunday</th><td class="cd-hours__time">Closed</td>' in page
    assert "Open now, until noon" in page
    assert '<span dir="auto">Elm Town Hall</span><br><span dir="auto">1 Oak Street</span>' in page
    assert 'href="https://www.openstreetmap.org/directions?to=3.000000%2C2.500000"' in page
    assert 'id="map" class="cd-map cd-dept-map" hidden' in page and "directory/department-map.js" in page
    assert 'href="/services/pothole/"' in page and 'href="/services/graffiti/"' in page
    assert "/services/missed-collection/" not in page and 'href="/services/permits/fence-permit/"' in page


def test_it_says_when_a_closed_office_opens_next(client, world, time_machine):
    time_machine.move_to(MONDAY_10AM_CHICAGO + dt.timedelta(hours=8), tick=False)  # Monday 6 p.m.
    make_profile(world.public_works)
    page = client.get("/departments/elm/public-works/").content.decode()
    assert "Closed now; opens Tuesday at 8 a.m." in page


def test_it_closes_on_holidays_and_shows_days_with_other_hours(client, world, time_machine):
    time_machine.move_to(MONDAY_10AM_CHICAGO, tick=False)
    Holiday.objects.create(jurisdiction=world.elm, date=dt.date(2026, 12, 7), name="Founders Day")
    make_profile(world.public_works, special_days=[{"date": "2026-12-08", "hours": [["10:00", "12:00"]],
                                                    "note": {"en": "Staff training", "es": "Capacitación"}}])
    page = client.get("/departments/elm/public-works/").content.decode()
    assert "Closed now; opens Tuesday at 10 a.m." in page
    assert "Founders Day" in page and "Staff training" in page


def test_it_names_holidays_in_the_readers_language(client, world, time_machine):
    time_machine.move_to(MONDAY_10AM_CHICAGO, tick=False)
    Holiday.objects.create(jurisdiction=world.elm, date=dt.date(2026, 12, 8), name_en="Founders Day",
                           name_es="Día de los Fundadores", name_ar="يوم المؤسسين")
    Holiday.objects.create(jurisdiction=world.elm, date=dt.date(2026, 12, 9), name_en="Riverfest Day")
    make_profile(world.public_works)
    url = "/departments/elm/public-works/"
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    arabic = client.get(url, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "Día de los Fundadores" in spanish and "Founders Day" not in spanish
    assert "يوم المؤسسين" in arabic and "Founders Day" not in arabic
    assert "Riverfest Day" in spanish and "Riverfest Day" in arabic  # no translation: the English name


def test_it_lists_every_type_a_catch_all_rule_sends_it(client, world):
    page = client.get("/departments/maple/roads/").content.decode()
    assert "/services/pothole/" in page and "/services/graffiti/" in page and "/services/records/" not in page


def test_it_reads_the_address_in_spanish(client, world):
    make_profile(world.public_works)
    with translation.override("es"):
        page = client.get("/departments/elm/public-works/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Ayuntamiento de Elm" in page and "Arreglamos las calles." in page and "lunes" in page


def test_it_works_without_a_profile_and_hides_an_unpublished_one(client, world):
    make_profile(world.public_works, status="unpublished")
    page = client.get("/departments/elm/public-works/").content.decode()
    assert "We fix the streets." not in page and 'data-testid="hours"' not in page
    assert client.get("/departments/elm/sanitation/").status_code == 200
    assert client.get("/departments/maple/public-works/").status_code == 404


def test_it_shows_script_in_every_field_as_text(client, world):
    make_profile(world.public_works, summary={"en": CANARY}, address={"en": CANARY},
                 special_days=[{"date": (dt.date.today() + dt.timedelta(days=2)).isoformat(), "note": {"en": CANARY}}])
    page = client.get("/departments/elm/public-works/").content.decode()
    assert "<script>alert('zebrafinch')" not in page and "<b>zebrafinch" not in page
    assert page.count("zebrafinch") >= 3


def test_it_answers_in_a_few_queries(client, world, django_assert_max_num_queries):
    make_profile(world.public_works)
    client.get("/departments/elm/public-works/")
    with django_assert_max_num_queries(9):
        client.get("/departments/elm/public-works/")
