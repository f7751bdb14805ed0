"""The export's fast path (Arrow record batches, vectorised writers) against the row-by-row reference.

`builtin.request_batches()` builds each row in Python with the model's own privacy methods (it is what the
API still uses); the files the export writes must hold exactly those rows, written exactly as Python's csv
and json modules write them, whatever the text holds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from civicdesk.catalog.models import ServiceType
from civicdesk.opendata.arrowrows import request_record_batches
from civicdesk.opendata.builtin import REQUEST_COLUMNS, request_batches
from civicdesk.opendata.exports import write_csv, write_geojson, write_json, write_parquet
from civicdesk.servicerequests.models import Attachment, ServiceRequest

from .helpers import make_leaky, make_request

NAMES = [column.name for column in REQUEST_COLUMNS]
TRICKY = ['Says "hello", then leaves', "two\nlines", "carriage\rreturn", "back\\slash", "tab\there", "bell\x07",
          "ümlaut – ñ 🐀", "", "   ", "semi;colon", "line sep\u2028here", "call 555-0142 now",
          "write to x [at] y.org", "route 9", "{\"json\": [1]}"]


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://311.example.gov"


def _world(world):
    leaky = make_leaky(world)
    noise = ServiceType.objects.create(code="noise", name='Noise, "loud"', is_sensitive=True)
    moment = dt.datetime(2026, 3, 2, 14, 5, 9, 123456, tzinfo=dt.UTC)
    for index, text in enumerate(TRICKY):
        request = make_request(world, description=text, address=f'{index} "Quoted", Street',
                               requested_at=moment + dt.timedelta(seconds=index),
                               lat=40.0 + index / 7, long=-88.0 - index / 3,
                               expected_at=moment.replace(microsecond=0) if index % 2 else None,
                               closed_at=moment if index % 3 == 0 else None, is_open=index % 3 != 0,
                               department=None if index % 4 == 0 else world.public_works,
                               district=None if index % 5 == 0 else world.west)
        # Fractions PostgreSQL writes shorter (.5, .000007, .00012), and none; set with update(), as stored.
        ServiceRequest.objects.filter(pk=request.pk).update(
            updated_at=moment.replace(microsecond=(500000, 7, 120, 0)[index % 4]))
        if index % 2:
            Attachment.objects.create(request=request, kind="photo", file=f"requests/{index}.jpg",
                                      content_type="image/jpeg")
    make_request(world, service_type=noise, lat=40.0, long=-88.0, address="1 Loud Lane", description="")
    make_request(world, lat=0.00001, long=-1e-05, description="near the origin")
    return leaky


def _iso(value):
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if isinstance(value, dt.datetime) else value


def reference_rows() -> list[tuple]:
    return [row for batch in request_batches(batch_size=7) for row in batch]


def reference_csv(rows) -> bytes:
    def cell(value):
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return repr(value) if isinstance(value, float) else _iso(value)

    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(NAMES)
    writer.writerows([cell(value) for value in row] for row in rows)
    return text.getvalue().encode()


def reference_json(rows) -> bytes:
    objects = [json.dumps({name: _iso(value) for name, value in zip(NAMES, row)}, ensure_ascii=False) for row in rows]
    return ("[\n" + ",\n".join(objects) + "\n]\n").encode()


def reference_geojson(rows) -> bytes:
    features = []
    for row in rows:
        values = dict(zip(NAMES, row))
        properties = {name: _iso(value) for name, value in values.items() if name not in ("lat", "long")}
        features.append(json.dumps({"type": "Feature", "geometry": {"type": "Point", "coordinates": [
            values["long"], values["lat"]]}, "properties": properties}, ensure_ascii=False))
    return ('{"type": "FeatureCollection", "features": [\n' + ",\n".join(features) + "\n]}\n").encode()


def test_it_reads_the_same_rows_as_the_row_by_row_reference(world):
    _world(world)
    expected = [tuple(_iso(value) for value in row) for row in reference_rows()]
    got = [tuple(row[name] for name in NAMES)
           for batch in request_record_batches(batch_size=6) for row in batch.to_pylist()]
    assert got == expected and len(got) == 4 + len(TRICKY) + 2
    updated = {row[NAMES.index("updated_datetime")][-8:] for row in got}
    assert {".500000Z", ".000007Z", ".000120Z"} <= updated  # the fractions survived, padded to six digits


@pytest.mark.parametrize(("writer", "reference"), [(write_csv, reference_csv), (write_json, reference_json),
                                                   (write_geojson, reference_geojson)])
def test_it_writes_files_byte_for_byte_as_the_csv_and_json_modules_do(world, writer, reference):
    _world(world)
    out = io.BytesIO()
    count = writer(request_record_batches(batch_size=5), REQUEST_COLUMNS, out)
    rows = reference_rows()
    assert count == len(rows)
    assert out.getvalue() == reference(rows)


def test_it_writes_parquet_with_typed_columns_equal_to_the_reference(world):
    _world(world)
    out = io.BytesIO()
    write_parquet(request_record_batches(batch_size=5), REQUEST_COLUMNS, out)
    table = pq.read_table(io.BytesIO(out.getvalue()))
    assert str(table.schema.field("requested_datetime").type) == "timestamp[us, tz=UTC]"
    got = [tuple(row[name] for name in NAMES) for row in table.to_pylist()]
    assert got == reference_rows()


def test_it_writes_empty_files_when_there_is_nothing_public(world):
    make_request(world, is_private=True)
    for writer, empty in ((write_csv, reference_csv([])), (write_json, reference_json([])[:2] + b"]\n"),
                          (write_geojson, b'{"type": "FeatureCollection", "features": [\n]}\n')):
        out = io.BytesIO()
        assert writer(request_record_batches(), REQUEST_COLUMNS, out) == 0
        assert out.getvalue() == empty
    out = io.BytesIO()
    write_parquet(request_record_batches(), REQUEST_COLUMNS, out)
    assert pq.read_table(io.BytesIO(out.getvalue())).num_rows == 0


def test_it_masks_every_description_that_holds_contact_details_and_snaps_every_sensitive_point(world):
    leaky = _world(world)
    rows = {row["service_request_id"]: row for batch in request_record_batches() for row in batch.to_pylist()}
    masked = rows[leaky.contact.public_id]["description"]
    assert "[email removed]" in masked and "[phone removed]" in masked and "217-555-0147" not in masked
    assert leaky.private.public_id not in rows and leaky.private_type.public_id not in rows
    snapped = [row for row in rows.values() if row["location_snapped"]]
    assert len(snapped) == 2 and all(row["address"] is None for row in snapped)
    assert rows[leaky.sensitive.public_id]["lat"] != 3.0123456


def test_it_reads_one_query_for_the_rows_and_one_for_the_photos_per_batch(world, django_assert_max_num_queries):
    _world(world)
    rows = 4 + len(TRICKY) + 2
    batches = -(-rows // 4)
    with django_assert_max_num_queries(5 + 2 * batches + 1):  # related tables; rows + photos per batch; the last
        assert sum(batch.num_rows for batch in request_record_batches(batch_size=4)) == rows


def test_it_names_an_object_added_while_the_export_runs_in_every_column(world):
    from civicdesk.opendata.arrowrows import Lookups

    lookups = Lookups()
    ids = pa.array([world.pothole.pk], pa.int64())
    assert lookups.column("service_type", ids, "name").to_pylist() == ["Pothole"]
    late = ServiceType.objects.create(code="late", name="Late arrival")
    both = pa.array([world.pothole.pk, late.pk], pa.int64())
    assert lookups.column("service_type", both, "is_sensitive").to_pylist() == [False, False]
    assert lookups.column("service_type", both, "name").to_pylist() == ["Pothole", "Late arrival"]
    assert lookups.column("service_type", both, "code").to_pylist() == ["pothole", "late"]


def test_it_links_photos_of_requests_whose_tracking_number_needs_quoting(world):
    request = make_request(world)
    photo = Attachment.objects.create(request=request, kind="photo", file="requests/q.jpg", content_type="image/jpeg")
    ServiceRequest.objects.filter(pk=request.pk).update(public_id="IMP 7 ä")  # as an import may have kept it
    rows = [row for batch in request_record_batches() for row in batch.to_pylist()]
    assert rows[0]["media_url"] == reference_rows()[0][NAMES.index("media_url")]
    assert "IMP%207%20%C3%A4" in rows[0]["media_url"] and rows[0]["media_url"].endswith(f"/{photo.pk}")
