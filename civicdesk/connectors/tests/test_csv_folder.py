"""The CSV drop folder: whole files out to outbox/, update files in from inbox/, one transaction per file."""

from __future__ import annotations

import csv

from civicdesk.connectors import services
from civicdesk.connectors.backends.csvfolder import resolve_folder
from civicdesk.connectors.models import InboundUpdate, SyncRecord

from .conftest import new_graffiti


def _sent(connector, world):
    """A new request, forwarded through the connector: the request."""
    request = new_graffiti(world)
    services.deliver(SyncRecord.objects.get(connector=connector).pk)
    return request


HEADER = "update_id,tracking_number,status,note\n"


def _inbox(connector, name: str, text: str):
    inbox = resolve_folder(connector.folder) / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / name).write_text(text, encoding="utf-8")
    return inbox.parent


def test_it_writes_a_new_request_as_one_whole_file_and_no_temporary_left(csv_connector, world):
    request = new_graffiti(world)
    record = SyncRecord.objects.get(connector=csv_connector)
    assert services.deliver(record.pk) == SyncRecord.State.SENT
    outbox = resolve_folder(csv_connector.folder) / "outbox"
    files = sorted(p.name for p in outbox.iterdir())
    assert files == [f"new-{request.public_id}-{record.idempotency_key}.csv"]
    rows = list(csv.DictReader((outbox / files[0]).open(encoding="utf-8")))
    assert rows[0]["tracking_number"] == request.public_id and rows[0]["description"] == "Tag on the library wall"
    assert "contact_email" not in rows[0] and rows[0]["idempotency_key"] == str(record.idempotency_key)


def test_it_writes_the_same_file_again_on_a_retry_not_a_second_one(csv_connector, world):
    new_graffiti(world)
    record = SyncRecord.objects.get(connector=csv_connector)
    backend = csv_connector.backend()
    backend.send_new(record.request, record)
    backend.send_new(record.request, record)
    assert len(list((resolve_folder(csv_connector.folder) / "outbox").iterdir())) == 1


def test_it_applies_a_good_update_file_and_moves_it_to_done(csv_connector, world):
    request = _sent(csv_connector, world)
    folder = _inbox(csv_connector, "updates-1.csv", HEADER
                    + f"w1,{request.public_id},IN PROGRESS,Crew assigned\nw2,{request.public_id},,Paint bought\n")
    assert services.poll(csv_connector) == 2
    request.refresh_from_db()
    assert request.status.code == "in_progress"
    assert list(request.public_timeline().values_list("message", flat=True))[-2:] == ["Crew assigned", "Paint bought"]
    assert (folder / "done" / "updates-1.csv").exists() and not list((folder / "inbox").iterdir())
    # The file dropped again (the move was lost in a crash): nothing happens twice.
    _inbox(csv_connector, "updates-1.csv", (folder / "done" / "updates-1.csv").read_text())
    assert services.poll(csv_connector) == 0


def test_it_rejects_a_file_with_bad_rows_and_applies_none_of_it(csv_connector, world):
    request = _sent(csv_connector, world)
    folder = _inbox(csv_connector, "updates-2.csv", HEADER
                    + f"w1,{request.public_id},DONE,Fixed it\n,{request.public_id},,\nw3,,DONE,\n")
    assert services.poll(csv_connector) == 0
    request.refresh_from_db()
    assert request.status.code != "fixed" and not InboundUpdate.objects.exists()
    report = (folder / "rejected" / "updates-2.csv.errors.txt").read_text()
    assert "Row 3: update_id is empty." in report and "Row 4: tracking_number is empty." in report
    assert (folder / "rejected" / "updates-2.csv").exists()


def test_it_rolls_back_a_whole_file_when_a_row_names_an_unknown_request(csv_connector, world):
    request = _sent(csv_connector, world)
    folder = _inbox(csv_connector, "updates-3.csv", HEADER
                    + f"w1,{request.public_id},DONE,Fixed it\nw2,AAAA-BBBB,DONE,Other\n")
    assert services.poll(csv_connector) == 0
    request.refresh_from_db()
    assert request.status.code != "fixed" and not request.timeline.filter(message="Fixed it").exists()
    assert "Row 3:" in (folder / "rejected" / "updates-3.csv.errors.txt").read_text()


def test_it_rejects_a_file_without_the_needed_columns(csv_connector):
    folder = _inbox(csv_connector, "bad.csv", "id,what\n1,2\n")
    services.poll(csv_connector)
    assert "lacks the columns" in (folder / "rejected" / "bad.csv.errors.txt").read_text()


def test_it_keeps_the_folder_inside_the_connectors_root(csv_connector):
    for name in ("", "../../etc", "/etc"):
        try:
            resolve_folder(name)
        except ValueError:
            continue
        raise AssertionError(f"{name!r} was accepted")
