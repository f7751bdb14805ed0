"""`manage.py backup`: a consistent copy while residents keep reporting, and the restore drill that proves it.

The drill (docs/backups.md): back up while a thread keeps submitting reports and adding notes through the
services, restore the backup into a FRESH database (a new SQLite file, or a new PostgreSQL database) with
`manage.py restore` run the way an operator runs it, and find there every report acknowledged before the
backup started, with every timeline entry committed before then.
"""

from __future__ import annotations

import tarfile
import threading
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from civicdesk.servicerequests import services
from civicdesk.testing.databases import fresh_database, manage, rows
from civicdesk.testing.world import IN_WEST_ELM

DESCRIPTIONS = Path(__file__).parent / "data" / "backup_reports.txt"


class Writer(threading.Thread):
    """Submits reports and adds a note to each, recording when each write was acknowledged (committed)."""

    def __init__(self, world):
        super().__init__(daemon=True)
        self.world = world
        self.texts = [line.strip() for line in DESCRIPTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
        self.reports: list[tuple[float, str]] = []  # (acknowledged at, public_id)
        self.entries: list[tuple[float, int]] = []  # (committed at, timeline entry id)
        self.halt = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            number = 0
            while not self.halt.is_set():
                number += 1
                request = services.submit_request(
                    service_type=self.world.graffiti, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                    description=self.texts[number % len(self.texts)], contact_email=f"writer{number}@backup.example.org")
                done = time.monotonic()
                self.reports.append((done, request.public_id))
                self.entries += [(done, pk) for pk in request.timeline.values_list("pk", flat=True)]
                note = services.add_note(request, message="Crew booked for Thursday.", user=self.world.bob)
                self.entries.append((time.monotonic(), note.pk))
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
        finally:
            connection.close()

    def wait_for(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.reports) < count:
            assert self.error is None, self.error
            assert time.monotonic() < deadline, f"only {len(self.reports)} reports written"
            time.sleep(0.05)


def test_it_restores_into_a_fresh_database_every_report_acknowledged_before_a_backup_taken_under_load(
        tworld, tmp_path):
    writer = Writer(tworld)
    writer.start()
    try:
        writer.wait_for(20)
        started = time.monotonic()
        call_command("backup", output=tmp_path / "drill.backup", stdout=open("/dev/null", "w"))
        finished = time.monotonic()
        writer.wait_for(len(writer.reports) + 10)  # and the residents kept reporting after it
    finally:
        writer.halt.set()
        writer.join()
    assert writer.error is None, writer.error
    before = {public_id for moment, public_id in writer.reports if moment < started}
    entries_before = {pk for moment, pk in writer.entries if moment < started}
    assert len(before) >= 20

    url, drop = fresh_database(tmp_path)
    try:
        result = manage("restore", str(tmp_path / "drill.backup"), database_url=url, var_dir=tmp_path / "var")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Restored" in result.stdout
        stored = rows(url, "SELECT public_id, id FROM servicerequests_servicerequest "
                                    "WHERE contact_email LIKE '%@backup.example.org'")
        entries = rows(url, "SELECT id, request_id, kind FROM servicerequests_timelineentry")
        # The restored database is a working CivicDesk: migrate finds nothing to do.
        check = manage("migrate", "--check", database_url=url, var_dir=tmp_path / "var")
        assert check.returncode == 0, check.stdout + check.stderr
    finally:
        drop()

    ids = {public_id: pk for public_id, pk in stored}
    assert len(ids) == len(stored)  # no report twice
    assert before <= set(ids), sorted(before - set(ids))[:10]
    assert entries_before <= {pk for pk, _, _ in entries}, sorted(entries_before - {pk for pk, _, _ in entries})[:10]
    kinds = {}
    for _, request_id, kind in entries:
        kinds.setdefault(request_id, set()).add(kind)
    # A consistent copy: every report in it is whole, however far its writer had got when the copy was taken.
    assert all({"submitted", "routed"} <= kinds.get(pk, set()) for pk in ids.values())
    assert len(writer.reports) > len(before)  # reports kept being acknowledged during and after the backup
    assert finished >= started


def test_it_writes_nothing_at_the_output_when_the_backup_fails(tworld, tmp_path):
    existing = tmp_path / "kept.backup"
    existing.write_bytes(b"an older backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", output=existing)
    assert existing.read_bytes() == b"an older backup"
    assert list(tmp_path.iterdir()) == [existing]


def test_it_names_the_backup_by_time_inside_a_folder_and_archives_local_media(tworld, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "requests").mkdir(parents=True)
    (tmp_path / "media" / "requests" / "pothole.jpg").write_bytes(b"\xff\xd8 a photo of a pothole")
    out = tmp_path / "backups"
    out.mkdir()
    call_command("backup", output=out, media=True, stdout=open("/dev/null", "w"))
    written = [path for path in out.iterdir() if not path.name.endswith(".media.tar.gz")]
    assert len(written) == 1 and written[0].name.startswith("civicdesk-")
    header = written[0].read_bytes()[:16]
    assert header.startswith(b"SQLite format 3" if connection.vendor == "sqlite" else b"PGDMP")
    with tarfile.open(f"{written[0]}.media.tar.gz") as archive:
        assert "media/requests/pothole.jpg" in archive.getnames()


def test_it_refuses_a_media_archive_when_uploads_are_in_object_storage(tworld, tmp_path, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}
    with pytest.raises(CommandError, match="bucket versioning or replication"):
        call_command("backup", output=tmp_path / "db.backup", media=True, stdout=open("/dev/null", "w"))
