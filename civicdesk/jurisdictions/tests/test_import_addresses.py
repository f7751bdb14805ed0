"""`manage.py import_addresses`: loading, checking and updating the address list from a CSV file."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from civicdesk.jurisdictions.models import AddressPoint

HEADER = "address_id,number,street,unit,city,postcode,lat,long"


def write_csv(tmp_path, *lines: str, name: str = "addresses.csv", header: str = HEADER):
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def run(*args: str):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_addresses", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_loads_rows_into_the_smallest_jurisdiction_holding_each_point(world, tmp_path):
    path = write_csv(tmp_path,
                     "E1,20,Birch Lane,Apt 3,Elm,12345,3.1,2.6",
                     "C1,400,County Road 9,,Maple,12399,8.0,8.0",
                     "X1,1,Far Away Road,,,,20.0,20.0")
    out, err = run(path)
    assert "Loaded 3 addresses" in out and "(3 new, 0 updated); 0 rows rejected." in out
    town, county, outside = (AddressPoint.objects.get(address_id=i) for i in ("E1", "C1", "X1"))
    assert town.jurisdiction == world.elm and county.jurisdiction == world.county
    assert outside.jurisdiction is None
    assert "1 address lies outside every jurisdiction's boundary" in err and "(line 4)" in err
    assert town.full_address == "20 Birch Lane Apt 3, Elm 12345"
    assert town.normalized == "20 birch ln apt 3 elm 12345"
    assert (town.lat, town.long) == (3.1, 2.6)


def test_it_rejects_bad_rows_with_their_line_number_and_loads_the_rest(world, tmp_path):
    path = write_csv(tmp_path,
                     "B1,1,Cedar Street,,Elm,,north,2.5",
                     "B2,2,,,Elm,,3.0,2.5",
                     "B3,3,Cedar Street,,Elm,,3.0,2.5",
                     "B3,5,Cedar Street,,Elm,,3.0,2.6",
                     "B4,4,Cedar Street,,Elm,,3.0,200",
                     "B5,6,Cedar Street",
                     ",7,Cedar Street,,Elm,,3.0,2.5",
                     "B6,8,Cedar Street,,Elm,,,2.5",
                     "B7,9,Cedar Street,,Elm,,3.0,2.7")
    out, err = run(path)
    assert err.splitlines() == [
        "line 2 rejected: the latitude “north” is not a number",
        "line 3 rejected: the street is missing",
        "line 5 rejected: the address_id “B3” was already used on line 4",
        "line 6 rejected: the longitude 200 is outside -180 to 180",
        "line 7 rejected: the row has 3 fields but the header has 8",
        "line 8 rejected: the address_id is empty",
        "line 9 rejected: the latitude is missing",
    ]
    assert "(2 new, 0 updated); 7 rows rejected." in out
    assert set(AddressPoint.objects.filter(address_id__startswith="B").values_list("address_id", flat=True)) == \
        {"B3", "B7"}
    assert AddressPoint.objects.get(address_id="B3").number == "3"


def test_it_updates_addresses_it_already_has(world, tmp_path):
    before = AddressPoint.objects.count()
    path = write_csv(tmp_path, "A1,12A,Oak Street,,Elm,12345,3.0002,2.5002")
    out, _ = run(path)
    assert "(0 new, 1 updated)" in out
    assert AddressPoint.objects.count() == before
    updated = AddressPoint.objects.get(address_id="A1")
    assert updated.number == "12A" and updated.full_address == "12A Oak Street, Elm 12345"
    assert updated.normalized == "12a oak st elm 12345"
    assert updated.lat == 3.0002 and updated.jurisdiction == world.elm


def test_it_gives_every_row_the_named_jurisdiction(world, tmp_path):
    path = write_csv(tmp_path, "J1,5,Ash Street,,Elm,,3.0,2.5")
    run(path, "--jurisdiction", "maple")
    assert AddressPoint.objects.get(address_id="J1").jurisdiction == world.county


def test_it_refuses_a_jurisdiction_it_does_not_know(world, tmp_path):
    path = write_csv(tmp_path, "J1,5,Ash Street,,Elm,,3.0,2.5")
    with pytest.raises(CommandError, match=r"no jurisdiction with the short name “atlantis” \(known: elm, maple\)"):
        run(path, "--jurisdiction", "atlantis")
    assert not AddressPoint.objects.filter(address_id="J1").exists()


def test_it_fails_cleanly_on_a_wrong_header_and_loads_nothing(world, tmp_path):
    path = write_csv(tmp_path, "H1,5,Ash Street,,Elm,,3.0,2.5",
                     header="address_id,number,street,unit,city,postcode,latitude,longitude")
    with pytest.raises(CommandError) as exc:
        run(path)
    message = str(exc.value)
    assert message.startswith(f"The first line must be the header {HEADER} (in any order)")
    assert "missing: lat, long; not expected: latitude, longitude" in message
    assert not AddressPoint.objects.filter(address_id="H1").exists()


def test_it_fails_cleanly_on_an_empty_file(world, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(CommandError, match="The file is empty"):
        run(path)


def test_it_saves_nothing_when_a_line_is_not_utf8(world, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(f"{HEADER}\nU1,1,Ash Street,,Elm,,3.0,2.5\nU2,2,Peña Street,,Elm,,3.0,2.5\n".encode("latin-1"))
    with pytest.raises(CommandError, match="Line 3 of .* is not UTF-8 text"):
        run(path)
    assert not AddressPoint.objects.filter(address_id__startswith="U").exists()


def test_it_accepts_columns_in_any_order_after_a_byte_order_mark(world, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text("\ufeffLat,Long,Address_ID,Street,Number,Unit,City,Postcode\r\n3.0,3.5,O1,Pine Street,9,,Elm,\r\n",
                    encoding="utf-8")
    run(path)
    point = AddressPoint.objects.get(address_id="O1")
    assert (point.number, point.street, point.lat, point.long) == ("9", "Pine Street", 3.0, 3.5)
    assert point.jurisdiction == world.elm


def test_it_loads_a_file_larger_than_one_batch(world, tmp_path):
    rows = [f"N{i},{i},Elm Avenue,,Elm,,3.{i:04d},2.5" for i in range(1, 1201)]
    rows.append("N3,3,Elm Avenue,,Elm,,3.5,2.5")  # repeats an id from the first batch
    out, err = run(write_csv(tmp_path, *rows))
    assert "Loaded 1200 addresses" in out
    assert err.strip() == "line 1202 rejected: the address_id “N3” was already used on line 4"
    assert AddressPoint.objects.filter(address_id__startswith="N").count() == 1200
    assert AddressPoint.objects.get(address_id="N1200").normalized == "1200 elm ave elm"


def test_it_exits_non_zero_with_a_message_when_the_file_is_missing(tmp_path):
    env = {**os.environ, "CIVICDESK_VAR_DIR": str(settings.VAR_DIR)}
    result = subprocess.run([sys.executable, "manage.py", "import_addresses", str(tmp_path / "nope.csv")],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"There is no file at {tmp_path / 'nope.csv'}." in result.stderr
