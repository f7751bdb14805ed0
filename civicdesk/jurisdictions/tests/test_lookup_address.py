"""lookup_address(): typed addresses resolve to one address with confidence, or ask; never another street.

The cases come from civicdesk/cities/data/riverbend/address_misspellings.csv (what people type in the
Riverbend demo city, and what must happen); the city can add rows without touching this file.
"""

from __future__ import annotations

import csv

import pytest

from civicdesk.cities.riverbend import DATA_DIR, Riverbend, _DemoWorld
from civicdesk.jurisdictions.addresses import Reason, lookup_address, lookup_message, parse_address
from civicdesk.jurisdictions.models import AddressPoint

MISSPELLINGS = DATA_DIR / "address_misspellings.csv"


def misspellings() -> list[dict[str, str]]:
    with MISSPELLINGS.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


@pytest.fixture
def riverbend(db, settings):
    """The Riverbend jurisdictions and its whole address list (no staff, no requests)."""
    from django.utils import timezone

    from civicdesk.jurisdictions.services import clear_caches

    settings.CITY_PACK = "civicdesk.cities.riverbend.Riverbend"
    pack = Riverbend()
    pack._seed_places(_DemoWorld(), timezone.now())
    pack._seed_addresses()
    yield
    clear_caches()


def test_it_has_enough_cases_of_each_kind():
    rows = misspellings()
    assert len(rows) >= 60
    assert sum(row["expected"] == "ask" for row in rows) >= 10
    assert all(row["typed"] is not None and row["expected"] for row in rows)


def test_it_resolves_or_asks_as_the_misspellings_file_says(riverbend):
    failures = []
    for row in misspellings():
        lookup = lookup_address(row["typed"])
        labels = [c.label for c in lookup.candidates]
        if row["expected"] == "ask":
            missing = [o for o in row["offers"].split(";") if o and o not in labels]
            if lookup.resolved is not None or missing:
                failures.append(f"{row['typed']!r} should ask ({row['note']}); got {lookup.reason} {labels}")
        elif lookup.resolved is None or labels[0] != row["expected"]:
            failures.append(f"{row['typed']!r} should be {row['expected']!r} ({row['note']}); "
                            f"got {lookup.reason} {labels[:3]}")
    assert not failures, "\n".join(failures)


def test_it_never_offers_a_street_with_another_name_because_the_number_matches(riverbend):
    # Issue 10: "161 N Mian St" became "161 County Road 1700 N" because both start with 161.
    for typed in ["161 N Mian St", "440 W Markt Stret", "161 Main", "120 Main Street"]:
        lookup = lookup_address(typed)
        assert all("County Road" not in c.label and "Center St" not in c.label for c in lookup.candidates), typed


def test_it_asks_between_north_and_south_with_both_in_the_city(riverbend):
    lookup = lookup_address("161 Main")
    assert lookup.reason == Reason.AMBIGUOUS and lookup.resolved is None
    assert [c.label for c in lookup.candidates][:2] == ["161 N Main St, Riverbend, IL 61899",
                                                        "161 S Main St, Riverbend, IL 61899"]
    assert lookup_message(lookup) == "We are not sure which address you mean by “161 Main”. Did you mean one " \
                                     "of these?"


def test_it_offers_the_nearest_numbers_for_a_number_that_does_not_exist(riverbend):
    lookup = lookup_address("445 W Market St")
    assert lookup.reason == Reason.NUMBER_NOT_FOUND and lookup.resolved is None
    assert not any(c.exact_number for c in lookup.candidates)
    assert "There is no number 445 on W Market St" in lookup_message(lookup)


def test_it_names_the_street_when_the_number_is_beyond_it(riverbend):
    lookup = lookup_address("99999 W Market St")
    assert (lookup.reason, lookup.candidates) == (Reason.NUMBER_NOT_FOUND, [])
    assert lookup_message(lookup) == "We know W Market St, but not the number 99999 on it. Check the number, " \
                                     "or drop a pin on the map."


def test_it_asks_for_the_house_number(riverbend):
    lookup = lookup_address("W Market St")
    assert lookup.reason == Reason.NO_NUMBER
    assert "add the house number" in lookup_message(lookup)


def test_it_offers_the_village_that_has_the_street_when_another_is_named(riverbend):
    lookup = lookup_address("100 School St, Osage")
    assert lookup.resolved is None
    best = lookup.candidates[0].address
    assert best.city == "Millbrook" and best.jurisdiction.name == "Harlan County"


def test_it_keeps_a_listed_unit_and_drops_one_that_is_not_listed(riverbend):
    assert lookup_address("110 E Washington St #3").candidates[0].label == \
        "110 E Washington St Apt 3, Riverbend, IL 61899"
    resolved = lookup_address("161 N Main St Apt 2")
    assert resolved.resolved == AddressPoint.objects.get(number="161", street="N Main St")


def test_it_parses_the_parts_of_an_address(db):
    parsed = parse_address("440 W. Markt Stret, Apt 2, Riverbend, IL 61899-1234")
    assert (parsed.number, parsed.street.pre_direction, parsed.street.name, parsed.street.suffix) == \
        ("440", "w", "markt", "st")
    assert (parsed.unit, parsed.city, parsed.state, parsed.zip) == ("apt 2", "riverbend", "il", "61899")
    county = parse_address("161 County Rd 1700 N")
    assert (county.street.name, county.street.post_direction) == ("county rd 1700", "n")
    # "Ct" stays a suffix when no ZIP follows it (it is also Connecticut).
    assert parse_address("12 Elm Ct").street.suffix == "ct"


def test_it_reads_extra_tables_from_the_city_pack(db, settings, tmp_path):
    from civicdesk.jurisdictions.addresses import tables

    (tmp_path / "street_suffixes.csv").write_text("typed,standard\ncalleja,st\n", encoding="utf-8")
    settings.CITY_PACK = "civicdesk.jurisdictions.tests.test_lookup_address.PackWithTables"
    PackWithTables.address_tables = (str(tmp_path),)
    assert tables().suffixes["calleja"] == "st" and tables().suffixes["street"] == "st"
    assert parse_address("12 Oak Calleja").street.suffix == "st"


class PackWithTables(Riverbend):
    address_tables: tuple[str, ...] = ()
