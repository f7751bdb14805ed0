"""The Riverbend city pack: its holidays, address format, shipped boundaries, address file and catalogue."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
import time_machine
from django.db import transaction
from shapely.geometry import Point

from civicdesk.cities.riverbend import (DATA_DIR, Riverbend, holiday_names, read_catalogue, read_geojson,
                                        us_federal_holidays)
from civicdesk.lib import geo


def test_it_lists_the_federal_holidays_on_the_days_offices_close():
    days = dict(us_federal_holidays(2026, 2027))
    assert days[dt.date(2026, 1, 19)] == "Birthday of Martin Luther King, Jr."
    assert days[dt.date(2026, 7, 3)] == "Independence Day (observed)"  # 4 July 2026 is a Saturday
    assert days[dt.date(2026, 11, 26)] == "Thanksgiving Day"
    assert days[dt.date(2027, 6, 18)] == "Juneteenth (observed)"
    assert days[dt.date(2027, 7, 5)] == "Independence Day (observed)"  # 4 July 2027 is a Sunday
    assert days[dt.date(2027, 12, 24)] == "Christmas Day (observed)"
    # New Year's Day 2028 is a Saturday, so it is observed in 2027.
    assert days[dt.date(2027, 12, 31)] == "New Year's Day (observed)"
    assert len([d for d in days if d.year == 2026]) == 11
    assert len([d for d in days if d.year == 2027]) == 12


def test_it_leaves_out_a_holiday_observed_in_the_year_before():
    days = us_federal_holidays(2028, 2028)
    assert all(date.year == 2028 for date, _ in days)
    assert dt.date(2028, 1, 1) not in dict(days)
    assert days[0] == (dt.date(2028, 1, 17), "Birthday of Martin Luther King, Jr.")


def test_it_names_every_holiday_in_spanish_and_arabic():
    names = [holiday_names(name) for _date, name in us_federal_holidays(2026, 2033)]
    assert all(set(n) == {"en", "es", "ar"} and all(n.values()) for n in names)
    assert {"en": "Independence Day (observed)", "es": "Día de la Independencia (día feriado)",
            "ar": "يوم الاستقلال (يوم العطلة)"} in names


def test_it_formats_addresses_the_us_way():
    pack = Riverbend()
    assert pack.format_address("120", "N Main St", "Apt 2", "Riverbend", "61899") == \
        "120 N Main St Apt 2, Riverbend, IL 61899"
    assert pack.format_address("7", "Grove St", city="Osage") == "7 Grove St, Osage, IL"
    assert pack.format_address("9", "Elm St", postcode="61899") == "9 Elm St, IL 61899"
    assert pack.format_address("", "County Road 1500 N") == "County Road 1500 N"


def test_it_ships_districts_that_tile_the_city_inside_the_county():
    city = geo.shape(read_geojson("city.geojson"))
    county = geo.shape(read_geojson("county.geojson"))
    districts = [geo.shape(feature["geometry"]) for feature in read_geojson("districts.geojson")["features"]]
    assert len(districts) == 3
    union = districts[0].union(districts[1]).union(districts[2])
    assert union.symmetric_difference(city).area < 1e-12
    for i, one in enumerate(districts):
        for other in districts[i + 1:]:
            assert one.intersection(other).area < 1e-12
    assert county.contains(city)
    lat, long, _zoom = Riverbend.map_center
    assert city.contains(Point(long, lat))


def test_it_ships_an_address_file_of_thousands_of_points_inside_the_county():
    county = geo.shape(read_geojson("county.geojson"))
    city = geo.shape(read_geojson("city.geojson"))
    with open(DATA_DIR / "addresses.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["address_id", "number", "street", "unit", "city", "postcode", "lat", "long"]
    assert len(rows) >= 2000
    assert len({row["address_id"] for row in rows}) == len(rows)
    points = [Point(float(row["long"]), float(row["lat"])) for row in rows]
    assert all(county.contains(point) for point in points)
    in_city = sum(city.contains(point) for point in points)
    assert 2000 <= in_city < len(rows)  # most are in the city, some out in the county


def test_it_describes_every_service_type_in_english_and_spanish():
    catalogue = read_catalogue()
    assert len(catalogue["service_types"]) >= 30
    for group in catalogue["groups"]:
        assert group["name"]["en"] and group["name"]["es"]
    for spec in catalogue["service_types"]:
        for key in ("name", "description", "keywords"):
            assert spec[key]["en"] and spec[key]["es"], (spec["code"], key)
        for question in spec.get("questions", []):
            assert question["question"]["en"] and question["question"]["es"], (spec["code"], question["code"])
            for choice in question.get("choices", []):
                assert choice["name"]["en"] and choice["name"]["es"], (spec["code"], choice["key"])


def test_it_asks_every_kind_of_question_somewhere():
    kinds = {question["datatype"] for spec in read_catalogue()["service_types"]
             for question in spec.get("questions", [])}
    assert {"singlevaluelist", "multivaluelist", "number", "datetime", "text", "string"} <= kinds


def test_it_routes_only_to_types_departments_and_districts_it_defines():
    catalogue = read_catalogue()
    codes = {spec["code"] for spec in catalogue["service_types"]}
    districts = {feature["properties"]["slug"] for feature in read_geojson("districts.geojson")["features"]}
    for rule in catalogue["routing_rules"]:
        assert set(rule["types"]) <= codes, rule["name"]
        assert rule.get("district") in districts | {None}, rule["name"]


@pytest.mark.django_db
def test_it_names_no_service_type_with_an_emergency_phrase():
    # submit_request checks the type's name for emergency phrases, so a name like "Fire hydrant"
    # would turn every report of that type away with "call 911".
    from civicdesk.triage.services import detect_emergency, emergency_phrases_in, load_emergency_phrases

    catalogue = read_catalogue()
    load_emergency_phrases()
    assert emergency_phrases_in("I smell gas in the basement") == ["gas odor"]
    assert emergency_phrases_in("hay un cable caído") == ["wire down"]
    for spec in catalogue["service_types"]:
        assert not detect_emergency(spec["name"]["en"], spec["name"]["es"]), spec["code"]


@pytest.mark.django_db
def test_it_builds_the_same_city_from_the_same_seed(settings):
    from civicdesk.jurisdictions.services import clear_caches
    from civicdesk.servicerequests.models import ServiceRequest

    settings.CITY_PACK = "civicdesk.cities.riverbend.Riverbend"

    def load_and_describe() -> list[tuple]:
        with transaction.atomic():
            Riverbend().seed_demo(requests=60)
            rows = list(ServiceRequest.objects.order_by("requested_at", "address_id").values_list(
                "service_type__code", "requested_at", "status__code", "closed_at", "address_id", "channel",
                "description", "contact_email", "attributes"))
            transaction.set_rollback(True)
        clear_caches()
        return rows

    with time_machine.travel(dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.timezone.utc), tick=False):
        first, second = load_and_describe(), load_and_describe()
    assert len(first) == 60
    assert first == second


@pytest.mark.django_db
def test_it_names_its_places_and_departments_in_spanish_too(settings):
    from django.utils import translation

    from civicdesk.jurisdictions.models import Department, District, Jurisdiction
    from civicdesk.jurisdictions.services import clear_caches

    settings.CITY_PACK = "civicdesk.cities.riverbend.Riverbend"
    Riverbend().seed_demo(requests=5)
    clear_caches()
    with translation.override("es"):
        assert Jurisdiction.objects.get(slug="riverbend").name == "Ciudad de Riverbend"
        assert Jurisdiction.objects.get(slug="harlan-county").name == "Condado de Harlan"
        assert Department.objects.get(slug="public-works").name == "Obras Públicas"
        assert sorted(District.objects.values_list("name", flat=True)) == ["Centro", "Norte", "Sur"]
        assert Riverbend().site_name() == "Ciudad de Riverbend"
        assert "Ayuntamiento de Riverbend" in Jurisdiction.objects.get(slug="riverbend").address
    with translation.override("en"):
        assert Jurisdiction.objects.get(slug="riverbend").name == "City of Riverbend"
        assert Riverbend().site_name() == "City of Riverbend"
    assert Riverbend().default_from_email("http://127.0.0.1:8000") == (
        "City of Riverbend 311 <no-reply@riverbend.example.gov>")


def test_it_describes_every_service_type_in_arabic_too():
    from civicdesk.cities.riverbend import read_arabic

    catalogue, arabic = read_catalogue(), read_arabic()
    assert set(arabic["groups"]) == {group["key"] for group in catalogue["groups"]}
    for spec in catalogue["service_types"]:
        translated = arabic["service_types"][spec["code"]]
        assert all(translated[key] for key in ("name", "description", "keywords")), spec["code"]
        assert set(translated.get("questions", {})) == {question["code"] for question in spec.get("questions", [])}
        for question in spec.get("questions", []):
            words = translated["questions"][question["code"]]
            assert words["question"] and bool(words.get("hint")) == bool(question.get("hint", {}).get("en"))
            assert set(words.get("choices", {})) == {choice["key"] for choice in question.get("choices", [])}


@pytest.mark.django_db
def test_it_names_its_places_catalogue_and_notices_in_arabic(settings):
    from django.utils import translation

    from civicdesk.catalog.models import AttributeValue, ServiceType, Status
    from civicdesk.jurisdictions.models import Department, District, Jurisdiction
    from civicdesk.jurisdictions.services import clear_caches
    from civicdesk.notices.models import ServiceNotice

    settings.CITY_PACK = "civicdesk.cities.riverbend.Riverbend"
    Riverbend().seed_demo(requests=5)
    clear_caches()
    assert Jurisdiction.objects.get(slug="riverbend").languages == ["en", "es", "ar"]
    with translation.override("ar"):
        assert Jurisdiction.objects.get(slug="riverbend").name == "مدينة Riverbend"
        assert Department.objects.get(slug="public-works").name == "الأشغال العامة"
        assert sorted(District.objects.values_list("name", flat=True)) == ["الجنوب", "الشمال", "الوسط"]
        assert ServiceType.objects.get(code="pothole").name == "حفرة في الطريق"
        assert AttributeValue.objects.get(attribute__service_type__code="pothole", key="bike").name == "مسار الدراجات"
        assert Status.objects.get(code="fixed").name == "تم الإصلاح"
        assert ServiceNotice.objects.get(title_en="Water main repair downtown").title.startswith("إصلاح خط المياه")
