"""`manage.py import_311`: NYC and Chicago CSV files and Open311 JSON, rejects, re-imports and resuming."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from civicdesk.audit.models import AuditEntry
from civicdesk.catalog.models import ServiceType
from civicdesk.datasets.models import ImportedRequest, ImportRun
from civicdesk.datasets.tests.keys import dangling_keys
from civicdesk.servicerequests.models import ServiceRequest, TimelineEntry

# The published headers, written out here on purpose: the tests check the importer against the real shape.
NYC_HEADER = (
    "Unique Key,Created Date,Closed Date,Agency,Agency Name,Complaint Type,Descriptor,Location Type,Incident Zip,"
    "Incident Address,Street Name,Cross Street 1,Cross Street 2,Intersection Street 1,Intersection Street 2,"
    "Address Type,City,Landmark,Facility Type,Status,Due Date,Resolution Description,"
    "Resolution Action Updated Date,Community Board,BBL,Borough,X Coordinate (State Plane),"
    "Y Coordinate (State Plane),Open Data Channel Type,Park Facility Name,Park Borough,Vehicle Type,"
    "Taxi Company Borough,Taxi Pick Up Location,Bridge Highway Name,Bridge Highway Direction,Road Ramp,"
    "Bridge Highway Segment,Latitude,Longitude,Location"
)
CHICAGO_HEADER = (
    "SR_NUMBER,SR_TYPE,SR_SHORT_CODE,CREATED_DEPARTMENT,OWNER_DEPARTMENT,STATUS,ORIGIN,CREATED_DATE,"
    "LAST_MODIFIED_DATE,CLOSED_DATE,STREET_ADDRESS,CITY,STATE,ZIP_CODE,STREET_NUMBER,STREET_DIRECTION,STREET_NAME,"
    "STREET_TYPE,DUPLICATE,LEGACY_RECORD,LEGACY_SR_NUMBER,PARENT_SR_NUMBER,COMMUNITY_AREA,WARD,ELECTRICAL_DISTRICT,"
    "ELECTRICITY_GRID,POLICE_SECTOR,POLICE_DISTRICT,POLICE_BEAT,PRECINCT,SANITATION_DIVISION_DAYS,CREATED_HOUR,"
    "CREATED_DAY_OF_WEEK,CREATED_MONTH,X_COORDINATE,Y_COORDINATE,LATITUDE,LONGITUDE,LOCATION"
)


def nyc_row(key, created, complaint, descriptor="", *, closed="", status="Open", address="12 OAK STREET", lat="3.0",
            long="2.5", resolution="", updated=""):
    values = dict.fromkeys(NYC_HEADER.split(","), "")
    values.update({"Unique Key": key, "Created Date": created, "Closed Date": closed, "Agency": "DOT",
                   "Agency Name": "Department of Transportation", "Complaint Type": complaint,
                   "Descriptor": descriptor, "Incident Address": address, "City": "ELM", "Status": status,
                   "Resolution Description": resolution, "Resolution Action Updated Date": updated,
                   "Open Data Channel Type": "PHONE", "Latitude": lat, "Longitude": long,
                   "Location": f"({lat}, {long})" if lat else ""})
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values.values())
    return out.getvalue()


def chicago_row(number, sr_type, code, status, created, *, closed="", duplicate="false", lat="3.0", long="3.5"):
    values = dict.fromkeys(CHICAGO_HEADER.split(","), "")
    values.update({"SR_NUMBER": number, "SR_TYPE": sr_type, "SR_SHORT_CODE": code, "STATUS": status,
                   "ORIGIN": "Internet", "CREATED_DATE": created, "LAST_MODIFIED_DATE": closed or created,
                   "CLOSED_DATE": closed, "STREET_ADDRESS": "14 OAK ST", "DUPLICATE": duplicate,
                   "LATITUDE": lat, "LONGITUDE": long, "LOCATION": f"({lat}, {long})"})
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values.values())
    return out.getvalue()


def write(tmp_path, name, header, *rows):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_311", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue()


def rejects_of(path):
    with open(f"{path}.rejects.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_it_loads_an_nyc_file_and_rejects_each_bad_row_saying_why(world, tmp_path):
    path = write(tmp_path, "nyc.csv", NYC_HEADER,
                 nyc_row("1001", "01/15/2025 08:05:09 PM", "Pothole", closed="01/17/2025 10:00:00 AM",
                         status="Closed", address="12 OAK STREET, APT 3", resolution="Repaired the pothole."),
                 nyc_row("1002", "01/16/2025 11:59:00 AM", "Graffiti", status="In Progress",
                         updated="01/18/2025 09:00:00 AM"),
                 nyc_row("1003", "01/16/2025 09:00:00 AM", "Pothole", lat="", long=""),
                 nyc_row("1004", "13/45/2025 99:00:00 PM", "Pothole"),
                 nyc_row("1005", "01/16/2025 09:00:00 AM", "Heat/Hot Water", "Entire Building"),
                 nyc_row("1001", "01/16/2025 09:00:00 AM", "Pothole"),
                 nyc_row("1006", "01/16/2025 09:00:00 AM", "Pothole", lat="20.0", long="20.0"),
                 nyc_row("1007", "01/16/2025 09:00:00 AM", "Pothole", lat="north"))
    out = run(path, "--format", "nyc")
    assert "Rows read: 8; loaded: 2; skipped as already imported: 0; rejected: 6." in out

    pothole = ServiceRequest.objects.get(imported_from__source_id="1001")
    assert pothole.service_type == world.pothole and pothole.jurisdiction == world.elm
    assert pothole.district == world.west and pothole.department == world.public_works
    assert pothole.address == "12 OAK STREET, APT 3, ELM" and pothole.channel == "phone"
    # NYC's dates are local wall-clock times: 8:05 PM in Chicago's winter is 02:05 UTC the next day.
    assert pothole.requested_at == dt.datetime(2025, 1, 16, 2, 5, 9, tzinfo=dt.timezone.utc)
    assert not pothole.is_open and pothole.status.code == "fixed"
    assert pothole.closed_at == dt.datetime(2025, 1, 17, 16, 0, tzinfo=dt.timezone.utc)
    timeline = list(pothole.timeline.order_by("created_at", "id"))
    assert [entry.kind for entry in timeline] == [TimelineEntry.Kind.SUBMITTED, TimelineEntry.Kind.STATUS]
    assert timeline[1].message == "Repaired the pothole." and timeline[1].status_to.code == "fixed"
    assert timeline[1].created_at == pothole.closed_at

    graffiti = ServiceRequest.objects.get(imported_from__source_id="1002")
    assert graffiti.is_open and graffiti.status.code == "in_progress" and graffiti.closed_at is None
    assert graffiti.timeline.order_by("created_at").last().status_to.code == "in_progress"

    reasons = {row["source_id"]: row["reason"] for row in rejects_of(path)}
    assert reasons == {
        "1003": "the request has no coordinates",
        "1004": "the creation date “13/45/2025 99:00:00 PM” is not a date",
        "1005": "no service type matches the category “Heat/Hot Water / Entire Building” (add it to the mapping "
                "file, or import with --create-types)",
        "1001": "the id 1001 appeared earlier in this file (row 1)",
        "1006": "the point 20.0, 20.0 is outside every jurisdiction",
        "1007": "the latitude “north” is not a number",
    }
    rows = rejects_of(path)
    assert [row["row"] for row in rows] == ["3", "4", "5", "6", "7", "8"]
    assert rows[0]["original_row"] == nyc_row("1003", "01/16/2025 09:00:00 AM", "Pothole", lat="", long="")
    run_record = ImportRun.objects.get()
    assert (run_record.rows_read, run_record.rows_loaded, run_record.rows_rejected) == (8, 2, 6)
    assert run_record.state == ImportRun.State.FINISHED
    assert AuditEntry.objects.filter(action="datasets.import_finished", object_id=str(run_record.pk)).exists()


def test_it_skips_rows_imported_before_when_the_file_is_loaded_again(world, tmp_path):
    path = write(tmp_path, "nyc.csv", NYC_HEADER,
                 nyc_row("2001", "02/01/2025 10:00:00 AM", "Pothole"),
                 nyc_row("2002", "02/01/2025 11:00:00 AM", "Graffiti"))
    run(path, "--format", "nyc")
    out = run(path, "--format", "nyc")
    assert "Rows read: 2; loaded: 0; skipped as already imported: 2; rejected: 0." in out
    assert ServiceRequest.objects.count() == 2 and ImportedRequest.objects.count() == 2


def test_it_imports_with_the_indexes_dropped_and_builds_them_again(world, tmp_path):
    def index_names():
        with connection.cursor() as cursor:
            return {index for table in (ServiceRequest._meta.db_table, TimelineEntry._meta.db_table)
                    for index in connection.introspection.get_constraints(cursor, table)}

    before = index_names()
    path = write(tmp_path, "nyc.csv", NYC_HEADER,
                 nyc_row("2101", "02/01/2025 10:00:00 AM", "Pothole", closed="02/03/2025 09:30:00 AM",
                         status="Closed"),
                 nyc_row("2102", "02/01/2025 11:00:00 AM", "Graffiti"))
    out = run(path, "--format", "nyc", "--rebuild-indexes")
    assert "Rows read: 2; loaded: 2; skipped as already imported: 0; rejected: 0." in out
    assert index_names() == before
    assert TimelineEntry.objects.count() == 3
    assert dangling_keys() == {}


def test_it_creates_inactive_types_for_unknown_categories_when_asked(world, tmp_path):
    path = write(tmp_path, "nyc.csv", NYC_HEADER,
                 nyc_row("3001", "02/01/2025 10:00:00 AM", "Noise - Residential", "Loud Music/Party"),
                 nyc_row("3002", "02/01/2025 11:00:00 AM", "Noise - Residential", "Banging/Pounding"))
    out = run(path, "--format", "nyc", "--create-types")
    assert "loaded: 2;" in out and "noise-residential" in out
    created = ServiceType.objects.get(code="noise-residential")
    assert created.name == "Noise - Residential" and not created.is_active and created.group.name == "Imported"
    assert ServiceRequest.objects.filter(service_type=created).count() == 2
    assert created.audit_entries().filter(action="catalog.servicetype_created_by_import").count() == 1


def test_it_maps_categories_through_a_mapping_file_most_specific_first(world, tmp_path):
    mapping = tmp_path / "map.csv"
    mapping.write_text("source,service_code\nStreet Condition / Pothole,pothole\nStreet Condition,graffiti\n",
                       encoding="utf-8")
    path = write(tmp_path, "nyc.csv", NYC_HEADER,
                 nyc_row("4001", "02/01/2025 10:00:00 AM", "Street Condition", "Pothole"),
                 nyc_row("4002", "02/01/2025 10:00:00 AM", "Street Condition", "Cave-in"))
    run(path, "--format", "nyc", "--map", mapping)
    assert ServiceRequest.objects.get(imported_from__source_id="4001").service_type == world.pothole
    assert ServiceRequest.objects.get(imported_from__source_id="4002").service_type == world.graffiti


def test_it_refuses_a_mapping_file_naming_unknown_service_codes(world, tmp_path):
    mapping = tmp_path / "map.csv"
    mapping.write_text("source,service_code\nRodent,rats\n", encoding="utf-8")
    path = write(tmp_path, "nyc.csv", NYC_HEADER, nyc_row("1", "02/01/2025 10:00:00 AM", "Rodent"))
    with pytest.raises(CommandError, match="service codes that do not exist: rats"):
        run(path, "--format", "nyc", "--map", mapping)
    assert not ImportRun.objects.exists()


def test_it_refuses_a_file_whose_header_is_not_the_format(world, tmp_path):
    path = write(tmp_path, "wrong.csv", CHICAGO_HEADER, chicago_row("SR1", "Pothole", "PHF", "Open",
                                                                     "02/01/2025 10:00:00 AM"))
    with pytest.raises(CommandError, match="does not look like a nyc file"):
        run(path, "--format", "nyc")
    assert not ServiceRequest.objects.exists()


def test_it_loads_chicago_statuses_short_codes_and_duplicates(world, tmp_path):
    mapping = tmp_path / "map.csv"
    mapping.write_text("source,service_code\nPHF,pothole\nGRAF,graffiti\n", encoding="utf-8")
    path = write(tmp_path, "chicago.csv", CHICAGO_HEADER,
                 chicago_row("SR25-001", "Pothole in Street Complaint", "PHF", "Completed", "03/01/2025 07:15:00 AM",
                             closed="03/02/2025 01:30:00 PM"),
                 chicago_row("SR25-002", "Graffiti Removal Request", "GRAF", "Canceled", "03/01/2025 07:20:00 AM",
                             closed="03/01/2025 08:00:00 AM"),
                 chicago_row("SR25-003", "Pothole in Street Complaint", "PHF", "Completed", "03/01/2025 07:30:00 AM",
                             closed="03/01/2025 09:00:00 AM", duplicate="true"),
                 chicago_row("SR25-004", "Pothole in Street Complaint", "PHF", "Open", "03/01/2025 07:40:00 AM"),
                 chicago_row("SR25-005", "Pothole in Street Complaint", "PHF", "Completed", "03/03/2025 07:40:00 AM",
                             closed="03/01/2025 07:40:00 AM"))
    out = run(path, "--format", "chicago", "--map", mapping)
    assert "Rows read: 5; loaded: 4; skipped as already imported: 0; rejected: 1." in out
    codes = dict(ServiceRequest.objects.values_list("imported_from__source_id", "status__code"))
    assert codes == {"SR25-001": "fixed", "SR25-002": "cancelled", "SR25-003": "duplicate", "SR25-004": "submitted"}
    first = ServiceRequest.objects.get(imported_from__source_id="SR25-001")
    assert first.district == world.east and first.service_type == world.pothole and first.channel == "web"
    assert rejects_of(path)[0]["reason"] == "the closing date is before the creation date"


OPEN311 = [
    {"service_request_id": "638344", "status": "closed", "status_notes": "Duplicate request.", "service_name": "Pothole",
     "service_code": "pothole", "description": "Huge hole, with [brackets], {braces} and \"quotes\"",
     "agency_responsible": None, "service_notice": None, "requested_datetime": "2025-04-14T06:37:38-05:00",
     "updated_datetime": "2025-04-14T15:37:38-05:00", "expected_datetime": "2025-04-15T06:37:38-05:00",
     "address": "8TH AVE and J ST", "address_id": "545483", "zipcode": "94122", "lat": 3.1, "long": 2.6,
     "media_url": "https://example.org/photo.jpg"},
    {"service_request_id": "638349", "status": "open", "service_code": "graffiti", "service_name": "Graffiti",
     "requested_datetime": "2025-04-15T08:00:00Z", "lat": "8.0", "long": "8.0", "description": "Tags, again"},
    {"service_request_id": "638350", "status": "open", "service_code": "streetlight", "service_name": "Streetlight",
     "requested_datetime": "2025-04-15T08:00:00Z", "lat": 3.1, "long": 2.6},
    {"service_request_id": "638351", "status": "open", "service_code": "pothole", "requested_datetime": "yesterday",
     "lat": 3.1, "long": 2.6},
]


def test_it_streams_an_open311_json_array(world, tmp_path):
    path = tmp_path / "requests.json"
    path.write_text(json.dumps(OPEN311, indent=2), encoding="utf-8")
    out = run(path, "--format", "open311", "--batch", "2")
    assert "Rows read: 4; loaded: 2; skipped as already imported: 0; rejected: 2." in out
    closed = ServiceRequest.objects.get(imported_from__source_id="638344")
    assert closed.requested_at == dt.datetime(2025, 4, 14, 11, 37, 38, tzinfo=dt.timezone.utc)
    assert closed.closed_at == dt.datetime(2025, 4, 14, 20, 37, 38, tzinfo=dt.timezone.utc)
    assert closed.expected_at == dt.datetime(2025, 4, 15, 11, 37, 38, tzinfo=dt.timezone.utc)
    assert closed.description == 'Huge hole, with [brackets], {braces} and "quotes"'
    assert closed.media_url == "https://example.org/photo.jpg" and closed.address_id == "545483"
    county = ServiceRequest.objects.get(imported_from__source_id="638349")
    assert county.jurisdiction == world.county and county.department == world.roads and county.is_open
    reasons = [row["reason"] for row in rejects_of(path)]
    assert reasons[0].startswith("no service type matches the category “streetlight”")
    assert reasons[1] == "the creation date “yesterday” is not a date"
    assert json.loads(rejects_of(path)[1]["original_row"])["service_request_id"] == "638351"


def test_it_reads_open311_json_lines_too(world, tmp_path):
    path = tmp_path / "requests.jsonl"
    path.write_text("\n".join(json.dumps(item) for item in OPEN311[:2]) + "\n", encoding="utf-8")
    out = run(path, "--format", "open311")
    assert "Rows read: 2; loaded: 2;" in out


def test_it_refuses_to_import_into_a_jurisdiction_points_outside_it(world, tmp_path):
    path = write(tmp_path, "nyc.csv", NYC_HEADER,
                 nyc_row("5001", "02/01/2025 10:00:00 AM", "Pothole", lat="3.0", long="2.5"),
                 nyc_row("5002", "02/01/2025 10:00:00 AM", "Pothole", lat="8.0", long="8.0"))
    out = run(path, "--format", "nyc", "--jurisdiction", "elm")
    assert "loaded: 1;" in out and "rejected: 1." in out
    assert rejects_of(path)[0]["reason"] == "the point 8.0, 8.0 is outside Town of Elm"


def many_rows(count):
    return [nyc_row(str(7000 + n), f"02/{1 + n % 27:02d}/2025 10:{n % 60:02d}:00 AM", "Pothole" if n % 3 else "Oops")
            for n in range(count)]


def test_it_resumes_after_the_last_saved_batch_and_loads_the_rest_exactly_once(world, tmp_path):
    path = write(tmp_path, "nyc.csv", NYC_HEADER, *many_rows(10))
    out = run(path, "--format", "nyc", "--batch", "3", "--max-batches", "2")
    assert "Rows read: 6; loaded: 4; skipped as already imported: 0; rejected: 2." in out
    assert "continue it with --resume" in out
    assert ImportRun.objects.get().state == ImportRun.State.STOPPED
    out = run(path, "--format", "nyc", "--batch", "3", "--resume")
    assert "Rows read: 4; loaded: 2; skipped as already imported: 0; rejected: 2." in out
    assert "Import #" in out and "6 requests loaded" in out
    run_record = ImportRun.objects.get()
    assert (run_record.rows_read, run_record.rows_loaded, run_record.rows_rejected, run_record.batches) == (10, 6, 4, 4)
    assert ServiceRequest.objects.count() == 6 and ImportedRequest.objects.count() == 6
    assert [row["source_id"] for row in rejects_of(path)] == ["7000", "7003", "7006", "7009"]


def test_it_redoes_a_batch_that_failed_half_way_without_duplicates(world, tmp_path, monkeypatch):
    path = write(tmp_path, "nyc.csv", NYC_HEADER, *many_rows(9))
    real_save = ImportRun.save
    progress_saves = []

    def save_then_die(self, *args, **kwargs):
        if "offset" in (kwargs.get("update_fields") or ()) and "rows_read" in kwargs["update_fields"]:
            progress_saves.append(self.batches)
            if len(progress_saves) == 2:
                # The second batch's requests and reject line are written; the process dies before it commits.
                raise KeyboardInterrupt
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(ImportRun, "save", save_then_die)
    with pytest.raises(KeyboardInterrupt):
        run(path, "--format", "nyc", "--batch", "3")
    assert ServiceRequest.objects.count() == 2  # the second batch rolled back whole
    assert [row["source_id"] for row in rejects_of(path)] == ["7000", "7003"]  # its reject line outlived it
    monkeypatch.setattr(ImportRun, "save", real_save)
    out = run(path, "--format", "nyc", "--batch", "3", "--resume")
    assert "Rows read: 6; loaded: 4;" in out
    assert ServiceRequest.objects.count() == 6 and TimelineEntry.objects.count() == 6
    assert sorted(ImportedRequest.objects.values_list("source_id", flat=True)) == [
        "7001", "7002", "7004", "7005", "7007", "7008"]
    assert [row["source_id"] for row in rejects_of(path)] == ["7000", "7003", "7006"]


def test_it_will_not_resume_when_the_file_changed(world, tmp_path):
    path = write(tmp_path, "nyc.csv", NYC_HEADER, *many_rows(6))
    run(path, "--format", "nyc", "--batch", "2", "--max-batches", "1")
    path.write_text(path.read_text() + nyc_row("9999", "02/01/2025 10:00:00 AM", "Pothole") + "\n")
    with pytest.raises(CommandError, match="has changed since the import started"):
        run(path, "--format", "nyc", "--resume")


def test_it_says_when_there_is_nothing_to_resume(world, tmp_path):
    path = write(tmp_path, "nyc.csv", NYC_HEADER, *many_rows(2))
    with pytest.raises(CommandError, match="no unfinished import"):
        run(path, "--format", "nyc", "--resume")


def test_it_keeps_the_choices_a_run_started_with_when_resumed(world, tmp_path):
    path = write(tmp_path, "nyc.csv", NYC_HEADER,
                 nyc_row("8001", "02/01/2025 10:00:00 AM", "Pothole"),
                 nyc_row("8002", "02/01/2025 10:00:00 AM", "Rodent"),
                 nyc_row("8003", "02/01/2025 10:00:00 AM", "Sewer"))
    run(path, "--format", "nyc", "--create-types", "--batch", "2", "--max-batches", "1")
    out = run(path, "--format", "nyc", "--resume")
    assert "loaded: 1; skipped as already imported: 0; rejected: 0." in out
    assert set(ServiceType.objects.filter(group__name="Imported").values_list("code", flat=True)) == {
        "rodent", "sewer"}


def test_it_records_no_run_when_the_reject_file_cannot_be_written(world, tmp_path):
    path = write(tmp_path, "nyc.csv", NYC_HEADER, nyc_row("1", "02/01/2025 10:00:00 AM", "Pothole"))
    with pytest.raises(CommandError, match="Cannot write the reject file"):
        run(path, "--format", "nyc", "--rejects", tmp_path / "missing-folder" / "rejects.csv")
    assert not ImportRun.objects.exists() and not ServiceRequest.objects.exists()


def test_it_keeps_the_language_an_open311_request_was_written_in(world, tmp_path):
    path = tmp_path / "requests.jsonl"
    items = [{**OPEN311[0], "service_request_id": "900", "language": "es", "description": "bache en la calle"},
             {**OPEN311[0], "service_request_id": "901", "language": "xx"},
             {**OPEN311[0], "service_request_id": "902"}]
    path.write_text("\n".join(json.dumps(item) for item in items) + "\n", encoding="utf-8")
    out = run(path, "--format", "open311")
    assert "Rows read: 3; loaded: 3;" in out
    languages = dict(ServiceRequest.objects.filter(imported_from__source_id__in=["900", "901", "902"])
                     .values_list("imported_from__source_id", "language"))
    assert languages == {"900": "es", "901": "en", "902": "en"}


def test_it_checks_a_batch_whose_rows_mix_good_and_bad_dates_row_by_row(world, tmp_path):
    path = write(tmp_path, "nyc.csv", NYC_HEADER,
                 nyc_row("8001", "02/03/2025 09:00:00 AM", "Pothole"),
                 nyc_row("8002", "01/01/2099 10:00:00 AM", "Pothole"),
                 nyc_row("8003", "02/03/2025 09:00:00 AM", "Pothole", closed="02/04/2025 10:30:00 AM",
                         status="Closed", resolution="Filled."),
                 nyc_row("8004", "02/05/2025 09:00:00 AM", "Pothole", closed="02/04/2025 09:00:00 AM",
                         status="Closed"),
                 nyc_row("8005", "02/03/2025 09:00:00 AM", "Graffiti", status="Closed",
                         updated="02/06/2025 04:15:00 PM"),
                 nyc_row("8006", "02/03/2025 09:00:00 AM", "Graffiti", status="Assigned",
                         updated="02/04/2025 08:00:00 AM"),
                 nyc_row("8007", "02/03/2025 25:00:00 AM", "Pothole"))
    out = run(path, "--format", "nyc")
    assert "Rows read: 7; loaded: 4; skipped as already imported: 0; rejected: 3." in out
    assert [(row["row"], row["reason"]) for row in rejects_of(path)] == [
        ("2", "the creation date is in the future"),
        ("4", "the closing date is before the creation date"),
        ("7", "the creation date “02/03/2025 25:00:00 AM” is not a date"),
    ]
    utc = dt.timezone.utc
    by_id = {r.imported_from.source_id: r for r in ServiceRequest.objects.select_related("imported_from", "status")}
    # 9:00 in Chicago's winter is 15:00 UTC; a pothole's 16 business hours run on from there.
    assert by_id["8001"].requested_at == dt.datetime(2025, 2, 3, 15, 0, tzinfo=utc)
    assert by_id["8001"].expected_at == world.elm.calendar().add_business_hours(by_id["8001"].requested_at, 16)
    assert by_id["8001"].is_open and by_id["8001"].closed_at is None
    assert by_id["8003"].closed_at == dt.datetime(2025, 2, 4, 16, 30, tzinfo=utc)
    # Closed without a closing date: closed when last updated.
    assert by_id["8005"].closed_at == dt.datetime(2025, 2, 6, 22, 15, tzinfo=utc) and not by_id["8005"].is_open
    assert by_id["8006"].status.code == "acknowledged" and by_id["8006"].updated_at == dt.datetime(
        2025, 2, 4, 14, 0, tzinfo=utc)
    # Each request's timeline: "submitted" first, then (when its status moved on) one entry for the move.
    entries = [(e.request.imported_from.source_id, e.kind, e.message, e.created_at)
               for e in TimelineEntry.objects.select_related("request__imported_from").order_by("id")]
    assert entries == [
        ("8001", "submitted", "Imported from nyc.", dt.datetime(2025, 2, 3, 15, 0, tzinfo=utc)),
        ("8003", "submitted", "Imported from nyc.", dt.datetime(2025, 2, 3, 15, 0, tzinfo=utc)),
        ("8003", "status", "Filled.", dt.datetime(2025, 2, 4, 16, 30, tzinfo=utc)),
        ("8005", "submitted", "Imported from nyc.", dt.datetime(2025, 2, 3, 15, 0, tzinfo=utc)),
        ("8005", "status", by_id["8005"].status.name, dt.datetime(2025, 2, 6, 22, 15, tzinfo=utc)),
        ("8006", "submitted", "Imported from nyc.", dt.datetime(2025, 2, 3, 15, 0, tzinfo=utc)),
        ("8006", "status", by_id["8006"].status.name, dt.datetime(2025, 2, 4, 14, 0, tzinfo=utc)),
    ]
    assert dangling_keys() == {}


def _stored(source):
    """The requests imported from `source`, field by field, with their timelines, by source id."""
    stored = {}
    for request in ServiceRequest.objects.filter(imported_from__source=source).select_related("imported_from"):
        entries = [(e.kind, e.message.replace(f"from {source}.", "from the source."), e.created_at, e.status_from_id,
                    e.status_to_id)
                   for e in request.timeline.order_by("created_at", "id")]
        stored[request.imported_from.source_id] = (
            request.jurisdiction_id, request.service_type_id, request.status_id, request.is_open, request.lat,
            request.long, request.address, request.district_id, request.department_id, request.routing_note,
            request.channel, request.description, request.requested_at, request.updated_at, request.closed_at,
            request.expected_at, entries)
    return stored


def test_it_stores_the_same_requests_and_rejects_whether_it_reads_a_batch_in_bulk_or_row_by_row(
        world, tmp_path, monkeypatch):
    from civicdesk.datasets import formats, importer

    at = "02/03/2025 09:00:00 AM"
    rows = [
        nyc_row("1", "02/03/2025 08:05:09 PM", "Pothole", closed="02/04/2025 10:00:00 AM", status="Closed",
                resolution='Filled, "for good".'),
        nyc_row("2", "02/03/2025 12:30:00 AM", "Graffiti", status="In Progress", updated="02/05/2025 12:00:00 PM"),
        nyc_row("3", "2/3/2025 9:05 AM", "Pothole"),  # another shape the row-by-row reader knows
        nyc_row("4", "2025-02-03T09:00:00", "Pothole", closed="2025-02-04T09:00:00-06:00", status="Closed"),
        nyc_row("5", "02/30/2025 10:00:00 AM", "Pothole"),  # not a day: pyarrow would carry it into March
        nyc_row("6", at, "Pothole", closed="02/04/2025 13:00:00 PM"),
        nyc_row("7", at, "Pothole", lat=" 3.0 ", long="2.5 "),
        nyc_row("8", at, "Pothole", lat="3e0", long="+2.5"),
        nyc_row("9", at, "Pothole", lat="nan"),
        nyc_row("10", at, "Pothole", lat="95.0"),
        nyc_row("11", at, "Pothole", lat="0", long="0.0"),
        nyc_row("12", "01/01/2099 10:00:00 AM", "Pothole"),
        nyc_row("13", at, "Pothole", closed="02/02/2025 09:00:00 AM", status="Closed"),
        nyc_row("14", at, "Graffiti", updated="   "),
        nyc_row("15", "", "Pothole"),
        nyc_row("16", at, "Unknown thing"),
        nyc_row("1", at, "Pothole"),
        nyc_row("17", at, "Pothole", lat="20.0", long="20.0"),
        nyc_row("18", "02/03/2025 11:59:59 PM", "Graffiti", status="Assigned", updated="02/04/2025 12:00:00 AM"),
        nyc_row("19", at, "Pothole", lat="-3.0", long="2.5"),
        nyc_row("20", "02/29/2024 10:00:00 AM", "Pothole"),  # a leap day
        nyc_row("21", "02/29/2025 10:00:00 AM", "Pothole"),  # not one
        nyc_row("22", at, "Pothole", closed="04/31/2025 10:00:00 AM", status="Closed"),
        nyc_row("23", "02/03/2025 09:00:00 am", "Graffiti"),
    ]
    path = write(tmp_path, "nyc.csv", NYC_HEADER, *rows)
    read_one_by_one = []
    real_values = importer.Importer._values

    def values(self, record, service_type):
        read_one_by_one.append(record.source_id)
        return real_values(self, record, service_type)

    monkeypatch.setattr(importer.Importer, "_values", values)
    run(path, "--format", "nyc", "--batch", "6", "--source", "bulk", "--rejects", tmp_path / "bulk.csv")
    # Only rows whose values are not in the published shape were read one by one.
    assert sorted(read_one_by_one, key=int) == ["3", "4", "5", "6", "8", "9", "10", "11", "14", "15", "21", "22",
                                                 "23"]
    monkeypatch.setattr(formats._CsvBlocks, "_parsed", lambda self, ends: None)
    run(path, "--format", "nyc", "--batch", "6", "--source", "rows", "--rejects", tmp_path / "rows.csv")

    assert _stored("bulk") == _stored("rows")
    assert sorted(_stored("bulk"), key=int) == ["1", "2", "3", "4", "7", "8", "14", "18", "20", "23"]
    assert (tmp_path / "bulk.csv").read_text(encoding="utf-8") == (tmp_path / "rows.csv").read_text(encoding="utf-8")
    with open(tmp_path / "bulk.csv", encoding="utf-8", newline="") as handle:
        reasons = {row["source_id"]: row["reason"] for row in csv.DictReader(handle)}
    assert reasons["5"] == "the creation date “02/30/2025 10:00:00 AM” is not a date"
    assert reasons["11"] == "the coordinates 0, 0 are a placeholder, not a place"
    assert reasons["13"] == "the closing date is before the creation date"
    assert reasons["21"] == "the creation date “02/29/2025 10:00:00 AM” is not a date"
    assert reasons["22"] == "the closing date “04/31/2025 10:00:00 AM” is not a date"
    assert len(reasons) == 14 and reasons["19"] == "the point -3.0, 2.5 is outside every jurisdiction"
    assert dangling_keys() == {}
